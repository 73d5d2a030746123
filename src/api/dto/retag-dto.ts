import { IsIn, IsOptional, registerDecorator, type ValidationArguments } from 'class-validator';
import { OptionalDate, readDate } from './dates.js';
import { PageQueryDto, StatsQueryDto } from './query-dto.js';

const DATE_MSG = { message: 'must be a calendar date or date-time (ISO 8601, e.g. 2024-05-01 or 2024-05-01T08:00:00+08:00)' };

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
  // All of StatsQueryDto's rules again: class-validator drops a parent's rules for a property the
  // subclass gives rules of its own, and a week date (2024-W18) would then pass.
  @OptionalDate(DATE_MSG)
  @NotAfter('to')
  declare from?: string;

  // In a JSON body an offset's + is a +: the message's example says so, not the %2B a query string needs.
  @OptionalDate(DATE_MSG)
  declare to?: string;
}

/**
 * POST /v1/retag-jobs: the filters, and what the job is for, kept with it for GET /v1/retag-jobs (a model
 * switch's re-tag is named by the switch itself, so ModelSwitchDto does not take it).
 */
export class StartRetagDto extends RetagDto {
  @IsOptional()
  @IsIn(['manual', 'lexicon'], { message: 'reason must be manual or lexicon (a re-tag after a lexicon change); promotions and rollbacks name their own' })
  reason?: 'manual' | 'lexicon';
}

/** GET /v1/retag-jobs. */
export class RetagListQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(['running', 'done', 'cancelled'])
  status?: 'running' | 'done' | 'cancelled';
}
