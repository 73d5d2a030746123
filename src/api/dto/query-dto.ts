import { IsIn, IsNumberString, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CATEGORY_IDS } from '../../nlp/types.js';
import { OptionalDate, QUERY_DATE_MSG } from './dates.js';

// Strict: a day that does not exist (2024-02-31) is refused, not rolled into the next month.
// query strings: the example a URL needs (%2B for an offset's +)
const DATE_MSG = QUERY_DATE_MSG;

/** A page size: the rules of PageQueryDto's limit, for lists whose DTO cannot extend it. */
function PageLimit(): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'limit must be a whole number from 1 to 1000' })(target, key);
  };
}

/** The previous page's nextCursor: the rules of PageQueryDto's cursor, for lists whose DTO cannot extend it. */
function PageCursor(): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    IsString()(target, key);
    Length(1, 512)(target, key);
  };
}

export class PageQueryDto {
  @PageLimit()
  limit?: string;

  @PageCursor()
  cursor?: string;
}

/**
 * Lists whose clients show "N in all" (the feed, the labeling queue, the document list). The count is a
 * second pass over every matching row, so it is asked for, not paid on every page a scroller fetches.
 */
function WithTotal(): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    IsIn(['true', 'false'], { message: 'withTotal must be true or false: true adds total, the number of rows matching the filters' })(target, key);
  };
}

export class CountedPageQueryDto extends PageQueryDto {
  @WithTotal()
  withTotal?: string;
}

/**
 * The tag filters GET /v1/tags and its export share. Not the feed's paging: the export streams every match
 * (it counts nothing), and a feed cursor copied into its URL started the file part-way.
 */
export class TagFilterQueryDto {
  @IsOptional()
  @IsIn(['positive', 'negative', 'neutral'])
  polarity?: string;

  @IsOptional()
  @IsIn(CATEGORY_IDS as unknown as string[])
  category?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  aspect?: string;

  /** Where the tag came from (model, rule, human). The document's channel is `channel`. */
  @IsOptional()
  @IsIn(['model', 'rule', 'human'])
  source?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  channel?: string;

  @IsOptional()
  @IsIn(['comment', 'transcript', 'social', 'survey'])
  kind?: string;

  /** Tags of documents scored on this scale (a survey answer, or a comment or transcript with a score): what the NPS/CSAT drivers count. */
  @IsOptional()
  @IsIn(['nps', 'csat'])
  scale?: string;

  @OptionalDate(DATE_MSG)
  from?: string;

  @OptionalDate(DATE_MSG)
  to?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @IsOptional()
  @IsNumberString({}, { message: 'minConfidence must be a number from 0 to 1' })
  minConfidence?: string;

  @IsOptional()
  @IsNumberString({}, { message: 'maxConfidence must be a number from 0 to 1' })
  maxConfidence?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  documentId?: string;
}

export class TagQueryDto extends TagFilterQueryDto {
  @PageLimit()
  limit?: string;

  @PageCursor()
  cursor?: string;

  @WithTotal()
  withTotal?: string;
}

export class ExportQueryDto extends TagFilterQueryDto {
  @IsOptional()
  @IsIn(['csv', 'jsonl'])
  format?: string;
}

export class DocumentQueryDto extends CountedPageQueryDto {
  @IsOptional()
  @IsIn(['queued', 'processing', 'done', 'failed'])
  status?: string;

  @IsOptional()
  @IsIn(['comment', 'transcript', 'social', 'survey'])
  kind?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  channel?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  customerId?: string;
}

/** A date range and channel: the common slice of every aggregate query. */
export class RangeQueryDto {
  @OptionalDate(DATE_MSG)
  from?: string;

  @OptionalDate(DATE_MSG)
  to?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  channel?: string;
}

export class StatsQueryDto extends RangeQueryDto {
  @IsOptional()
  @IsIn(['comment', 'transcript', 'social', 'survey'])
  kind?: string;
}
