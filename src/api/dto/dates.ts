import { IsISO8601, IsOptional, registerDecorator, type ValidationOptions } from 'class-validator';
import { readInstant } from '../../time-zone.js';

/**
 * The instant a date string names, or null when it cannot be read. A date alone, or a date-time without an
 * offset, is read in the service's TIME_ZONE (src/time-zone.ts). Every date a request carries is read here.
 */
export function readDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  return readInstant(value);
}

/**
 * IsISO8601 also accepts week dates (2024-W18), ordinal dates (2024-123) and the basic format
 * (20240501), which Date cannot read: stored they crash the write, used as filters they match
 * nothing. Paired with IsISO8601, this keeps only the forms the service can act on.
 */
export function IsReadableDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isReadableDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: { validate: (value: unknown) => readDate(value) !== null },
    });
  };
}

/**
 * The 400 for a date in a query string. Its examples are what to type into a URL: an offset's + must be
 * sent as %2B, since a bare + in a query string reads as a space (2024-05-01T08:00:00 08:00, refused).
 */
export const QUERY_DATE_MSG = {
  message: 'must be a calendar date or date-time (ISO 8601, e.g. 2024-05-01, 2024-05-01T08:00:00Z, or 2024-05-01T08:00:00%2B08:00: in a URL an offset\'s + is written %2B, a bare + reads as a space)',
};

/**
 * An optional date a filter or a body may carry: a strict ISO 8601 form that the service can also read (see
 * IsReadableDate), both refusals with the same message. Seven fields spelled these three decorators out.
 */
export function OptionalDate(message: ValidationOptions): PropertyDecorator {
  // applied last to first, as stacked decorators are, so validation and its messages keep their order
  const stack = [IsOptional(), IsISO8601({ strict: true }, message), IsReadableDate(message)];
  return (target, key) => {
    for (const d of [...stack].reverse()) d(target, key);
  };
}
