import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { NestedObject, NestedObjects } from './nested.js';
import { OptionalDate, QUERY_DATE_MSG } from './dates.js';
import { StatsQueryDto } from './query-dto.js';
import { NON_BLANK } from './document-dto.js';
import { CATEGORY_IDS } from '../../nlp/types.js';
import { SURVEY_CASES, type SurveyCases } from '../../store/records.js';

const CATEGORIES = CATEGORY_IDS as unknown as string[];
// A word of only spaces matches nothing (blank words are skipped when texts are searched): a rule or routing
// entry holding nothing else was saved and could never fire.
const notBlank = (what: string) => Matches(/\S/, { each: true, message: `each of ${what} must hold a visible character (a blank one matches nothing)` });
/**
 * An optional list of up to `max` words, each 1 to `maxLength` characters with a visible one (keywords, aspects,
 * channels, teams, escalation words): the one shape every word list of rules and routing takes.
 */
function WordList(what: string, max: number, maxLength = 64): PropertyDecorator {
  // applied last to first, as stacked decorators are, so validation and its messages keep their order
  const stack = [IsOptional(), IsArray(), ArrayMaxSize(max), IsString({ each: true }), Length(1, maxLength, { each: true }), notBlank(what)];
  return (target, key) => {
    for (const d of [...stack].reverse()) d(target, key);
  };
}
const PRIORITY_VALUES = ['low', 'normal', 'high', 'urgent'];
// A case's assignee: 1 to 100 characters once trimmed, none of them a control character (a name is one line).
const ASSIGNEE = /^\s*[^\s\p{Cc}](?:[^\p{Cc}]{0,98}[^\s\p{Cc}])?\s*$/u;
const ASSIGNEE_MSG = 'assignee must be 1 to 100 characters once trimmed, on one line (send null to unassign)';
// query strings: the example a URL needs (%2B for an offset's +)
const DATE_MSG = QUERY_DATE_MSG;

export class WebhookCreateDto {
  @IsString()
  @Length(1, 2048)
  url!: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  description?: string;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

// PATCH: absent means unchanged. IsOptional would also let null through, which the service would
// store (an endpoint with active: null is neither on nor off), so only description may be null (cleared).
const present = (_: object, v: unknown) => v !== undefined;

export class WebhookUpdateDto {
  @ValidateIf(present)
  @IsString()
  @Length(1, 2048)
  url?: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  description?: string | null;

  @ValidateIf(present)
  @IsBoolean()
  active?: boolean;

  /** Issues a new secret (shown once in the response); the old one stops working at once. */
  @ValidateIf(present)
  @IsBoolean()
  rotateSecret?: boolean;
}

export class RuleMatchDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(15)
  @IsIn(CATEGORIES, { each: true })
  categories?: string[];

  @WordList('aspects', 50)
  aspects?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(['positive', 'negative', 'neutral'], { each: true })
  polarities?: ('positive' | 'negative' | 'neutral')[];

  @WordList('channels', 50)
  channels?: string[];

  @WordList('keywords', 100)
  keywords?: string[];
}

export class RuleThresholdDto {
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(/\S/, { message: 'channel must hold a visible character (a blank one matches nothing)' })
  channel?: string;

  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(10_080)
  windowMinutes?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  minDocuments?: number;

  /** The window's negative share must be above this (0.3 = 30 %). */
  @IsNumber()
  @Min(0)
  @Max(1)
  minShare!: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  baselineDays?: number;

  /** And above the baseline share × minLift; 0 turns the baseline comparison off. */
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  minLift?: number;
}

export class RuleDto {
  @IsString()
  @Length(1, 120)
  name!: string;

  @IsIn(['document', 'threshold', 'sla_breach'])
  type!: 'document' | 'threshold' | 'sla_breach';

  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @IsDefined({ message: 'webhookIds is required: the ids of the webhooks (GET /v1/webhooks) the rule notifies, [] for none' })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  webhookIds!: string[];

  @IsOptional()
  @NestedObject(() => RuleMatchDto)
  match?: RuleMatchDto;

  @IsOptional()
  @NestedObject(() => RuleThresholdDto)
  threshold?: RuleThresholdDto;

  /** sla_breach rules: only cases of these teams (absent or empty = every team). */
  @WordList('teams', 50)
  teams?: string[];
}

export class RoutingEntryDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(15)
  @IsIn(CATEGORIES, { each: true })
  categories?: string[];

  @WordList('keywords', 100)
  keywords?: string[];

  @IsString()
  @Length(1, 64)
  team!: string;

  @IsNumber()
  @Min(0.1)
  @Max(2160)
  slaHours!: number;

  @IsOptional()
  @IsIn(PRIORITY_VALUES)
  priority?: 'low' | 'normal' | 'high' | 'urgent';
}

export class RoutingTableDto {
  @IsArray()
  @ArrayMaxSize(100)
  @NestedObjects(() => RoutingEntryDto)
  entries!: RoutingEntryDto[];

  @IsString()
  @Length(1, 64)
  defaultTeam!: string;

  @IsNumber()
  @Min(0.1)
  @Max(2160)
  defaultSlaHours!: number;

  @WordList('escalationWords', 100, 32)
  escalationWords?: string[];

  /** Which scored survey answers a negative opinion makes a case of; left out: any_negative (every one). */
  @IsOptional()
  @IsIn(SURVEY_CASES as unknown as string[])
  surveyCases?: SurveyCases;
}

const LIMIT = /^([1-9]\d{0,2}|1000)$/;

export class CasesQueryDto {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  team?: string;

  /** Open cases past their due time (true), or the others (false). Only an open case can be overdue: true with status=resolved is a 400. */
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: string;

  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: string;

  @IsOptional()
  @IsIn(PRIORITY_VALUES)
  priority?: string;

  /** Cases assigned to this person (as set with PATCH /v1/cases/:id, compared exactly once trimmed); `none`: the unassigned ones. */
  @IsOptional()
  @IsString()
  @Matches(ASSIGNEE, { message: ASSIGNEE_MSG })
  assignee?: string;

  @IsOptional()
  @Matches(LIMIT, { message: 'limit must be a whole number from 1 to 1000' })
  limit?: string;

  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}

export class CaseUpdateDto {
  /** Who of the team works the case: a person's id or name, 1 to 100 characters once trimmed; null unassigns. Cleared when the case moves to another team. */
  @ValidateIf((_: object, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @Matches(ASSIGNEE, { message: ASSIGNEE_MSG })
  assignee?: string | null;
}

export class DeliveriesQueryDto {
  @IsOptional()
  @Matches(LIMIT, { message: 'limit must be a whole number from 1 to 1000' })
  limit?: string;

  /** Deliveries created before this time (page back by the last item's createdAt). */
  @OptionalDate(DATE_MSG)
  before?: string;

  /** The previous page's nextCursor. */
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}

/** A customer in a journey's path: an id ingest could have stored (customerId is 1-128 characters), as erasure reads it. */
export class JourneyParamsDto {
  @IsString()
  @Length(1, 128, { message: 'id must be a customerId of 1-128 characters' })
  @Matches(NON_BLANK, { message: 'id must contain at least one visible character' })
  id!: string;
}

export class JourneyQueryDto {
  @IsOptional()
  @Matches(LIMIT, { message: 'limit must be a whole number from 1 to 1000' })
  limit?: string;
}

export class AtRiskQueryDto {
  @IsOptional()
  @Matches(/^([1-9]\d{0,2})$/, { message: 'days must be a whole number from 1 to 999' })
  days?: string;

  @IsOptional()
  @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be a whole number from 1 to 1000' })
  limit?: string;

  /** true: only customers past the churn threshold; default lists every customer below zero. */
  @IsOptional()
  @IsIn(['true', 'false'])
  onlyAtRisk?: string;
}

/**
 * The current period (from/to, both inclusive as on every date filter; default the last 7 whole TIME_ZONE days, today included), channel
 * and kind, as the summary takes them; the previous period is derived.
 */
export class KpiQueryDto extends StatsQueryDto {}
