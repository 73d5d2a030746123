import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf, type ValidationArguments } from 'class-validator';
import { NestedObject, NestedObjects } from './nested.js';
import { CATEGORY_IDS } from '../../nlp/types.js';

// Offsets are UTF-16 code units; the longest text MAX_TEXT_LENGTH allows (1,000,000 code points) can be
// twice that many. The bound only keeps absurd numbers out of the service, which checks every span
// against the document's own text.
const MAX_OFFSET = 2_000_000;

export class SpanDto {
  @IsDefined({ message: 'start is required (the offset of the span\'s first character)' })
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  start!: number;

  @IsDefined({ message: 'end is required (the offset just past the span\'s last character)' })
  @IsInt()
  @Min(1)
  @Max(MAX_OFFSET)
  end!: number;
}

/** "polarity is required for an add" (null counts as missing: no field here takes null for an op that needs it). */
const requiredFor = (ops: string) => ({ message: (a: ValidationArguments) => `${a.property} is required for ${ops}` });
/** The same for polarity and category, which an update may also name: there null is a value it cannot take. */
const requiredForAdd = {
  message: (a: ValidationArguments) =>
    (a.object as CorrectionActionDto).op === 'add' ? `${a.property} is required for an add` : `${a.property} cannot be null; leave it out to keep the tag's`,
};

/** The fields each op reads; any other one sent with it would be silently ignored, so it is refused. */
export const OP_FIELDS: Record<CorrectionActionDto['op'], readonly (keyof CorrectionActionDto)[]> = {
  accept: [],
  update: ['tagId', 'polarity', 'category', 'aspect'],
  delete: ['tagId'],
  add: ['span', 'turnIndex', 'aspect', 'polarity', 'category'],
};

// Each op's required fields carry @IsDefined under their @ValidateIf, so a missing one is a 400 that
// names it ("span is required for an add") instead of a string of type errors, or, for a nested DTO
// (@ValidateNested lets undefined through), a request that reaches CorrectionsService without it.
export class CorrectionActionDto {
  @IsDefined({ message: 'op is required: accept, update, delete or add' })
  @IsIn(['accept', 'update', 'delete', 'add'])
  op!: 'accept' | 'update' | 'delete' | 'add';

  @ValidateIf((a: CorrectionActionDto) => a.op === 'update' || a.op === 'delete')
  @IsDefined(requiredFor('an update or a delete'))
  @IsString()
  @Length(1, 64)
  tagId?: string;

  @ValidateIf((a: CorrectionActionDto) => a.op === 'add' || a.polarity !== undefined)
  @IsDefined(requiredForAdd)
  @IsIn(['positive', 'negative', 'neutral'])
  polarity?: 'positive' | 'negative' | 'neutral';

  @ValidateIf((a: CorrectionActionDto) => a.op === 'add' || a.category !== undefined)
  @IsDefined(requiredForAdd)
  @IsIn(CATEGORY_IDS as unknown as string[])
  category?: (typeof CATEGORY_IDS)[number];

  @IsOptional()
  @IsString()
  @Length(1, 64)
  aspect?: string | null;

  @ValidateIf((a: CorrectionActionDto) => a.op === 'add')
  @IsDefined(requiredFor('an add'))
  @NestedObject(() => SpanDto)
  span?: SpanDto;

  @IsOptional()
  @IsInt()
  @Min(0)
  turnIndex?: number;
}

export class CorrectionsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @NestedObjects(() => CorrectionActionDto)
  actions!: CorrectionActionDto[];

  /** The document's `tagsVersion` as the labeler loaded it: when the tags are no longer those, a 409 (see tagsVersion()). */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  tagsVersion?: string;
}

// At least one of the three is required (an empty patch is refused by CorrectionsService, which names
// the body); null is an aspect's "none", never a polarity or category.
export class TagPatchDto {
  @ValidateIf((p: TagPatchDto) => p.polarity !== undefined)
  @IsIn(['positive', 'negative', 'neutral'])
  polarity?: 'positive' | 'negative' | 'neutral';

  @ValidateIf((p: TagPatchDto) => p.category !== undefined)
  @IsIn(CATEGORY_IDS as unknown as string[])
  category?: (typeof CATEGORY_IDS)[number];

  @IsOptional()
  @IsString()
  @Length(1, 64)
  aspect?: string | null;
}
