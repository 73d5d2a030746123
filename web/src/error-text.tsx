import { ApiError, isStaleTags } from './api';
import { useI18n, type MsgKey } from './i18n';

type T = ReturnType<typeof useI18n>['t'];

// The API words its errors in English for developers; the console words them from the stable
// `code` (src/errors.ts and the middleware's HTTP mapping) so a Chinese page stays Chinese.
const CODE_KEYS: Record<string, MsgKey> = {
  unauthorized: 'errUnauthorized',
  forbidden: 'errForbidden',
  not_found: 'errNotFound',
  validation_failed: 'errValidation',
  bad_request: 'errValidation',
  invalid_json: 'errValidation',
  unsupported_media_type: 'errValidation',
  payload_too_large: 'errTooLarge',
  conflict: 'errConflict',
  gate_failed: 'errGateFailed',
  rate_limited: 'errRateLimited',
  idempotency_key_reused: 'errIdempotencyReused',
  training_failed: 'errTrainingFailed',
  nothing_to_learn: 'errNothingToLearn',
  internal: 'errInternal',
  webhook_in_use: 'errWebhookInUse',
  webhook_inactive: 'errWebhookInactive',
  last_admin_key: 'errLastAdminKey',
  idempotency_in_progress: 'errIdempotencyInProgress',
};

// Where the server's own sentence names what was wrong (which field, which version), it stays as a
// detail; elsewhere the translation says all there is and the English would only be noise.
const DETAIL_CODES = new Set(['validation_failed', 'bad_request', 'invalid_json', 'conflict', 'idempotency_key_reused', 'training_failed']);

export interface ErrorWords {
  code: string;
  text: string;
  /** The server's message, when it adds something the translation lacks. */
  detail?: string;
  /** The server's message, always: shown on hover for whoever reports the problem. */
  raw: string;
}

/**
 * How one form names the request fields it sends: an API field path, with each array index written
 * as `#` (turns.#.text), to the label the reader sees there. A label may use {n}, the first index + 1.
 * The same API name means different things on different forms (`source` is the ingest form's
 * channel but the feed's tag-source filter), so a form whose names differ passes its own.
 */
export type FieldLabels = Record<string, MsgKey>;

// The names used by the filter panel (feed, dashboard, export: `source` there is where a tag came
// from, model/rule/human) and by labeling (a correction's turn and span). Pages that pass no labels
// of their own send only these. A detail's field may be a path (actions[0].turnIndex); see fieldLabel.
export const DEFAULT_FIELD_LABELS: FieldLabels = {
  from: 'from',
  to: 'to',
  minConfidence: 'minConf',
  maxConfidence: 'maxConf',
  polarity: 'polarity',
  category: 'category',
  aspect: 'aspect',
  channel: 'channel',
  kind: 'kind',
  source: 'tagSource',
  q: 'search',
  text: 'ingestText',
  turns: 'transcript',
  turnIndex: 'fieldTurn',
  span: 'fieldSpan',
  tagId: 'fieldTag',
  documentId: 'fieldDocument',
};

// The common shapes of the server's reasons (class-validator's and the DTOs' own sentences), reworded
// in the page's language. The subject they start with is the API's field name, which the label
// replaces, so it is not part of the match. A reason of no known shape is shown as the server gave it.
const REASONS: [RegExp, MsgKey, (m: RegExpExecArray) => Record<string, string>][] = [
  [/(?:^|\s)must be (?:at most|shorter than or equal to) (\d+) characters$/, 'reasonMaxChars', (m) => ({ n: m[1]! })],
  [/(?:^|\s)must be longer than or equal to 1 characters$/, 'reasonRequired', () => ({})],
  [/(?:^|\s)must be longer than or equal to (\d+) characters$/, 'reasonMinChars', (m) => ({ n: m[1]! })],
  [/(?:^|\s)must hold at most (\d+) characters of text in total$/, 'reasonTotalChars', (m) => ({ n: m[1]! })],
  [/(?:^|\s)must be letters, digits, "\.", "_" or "-" \(e\.g\. ([^)]+)\)$/, 'reasonIdChars', (m) => ({ example: m[1]! })],
  [/(?:^|\s)must contain at least one visible character$/, 'reasonVisible', () => ({})],
  [/^at least one turn must contain visible text$/, 'reasonTurnsVisible', () => ({})],
  [/(?:^|\s)must not contain NUL characters$/, 'reasonNul', () => ({})],
  [/(?:^|\s)must contain at least 1 elements$/, 'reasonRequired', () => ({})],
  [/(?:^|\s)should not be empty$/, 'reasonRequired', () => ({})],
  [/(?:^|\s)must contain at least (\d+) elements$/, 'reasonMinItems', (m) => ({ n: m[1]! })],
  [/(?:^|\s)must contain no more than (\d+) elements$/, 'reasonMaxItems', (m) => ({ n: m[1]! })],
  [/(?:^|\s)must be one of(?: the following values:)? (.+)$/, 'reasonOneOf', (m) => ({ values: m[1]! })],
  [/(?:^|\s)(?:must be a calendar date or date-time|must be an ISO 8601 date-time|is not a date)\b/, 'reasonDate', () => ({})],
  [/(?:^|\s)must not be after to$/, 'reasonAfterEnd', () => ({})],
  [/(?:^|\s)must not be above maxConfidence$/, 'reasonAboveMax', () => ({})],
  [/(?:^|\s)must hold a visible character\b/, 'reasonVisible', () => ({})],
  // "score is required for a survey: …", "span is required for an add": what follows the colon is the API's wording
  [/(?:^|\s)is required\b/, 'reasonRequired', () => ({})],
  [/(?:^|\s)must be (?:a number from 0 to 1|between 0 and 1)$/, 'reasonUnit', () => ({})],
  [/(?:^|\s)must be a whole number from (\d+) to (\d+)$/, 'reasonWholeRange', (m) => ({ min: m[1]!, max: m[2]! })],
  [/(?:^|\s)must be (?:an integer number|a whole number)$/, 'reasonInteger', () => ({})],
  [/(?:^|\s)must not be less than (-?[\d.]+)$/, 'reasonMin', (m) => ({ n: m[1]! })],
  [/(?:^|\s)must not be greater than (-?[\d.]+)$/, 'reasonMax', (m) => ({ n: m[1]! })],
  [/(?:^|\s)(?:is )?out of range$/, 'reasonOutOfRange', () => ({})],
  [/(?:^|\s)does not name a tag of this document$/, 'reasonUnknownTag', () => ({})],
  [/(?:^|\s)must be a number conforming to the specified constraints$/, 'reasonNumber', () => ({})],
  // the webhook address check (src/actions/url-guard.ts) and the alert rules' and routing's own sentences
  [/^url is not a valid URL$/, 'reasonUrl', () => ({})],
  [/^url must use http or https$/, 'reasonUrlScheme', () => ({})],
  [/^url must not contain credentials\b/, 'reasonUrlCredentials', () => ({})],
  [/^url points at a private or loopback address\b/, 'reasonPrivateAddress', () => ({})],
  [/^a document rule needs at least one match criterion$/, 'reasonRuleNoMatch', () => ({})],
  [/^a threshold rule needs threshold settings$/, 'reasonThresholdRequired', () => ({})],
  [/^webhook \S+ does not exist in this tenant$/, 'reasonUnknownWebhook', () => ({})],
  [/^entry \d+ needs categories or keywords$/, 'reasonEntryNoMatch', () => ({})],
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The label a form uses for `field`. A path the form does not list is named by its nearest listed
 * part (actions.0.span.end by the span, turns.0.speaker by its turn); failing that, by the API's own
 * name for it, quoted in Chinese.
 */
function fieldLabel(t: T, field: string, labels: FieldLabels): string | null {
  const parts = field.split(/[.[\]]/).filter(Boolean);
  const isIndex = (p: string) => /^\d+$/.test(p);
  const named = parts.filter((p) => !isIndex(p));
  if (named.length === 0) return null;
  const index = parts.find(isIndex);
  const n = index === undefined ? 1 : Number(index) + 1;
  for (let i = parts.length; i > 0; i--) {
    const key = labels[parts.slice(0, i).map((p) => (isIndex(p) ? '#' : p)).join('.')] ?? (isIndex(parts[i - 1]!) ? undefined : labels[parts[i - 1]!]);
    if (key) return t(key, { n });
  }
  return t('fieldRaw', { name: named[named.length - 1]! });
}

/** A reason in the page's words, with its place in REASONS (several are listed in that order). */
function knownReason(t: T, reason: string): { text: string; order: number } | null {
  for (const [order, [re, key, vars]] of REASONS.entries()) {
    const m = re.exec(reason);
    if (m) return { text: t(key, vars(m)), order };
  }
  return null;
}

/** One field's label with the server's reason for refusing it, in the page's language where its shape is known. */
function fieldReason(t: T, field: string, label: string, reason: string): string {
  // A field that broke several rules has them joined with '; ' (src/api/validate.ts): each is worded
  // when every one has a known shape, rather than only the last, which the patterns' $ would pick.
  const parts = reason.split('; ');
  const worded = parts.length > 1 ? parts.map((p) => knownReason(t, p)) : [];
  if (worded.length > 1 && worded.every((w) => w !== null)) {
    const texts = [...new Set(worded.sort((a, b) => a!.order - b!.order).map((w) => w!.text))];
    return t('errFieldReason', { field: label, reason: texts.join(t('reasonJoin')) });
  }
  const known = knownReason(t, reason);
  if (known !== null) return t('errFieldReason', { field: label, reason: known.text });
  // The server's sentence starts with the API's name for the field; the label says it instead.
  const last = field.split(/[.[\]]/).filter(Boolean).pop() ?? field;
  const subject = new RegExp(`^(?:${escapeRe(field)}|${escapeRe(last)})\\s+(?=\\S)`);
  if (subject.test(reason)) return t('errFieldPredicate', { field: label, reason: reason.replace(subject, ''), full: reason });
  return t('errFieldRaw', { field: label, reason });
}

/**
 * Each refused field, named as the form names it, with the reason when the server gave one. A lone
 * detail whose top-level message is a sentence of its own (from must not be after to) takes that
 * sentence: the detail's own message is then a short code-like word (after to, out of range).
 */
function fieldItems(t: T, error: ApiError, labels: FieldLabels): { items: string[]; reasoned: number } {
  const lone = error.details.length === 1 && !/^invalid [^:]+: /.test(error.message);
  const byLabel = new Map<string, { field: string; reasons: string[] }>();
  for (const d of error.details) {
    const label = d.field ? fieldLabel(t, d.field, labels) : null;
    if (!label) continue;
    const entry = byLabel.get(label) ?? { field: d.field!, reasons: [] };
    const reason = lone ? error.message : d.message;
    if (reason && !entry.reasons.includes(reason)) entry.reasons.push(reason);
    byLabel.set(label, entry);
  }
  const entries = [...byLabel];
  const items = entries.map(([label, { field, reasons }]) =>
    reasons.length === 0 ? label : reasons.map((r) => fieldReason(t, field, label, r)).join(t('reasonSep')),
  );
  return { items, reasoned: entries.filter(([, e]) => e.reasons.length > 0).length };
}

/**
 * Each refused field's own message, by the top-level request field it belongs to (turns.1.text under
 * turns), for a form that marks the field itself: aria-invalid and the reason next to it.
 */
export function fieldMessages(t: T, error: unknown, labels: FieldLabels = DEFAULT_FIELD_LABELS): Map<string, string> {
  const out = new Map<string, string>();
  if (!(error instanceof ApiError)) return out;
  const lone = error.details.length === 1 && !/^invalid [^:]+: /.test(error.message);
  for (const d of error.details) {
    if (!d.field) continue;
    const label = fieldLabel(t, d.field, labels);
    if (!label) continue;
    const top = d.field.split(/[.[\]]/)[0]!;
    const reason = lone ? error.message : d.message;
    const text = reason ? fieldReason(t, d.field, label, reason) : label;
    out.set(top, out.has(top) ? out.get(top)! + t('reasonSep') + text : text);
  }
  return out;
}

/** The counts a training refusal carries in its details (src/services/model-service.ts, nothingToLearn), by code. */
const LEARN_DELETES: Record<string, MsgKey> = {
  deletes_of_human: 'learnDeletesHuman',
  deletes_superseded: 'learnDeletesSuperseded',
  deletes_of_neutral: 'learnDeletesNeutral',
  deletes_without_clause: 'learnDeletesOld',
};

/**
 * What a training refusal (`nothing_to_learn`) adds to its fixed sentence: what the corrections log holds
 * instead (deletions that are not training data, accepted tags), from the counts in its details, in the page's
 * words (the message words them in English only); none when it holds nothing.
 */
function nothingToLearnDetail(t: T, error: ApiError): string | undefined {
  const counts = error.details.filter((d) => d.field === 'corrections' && typeof d.code === 'string' && typeof d.params?.n === 'number');
  const parts: string[] = [];
  const deletes = counts.filter((d) => LEARN_DELETES[d.code as string]);
  if (deletes.length > 0) {
    const total = deletes.reduce((sum, d) => sum + (d.params!.n as number), 0);
    const why = deletes.map((d) => t(LEARN_DELETES[d.code as string]!, { n: d.params!.n! }));
    parts.push(t('learnDeletes', { n: total, why: why.join(t('learnSep')) }));
  }
  const accepted = counts.find((d) => d.code === 'accepted');
  if (accepted) parts.push(t('learnAccepted', { n: accepted.params!.n! }));
  return parts.length > 0 ? parts.join(t('learnSep')) : undefined;
}

/** `labels`: how the form that sent the request names its fields (DEFAULT_FIELD_LABELS when absent). */
export function errorWords(t: T, error: unknown, labels: FieldLabels = DEFAULT_FIELD_LABELS): ErrorWords {
  // said whole in the page's language: what happened and that the current tags are now shown
  if (isStaleTags(error)) return { code: 'conflict', text: t('tagsChanged'), raw: (error as ApiError).message };
  if (error instanceof ApiError) {
    const key = CODE_KEYS[error.code] ?? (error.status >= 500 ? 'errServer' : error.status === 404 ? 'errNotFound' : error.status === 401 ? 'errUnauthorized' : error.status === 403 ? 'errForbidden' : 'errRequest');
    const known = error.code in CODE_KEYS;
    const { items, reasoned } = key === 'errValidation' ? fieldItems(t, error, labels) : { items: [], reasoned: 0 };
    // Reasons hold commas of their own, so fields that carry one are set apart more strongly.
    const text = items.length > 0 ? t('errInvalidFields', { fields: items.join(t(reasoned > 0 ? 'reasonSep' : 'listSep')) }) : t(key, { status: error.status });
    const allReasoned = items.length > 0 && reasoned === items.length;
    // An internal error's message is a fixed sentence; its id is what lets an admin find it in the log.
    // Once every refused field carries its reason, the server's summary would only repeat it in English.
    const detail = error.errorId
      ? t('errId', { id: error.errorId })
      : error.code === 'nothing_to_learn'
        ? nothingToLearnDetail(t, error)
        : allReasoned
        ? undefined
        : DETAIL_CODES.has(error.code) || !known
          ? error.message
          : undefined;
    return { code: error.code, text, ...(detail && detail !== text ? { detail } : {}), raw: error.message };
  }
  // fetch() rejects with a TypeError when the server cannot be reached at all.
  if (error instanceof TypeError) return { code: 'network', text: t('errNetwork'), raw: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'unknown', text: message, raw: message };
}

/** One line of text for places that hold a string (flash messages, notices). */
export function errorLine(t: T, error: unknown, labels?: FieldLabels): string {
  const w = errorWords(t, error, labels);
  return w.detail ? w.text + t('errDetail', { detail: w.detail }) : w.text;
}

/** An API error in the reader's language; re-renders when the language is switched. */
export function ErrorText({ error, fields }: { error: unknown; fields?: FieldLabels }) {
  const { t } = useI18n();
  const w = errorWords(t, error, fields);
  return (
    <span className="error-text" data-error-code={w.code} title={w.raw}>
      {w.text}
      {w.detail && <span className="error-detail">{t('errDetail', { detail: w.detail })}</span>}
    </span>
  );
}
