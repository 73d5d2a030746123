import { registerDecorator, type ValidationArguments } from 'class-validator';
import { readDate } from './dates.js';
import { StatsQueryDto } from './query-dto.js';

/**
 * A date that must not lie after the instant `other` names. Checked here, not in the service, because a
 * promotion or rollback (ModelSwitchDto) switches versions before it starts its re-tag: refused there,
 * the version would already have changed. Unreadable dates are left to the format rules.
 */
function NotAfter(other: string): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'notAfter',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: `must not be after ${other}` },
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const from = readDate(value);
          const to = readDate((args.object as Record<string, unknown>)[other]);
          return !from || !to || from <= to;
        },
      },
    });
  };
}

/**
 * Which finished documents to re-tag: channel, kind, and from/to on when the feedback happened
 * (occurredAt, else when it was received), as every other date filter reads them.
 */
export class RetagDto extends StatsQueryDto {
  @NotAfter('to')
  declare from?: string;
}
