import { IsObject, Validate, ValidateIf, ValidatorConstraint, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';
import { CATEGORY_IDS, type CategoryId } from '../../nlp/types.js';

/** A term of the tenant lexicon; lexicon suggestions and the OpenAPI schema use the same rule. */
export const TERM = /^[\p{Script=Han}A-Za-z0-9]{1,20}$/u;
const MAX_ENTRIES = 2000;

/** term → category id, or term → strength in [-2, 2]; terms are 1-20 Chinese characters, letters or digits. */
@ValidatorConstraint({ name: 'termMap' })
class TermMap implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const entries = Object.entries(value);
    if (entries.length > MAX_ENTRIES) return false;
    const kind = args.constraints[0] as 'category' | 'strength';
    return entries.every(([term, v]) =>
      TERM.test(term) && (kind === 'category' ? (CATEGORY_IDS as readonly unknown[]).includes(v) : typeof v === 'number' && v >= -2 && v <= 2 && v !== 0),
    );
  }
  defaultMessage(args: ValidationArguments): string {
    return args.constraints[0] === 'category'
      ? `aspects must map terms (1-20 Chinese characters, letters or digits; at most ${MAX_ENTRIES}) to one of the 15 category ids`
      : `sentiment must map terms (1-20 Chinese characters, letters or digits; at most ${MAX_ENTRIES}) to a non-zero strength from -2 to 2`;
  }
}

// Absent keeps a part and {} clears it; null (which IsOptional lets through) did neither: the save answered
// 200, was audited, and kept the part, so it is refused instead.
const present = (_: object, v: unknown) => v !== undefined;

export class TaxonomyOverridesDto {
  @ValidateIf(present)
  @IsObject()
  @Validate(TermMap, ['category'])
  aspects?: Record<string, CategoryId>;

  @ValidateIf(present)
  @IsObject()
  @Validate(TermMap, ['strength'])
  sentiment?: Record<string, number>;
}
