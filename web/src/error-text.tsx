import { ApiError } from './api';
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
  internal: 'errInternal',
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

// Request fields the console sends, named as its forms name them. A detail's field may be a path
// (actions[0].turnIndex); its last part is what the form called it.
const FIELD_KEYS: Record<string, MsgKey> = {
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
};

function fieldNames(t: T, error: ApiError): string[] {
  const names = error.details.flatMap((d) => {
    const last = d.field?.split(/[.[\]]/).filter(Boolean).pop();
    if (!last || /^\d+$/.test(last)) return [];
    const key = FIELD_KEYS[last];
    return [key ? t(key) : last];
  });
  return [...new Set(names)];
}

export function errorWords(t: T, error: unknown): ErrorWords {
  if (error instanceof ApiError) {
    const key = CODE_KEYS[error.code] ?? (error.status >= 500 ? 'errServer' : error.status === 404 ? 'errNotFound' : error.status === 401 ? 'errUnauthorized' : error.status === 403 ? 'errForbidden' : 'errRequest');
    const known = error.code in CODE_KEYS;
    const fields = key === 'errValidation' ? fieldNames(t, error) : [];
    const text = fields.length > 0 ? t('errInvalidFields', { fields: fields.join(t('listSep')) }) : t(key, { status: error.status });
    // An internal error's message is a fixed sentence; its id is what lets an admin find it in the log.
    const detail = error.errorId ? t('errId', { id: error.errorId }) : DETAIL_CODES.has(error.code) || !known ? error.message : undefined;
    return { code: error.code, text, ...(detail && detail !== text ? { detail } : {}), raw: error.message };
  }
  // fetch() rejects with a TypeError when the server cannot be reached at all.
  if (error instanceof TypeError) return { code: 'network', text: t('errNetwork'), raw: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'unknown', text: message, raw: message };
}

/** One line of text for places that hold a string (flash messages, notices). */
export function errorLine(t: T, error: unknown): string {
  const w = errorWords(t, error);
  return w.detail ? w.text + t('errDetail', { detail: w.detail }) : w.text;
}

/** An API error in the reader's language; re-renders when the language is switched. */
export function ErrorText({ error }: { error: unknown }) {
  const { t } = useI18n();
  const w = errorWords(t, error);
  return (
    <span className="error-text" data-error-code={w.code} title={w.raw}>
      {w.text}
      {w.detail && <span className="error-detail">{t('errDetail', { detail: w.detail })}</span>}
    </span>
  );
}
