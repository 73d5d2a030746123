import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, badRequest, forbidden, newErrorId, unauthorized } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ApiKeysService, AuthContext } from '../services/api-keys-service.js';
import type { Role } from '../store/records.js';
import { refuseAnyQuery } from './validate.js';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
    requestId?: string;
  }
}

export function authenticate(keys: ApiKeysService): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('send an API key as "Authorization: Bearer <key>"');
    const auth = await keys.authenticate(match[1]!);
    if (!auth) throw unauthorized('API key is invalid or revoked');
    req.auth = auth;
    next();
  };
}

/** Admin implies every other role; otherwise the key needs one of the listed roles. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const have = req.auth?.roles ?? [];
    if (have.includes('admin') || roles.some((r) => have.includes(r))) return next();
    throw forbidden(`this action needs one of the roles: ${roles.join(', ')}`);
  };
}

export function auth(req: Request): AuthContext {
  if (!req.auth) throw unauthorized();
  return req.auth;
}

/**
 * A query string whose percent-escapes are not UTF-8 (`q=%E7%BD%91%FF`, `q=%`) is refused naming the
 * parameter: the query parser reads such escapes leniently, so a search for garbage answered 200.
 */
export function requireUtf8Query(req: Request, _res: Response, next: NextFunction): void {
  const raw = req.originalUrl.split('?')[1];
  for (const part of raw ? raw.split('&') : []) {
    const [key = '', value = ''] = part.split('=');
    const name = decoded(key);
    if (name === null) throw badRequest('a query parameter name is not validly percent-encoded UTF-8', [{ field: '(query)', message: NOT_UTF8 }]);
    if (decoded(value) === null) throw badRequest(`${name} is not validly percent-encoded UTF-8`, [{ field: name, message: NOT_UTF8 }]);
  }
  next();
}

const NOT_UTF8 = 'not validly percent-encoded UTF-8';

/** A query-string piece as the parser reads it (+ is a space), or null when its escapes are not UTF-8. */
function decoded(piece: string): string | null {
  try {
    return decodeURIComponent(piece.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * No route that changes anything reads the query string: what it takes is in the JSON body (or the path).
 * A parameter there was ignored without a word, so `POST /v1/retag-jobs?channel=app` re-tagged the whole
 * tenant instead of one channel, and `DELETE /v1/customers/c-9?dryRun=true` erased the customer. Refused
 * naming the parameter, before anything runs, as an unknown body field is.
 */
export function refuseWriteQuery(req: Request, _res: Response, next: NextFunction): void {
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') {
    refuseAnyQuery(req.query, `${req.method} routes, which read no query string; send what it means in the JSON body`);
  }
  next();
}

/** JSON only: a body in any other media type is refused up front rather than parsed as nothing. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
  if ((hasBody || req.headers['transfer-encoding']) && !req.is('application/json')) {
    // the body as a whole is refused, so the detail names it as every other such refusal does
    throw new AppError(415, 'unsupported_media_type', 'request bodies must be application/json', [
      { field: BODY, message: `Content-Type is ${req.headers['content-type'] ? 'not application/json' : 'missing'}` },
    ]);
  }
  // The body parser decodes any utf-* charset it is told, so a UTF-16 body passed when its bytes happened
  // to be valid UTF-8 too (ASCII text: NULs are) and was "not valid UTF-8 JSON" otherwise. Bodies are UTF-8.
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && charset.toLowerCase().startsWith('utf-') && charset.toLowerCase() !== 'utf-8') {
    throw new AppError(415, 'unsupported_media_type', 'request bodies must be UTF-8 JSON', [{ field: BODY, message: `charset ${charset} is not UTF-8` }]);
  }
  next();
}

/**
 * The JSON body parser's verify hook: bytes that are not UTF-8 are refused, where the decoder would
 * have stored each bad sequence as U+FFFD. (The body arrives here decompressed, before it is decoded.)
 */
export function requireUtf8(_req: Request, _res: Response, body: Buffer): void {
  if (!isUtf8(body)) throw Object.assign(new Error('request body is not valid UTF-8'), { type: 'encoding.invalid_utf8' });
}

// Codes for the 4xx statuses Express, the router and the body parser raise on their own, before any
// route of ours runs; any other 4xx is reported as bad_request.
const CLIENT_ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  411: 'length_required',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

interface HttpLikeError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
  code?: unknown;
  limit?: unknown;
}

function isBareJsonValue(body: string): boolean {
  try {
    const v: unknown = JSON.parse(body);
    return v === null || typeof v !== 'object';
  } catch {
    return false;
  }
}

/** The 4xx answer for an error that is the request's fault, or null when it is ours (a 500). */
// A refusal about the body as a whole names it '(body)', as parseDto does for an array or a non-object.
const BODY = '(body)';

function clientError(err: unknown, req: Request): { status: number; code: string; message: string; field?: string } | null {
  if (err === null || typeof err !== 'object') return null;
  const e = err as HttpLikeError;
  switch (e.type) {
    case 'entity.too.large':
      return { status: 413, code: 'payload_too_large', message: `request body exceeds the ${String(e.limit)}-byte limit`, field: BODY };
    case 'entity.parse.failed':
      // Valid JSON that is not an object or array (null, "x", 42) is refused by the strict parser too;
      // saying "not valid JSON" about it sends the caller looking for a syntax error. The parser's own
      // message is not passed on: it quotes the body, which may hold PII, and errors are logged.
      if (typeof (e as { body?: unknown }).body === 'string' && isBareJsonValue((e as { body: string }).body)) {
        return { status: 400, code: 'invalid_json', message: 'request body must be a JSON object, not a bare value', field: BODY };
      }
      return { status: 400, code: 'invalid_json', message: 'request body is not valid UTF-8 JSON', field: BODY };
    case 'encoding.invalid_utf8':
      return { status: 400, code: 'invalid_json', message: 'request body is not valid UTF-8 JSON', field: BODY };
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: 'request bodies must be UTF-8 JSON', field: BODY };
    case 'encoding.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: 'Content-Encoding must be identity, gzip, deflate or br', field: BODY };
  }
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || !Number.isInteger(status) || status < 400 || status > 499) return null;
  const code = CLIENT_ERROR_CODES[status] ?? 'bad_request';
  // The router flags a path it cannot percent-decode as a 400 URIError.
  if (err instanceof URIError) return { status, code, message: 'the URL is not validly percent-encoded', field: '(path)' };
  // zlib's Z_DATA_ERROR and friends, and brotli's decoder errors (ERR__ERROR_FORMAT_PADDING_2 …, "Decompression
  // failed", which answered without naming the body): the body does not match the Content-Encoding it declares.
  if (typeof e.code === 'string' && (e.code.startsWith('Z_') || e.code.startsWith('ERR__ERROR_'))) {
    return { status, code, message: `request body is not valid ${String(req.headers['content-encoding'])} data`, field: BODY };
  }
  // http-errors marks messages written for clients as exposable; anything else might carry
  // internals, so it gets a generic sentence.
  const message = e.expose === true && typeof e.message === 'string' && e.message !== '' ? e.message : `the request was refused (HTTP ${status})`;
  return { status, code, message };
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof AppError) {
      res.set(err.headers).status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    const client = clientError(err, req);
    if (client) {
      const details = client.field ? [{ field: client.field, message: client.message }] : [];
      res.status(client.status).json({ error: { code: client.code, message: client.message, details } });
      return;
    }
    const errorId = newErrorId();
    logger.error({ errorId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'internal error', details: [], errorId } });
  };
}
