import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { NestedObjects } from './nested.js';
import type { DocumentKind, Speaker } from '../../nlp/types.js';
import { IsReadableDate } from './dates.js';

export const MAX_TURNS = 500;
export const MAX_BATCH = 1000;

/** A metadata key: ASCII letters, digits, _ and -, 1-64 of them (the OpenAPI pattern is this one). */
export const METADATA_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Keys nested inside metadata ({"app":{"v1.2":…}}) are free-form, but a key holding a "." or starting with "$"
 * cannot be stored: the embedded store refuses such field names (and MongoDB reads them as paths and
 * operators). Unchecked, one answered a 500 and sank the whole batch it came in.
 */
function storableKeys(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(storableKeys);
  return Object.entries(value).every(([k, v]) => !k.includes('.') && !k.startsWith('$') && storableKeys(v));
}

/** Metadata is caller context (ticket id, app version …), not a second document: small and flat. */
@ValidatorConstraint({ name: 'smallMetadata' })
class SmallMetadata implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const keys = Object.keys(value);
    if (keys.length > 32) return false;
    if (!keys.every((k) => METADATA_KEY.test(k))) return false;
    if (!storableKeys(value)) return false;
    // bytes, as "4 KB" and the body limit read: string length let CJK metadata reach 12 KB
    return Buffer.byteLength(JSON.stringify(value), 'utf8') <= 4096;
  }
  defaultMessage(): string {
    // "letters" alone read as any script's: 手机号 is a letter to Unicode, and a key named so was refused unexplained
    return 'metadata must be an object of at most 32 keys, each 1-64 ASCII letters, digits, _ or - (no Chinese characters, spaces or dots), no key at any depth holding a "." or starting with "$", and 4 KB of JSON';
  }
}

/**
 * Text must carry something to analyze, and no NUL bytes (they break downstream tools and exports). Not
 * visible either: control characters and the zero-width, bidi and other format characters (\p{Cc}, \p{Cf};
 * written as ranges so the OpenAPI pattern needs no Unicode flag). A text of only U+200B was accepted and
 * tagged as nothing, and an externalId of one was a key no one could see or type.
 */
export const NON_BLANK = /[^\s\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/;
const NO_NUL = /^[^\u0000]*$/;

export class TurnDto {
  @IsIn(['customer', 'agent', 'system'])
  speaker!: Speaker;

  // Its length limit is configured (MAX_TEXT_LENGTH), so it is checked in checkDocumentShape.
  @IsString()
  @Matches(NO_NUL, { message: 'text must not contain NUL characters' })
  text!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  startMs?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  endMs?: number;
}

/**
 * A survey answer whose comment box was left empty: no text, null, or text with nothing visible (survey
 * tools export the empty box as ""). Most respondents give only the score, and NPS and CSAT count every
 * answer, so refusing these left the scores to the minority who wrote something.
 */
export function surveyWithoutComment(o: { kind?: unknown; text?: unknown }): boolean {
  return o.kind === 'survey' && (o.text === undefined || o.text === null || (typeof o.text === 'string' && !NON_BLANK.test(o.text)));
}

const TEXT_KINDS = new Set(['comment', 'social', 'survey']);
const textKindName = (kind: unknown) => (typeof kind === 'string' && TEXT_KINDS.has(kind) ? kind : 'document');

export class CreateDocumentDto {
  @IsIn(['comment', 'transcript', 'social', 'survey'], { message: 'kind must be one of comment, transcript, social, survey' })
  kind!: DocumentKind;

  @IsDefined({ message: 'source is required: where the document comes from, letters, digits, ".", "_" or "-" (e.g. app-review)' })
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'source must be letters, digits, ".", "_" or "-" (e.g. app-review)' })
  source!: string;

  // A missing one was told every rule at once, "must not contain NUL characters" among them.
  @IsDefined({ message: 'externalId is required: your id for this document (e.g. r-1001), which makes a re-send a duplicate instead of a second copy' })
  @IsString()
  @Length(1, 128)
  @Matches(NO_NUL, { message: 'externalId must not contain NUL characters' })
  @Matches(NON_BLANK, { message: 'externalId must contain at least one visible character' })
  externalId!: string;

  // Comments and social posts carry text; transcripts carry turns (the other field is refused in
  // checkDocumentShape rather than silently dropped, so a mis-built client finds out at once). A survey
  // answer may be its score alone (see surveyWithoutComment).
  @ValidateIf((o: CreateDocumentDto) => o.kind !== 'transcript' && !surveyWithoutComment(o))
  // the kind is named only when it is one: {"kind":"bad"} is told about kind, not "a bad carries text"
  @IsDefined({ message: (a: ValidationArguments) => `text is required: a ${textKindName((a.object as CreateDocumentDto).kind)} carries text (only a transcript carries turns)` })
  @IsString()
  @MinLength(1)
  @Matches(NON_BLANK, { message: 'text must contain at least one visible character' })
  @Matches(NO_NUL, { message: 'text must not contain NUL characters' })
  text?: string;

  @ValidateIf((o: CreateDocumentDto) => o.kind === 'transcript')
  @IsDefined({ message: 'turns is required: a transcript carries turns ([{speaker, text}, …]), not text' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TURNS)
  @NestedObjects(() => TurnDto)
  turns?: TurnDto[];

  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(NON_BLANK, { message: 'customerId must contain at least one visible character' })
  // The customer is a URL path segment (GET /v1/customers/:id/journey, DELETE /v1/customers/:id), and
  // browsers and fetch() resolve . and .. there, %2E%2E included: the console could never erase them.
  @IsNotIn(['.', '..'], { message: 'customerId cannot be "." or "..": URLs resolve them as paths' })
  customerId?: string;

  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'occurredAt must be an ISO 8601 date-time' })
  @IsReadableDate({ message: 'occurredAt must be a calendar date or date-time such as 2026-11-28T10:00:00+08:00 (not a week, ordinal or basic-format date)' })
  occurredAt?: string;

  @IsOptional()
  @IsObject()
  @Validate(SmallMetadata)
  metadata?: Record<string, unknown>;

  /** The survey prompt the text answers, e.g. 【如不满意，请描述下问题】. */
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @Matches(NO_NUL, { message: 'question must not contain NUL characters' })
  question?: string;

  /** NPS 0–10 or CSAT 1–5 (see scale); required for surveys, optional on comments and transcripts. */
  // A missing one was told "score must be a whole number": the required rule names what is missing instead.
  @ValidateIf((o: CreateDocumentDto) => o.kind === 'survey' || o.score !== undefined)
  // (a null score on another kind, as serializers write an empty field, was told a survey needs one)
  @IsDefined({
    message: (a: ValidationArguments) =>
      (a.object as CreateDocumentDto).kind === 'survey'
        ? 'score is required for a survey: the answer, a whole number on its scale (nps 0-10, csat 1-5)'
        : 'score is optional here, but not null: send a whole number on its scale (nps 0-10, csat 1-5) or leave the field out',
  })
  @IsInt({ message: 'score must be a whole number' })
  score?: number;

  @ValidateIf((o: CreateDocumentDto) => o.kind === 'survey' || o.score !== undefined || o.scale !== undefined)
  @IsDefined({
    message: (a: ValidationArguments) =>
      (a.object as CreateDocumentDto).kind === 'survey' || (a.object as CreateDocumentDto).score != null
        ? 'scale is required with a score: nps (0-10) or csat (1-5)'
        : 'scale goes with a score only: leave it out (null is not a scale), or send a score and nps (0-10) or csat (1-5)',
  })
  @IsIn(['nps', 'csat'], { message: 'scale must be nps (0-10) or csat (1-5)' })
  scale?: 'nps' | 'csat';
}

export const SCALE_RANGE = { nps: [0, 10], csat: [1, 5] } as const;

export class BatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  documents!: unknown[];
}

/** Limits that come from configuration rather than from the DTO's decorators. */
export interface DocumentLimits {
  /** MAX_TEXT_LENGTH: characters of text per document; a transcript's turns share it. */
  maxTextLength: number;
}

/**
 * Characters as a person counts them: Unicode code points (what for…of walks), so 𠀀 or 😭, two UTF-16
 * code units, is one, as class-validator's @Length counts them too.
 */
export function characters(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * The path of a number in metadata that JSON cannot carry exactly: beyond ±2^53 JSON.parse rounds it (an
 * 18-digit ID number 110101199003074514 became 110101199003074510, a 19-digit card number lost its last
 * digits), so it was stored changed, and, no longer passing its check digit, unmasked: region, birth date
 * and all in clear, where the same value as a string is masked. 1e400 read as Infinity and was stored as
 * null. Null when every number is exact.
 */
function inexactNumberAt(value: unknown, at: string): string | null {
  if (typeof value === 'number') return Math.abs(value) <= Number.MAX_SAFE_INTEGER ? null : at;
  if (value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const found = inexactNumberAt(v, Array.isArray(value) ? `${at}[${k}]` : `${at}.${k}`);
    if (found) return found;
  }
  return null;
}

/** Cross-field and configured rules class-validator cannot express per property. Returns the offending field. */
export function checkDocumentShape(dto: CreateDocumentDto, limits: DocumentLimits): { field: string; message: string } | null {
  if (dto.kind === 'transcript' && dto.text !== undefined) {
    return { field: 'text', message: 'transcripts carry turns, not text' };
  }
  if (dto.kind !== 'transcript' && dto.turns !== undefined) {
    return { field: 'turns', message: `a ${dto.kind} carries text, not turns` };
  }
  const max = limits.maxTextLength;
  if (dto.text !== undefined && characters(dto.text) > max) {
    return { field: 'text', message: `text must be at most ${max} characters` };
  }
  if (dto.turns !== undefined) {
    const long = dto.turns.findIndex((t) => characters(t.text) > max);
    if (long >= 0) return { field: `turns[${long}].text`, message: `turn text must be at most ${max} characters` };
    // Transcripts are capped on their total text, like a comment.
    if (dto.turns.reduce((n, t) => n + characters(t.text), 0) > max) {
      return { field: 'turns', message: `turns must hold at most ${max} characters of text in total` };
    }
  }
  if (dto.turns !== undefined) {
    const backwards = dto.turns.findIndex((t) => t.startMs !== undefined && t.endMs !== undefined && t.endMs < t.startMs);
    if (backwards >= 0) return { field: `turns[${backwards}].endMs`, message: 'endMs must not be before startMs' };
  }
  // A date past tomorrow is a client's mistake (a wrong year, a timestamp in ms read as s): stored, it sat at
  // the top of every newest-first list and in days no chart had reached yet (QA audit 2026-11-30: 2999-01-01).
  // A day's slack covers clocks and offsets written wrong by a few hours.
  if (dto.occurredAt !== undefined && Date.parse(dto.occurredAt) > Date.now() + 86_400_000) {
    return { field: 'occurredAt', message: 'occurredAt is more than a day in the future: send when the feedback happened, with its offset (e.g. 2026-11-28T10:00:00+08:00)' };
  }
  const inexact = dto.metadata ? inexactNumberAt(dto.metadata, 'metadata') : null;
  if (inexact) {
    return { field: inexact, message: `${inexact} is a number beyond ±9007199254740991, which JSON numbers cannot hold exactly (an ID or card number loses its last digits); send it as a string` };
  }
  if (dto.score !== undefined && dto.scale !== undefined) {
    const [min, max] = SCALE_RANGE[dto.scale];
    if (dto.score < min || dto.score > max) return { field: 'score', message: `a ${dto.scale} score must be between ${min} and ${max}` };
  }
  if (dto.kind === 'social' && (dto.score !== undefined || dto.scale !== undefined)) {
    return { field: 'score', message: 'social posts carry no score' };
  }
  // a scale alone says nothing, and as it is not part of the content a re-send with another one would
  // pass for a duplicate
  if (dto.scale !== undefined && dto.score === undefined) return { field: 'score', message: `a ${dto.scale} scale needs a score` };
  if (dto.kind === 'transcript' && !dto.turns!.some((t) => NON_BLANK.test(t.text))) {
    return { field: 'turns', message: 'at least one turn must contain visible text' };
  }
  return null;
}
