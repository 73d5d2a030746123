import { createHash, randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { canonical } from '../canonical-json.js';
import { AppError, badRequest } from '../errors.js';
import type { IdempotencyRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/**
 * Per-key request budget over a fixed one-minute window, kept in this process (with several API
 * processes each enforces its own budget). A 429 says when to come back.
 */
export function rateLimit(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = Date.now();
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (perMinute === 0 || !req.auth) return next();
    const now = Date.now();
    if (now - lastSweep > 60_000) {
      for (const [k, w] of windows) if (now - w.start >= 60_000) windows.delete(k);
      lastSweep = now;
    }
    let w = windows.get(req.auth.keyId);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      windows.set(req.auth.keyId, w);
    }
    if (++w.count > perMinute) {
      const retryAfter = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
      throw new AppError(429, 'rate_limited', `this key is over its limit of ${perMinute} requests per minute (RATE_LIMIT_PER_MINUTE)`, [], {
        'Retry-After': String(retryAfter),
      });
    }
    next();
  };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
/**
 * How long a reservation holds the key without an answer before another request may take it over: a
 * request still running after this long is presumed lost with its process. Longer than any POST
 * takes (a 1,000-document batch answers in seconds).
 */
export const IDEMPOTENCY_PENDING_MS = 120_000;
/** What a request that finds the key reserved is told to wait before retrying, in seconds. */
const IN_PROGRESS_RETRY_AFTER_S = 1;

/**
 * Idempotency-Key on POSTs (app.ts mounts it on the /v1 router), and on a route of another method
 * whose repeat would not be harmless, mounted on that route with `methods` (PATCH /v1/webhooks/:id:
 * a retried secret rotation must not rotate again). The first response (below 500) is remembered for
 * a day; the same key with the same body replays it, the same key with a different body is a 422.
 *
 * The key is reserved (a pending record under its unique id) before the handler runs, so of several
 * concurrent requests with one key exactly one runs; the others get a 409 idempotency_in_progress
 * with Retry-After until its response is remembered, and its replay afterwards. A 5xx or a thrown
 * error releases the reservation, so a retry runs afresh; a reservation left by a crashed process is
 * taken over once IDEMPOTENCY_PENDING_MS have passed.
 */
export function idempotency(store: Store, options: { pendingMs?: number; methods?: readonly string[] } = {}) {
  const pendingMs = options.pendingMs ?? IDEMPOTENCY_PENDING_MS;
  const methods = options.methods ?? ['POST'];
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.get('idempotency-key');
    if (!methods.includes(req.method) || key === undefined || !req.auth) return next();
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw badRequest('Idempotency-Key must be 1-128 printable ASCII characters', [{ field: 'Idempotency-Key', message: 'invalid' }]);
    }
    const id = `${req.auth.tenant}:${req.auth.keyId}:${key}`;
    const hashOf = (body: unknown) => createHash('sha256').update(req.method).update(req.originalUrl).update(JSON.stringify(body)).digest('hex');
    // key order is not content: a client that re-serialises its retry is replaying the same request
    const requestHash = hashOf(canonical(req.body ?? null));
    // records saved (for a day) before the hash was canonical hold the body as it was sent
    const sameRequest = (seen: IdempotencyRecord) => seen.requestHash === requestHash || seen.requestHash === hashOf(req.body ?? null);
    const owner = randomUUID();
    const until = () => new Date(Date.now() + pendingMs);

    // A few rounds: the record found after a refused reservation may be released or expire meanwhile.
    let reserved = false;
    for (let round = 0; round < 3 && !reserved; round++) {
      if (await store.idempotency.reserve(id, requestHash, owner, until())) {
        reserved = true;
        break;
      }
      const seen = await store.idempotency.find(id);
      if (!seen) continue; // released between the two calls: try to reserve again
      if (seen.state === 'pending') {
        if (seen.pendingUntil && new Date(seen.pendingUntil).getTime() < Date.now()) {
          if (await store.idempotency.takeOver(id, requestHash, owner, until())) reserved = true;
          continue;
        }
        if (!sameRequest(seen)) throw reused();
        throw new AppError(
          409,
          'idempotency_in_progress',
          'a request with this Idempotency-Key is still being processed; retry after it finishes to get its response',
          [{ field: 'Idempotency-Key', message: 'in progress' }],
          { 'Retry-After': String(IN_PROGRESS_RETRY_AFTER_S) },
        );
      }
      if (!sameRequest(seen)) throw reused();
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(seen.status).json(seen.body);
      return;
    }
    if (!reserved) {
      throw new AppError(409, 'idempotency_in_progress', 'a request with this Idempotency-Key is being processed; retry shortly', [{ field: 'Idempotency-Key', message: 'in progress' }], {
        'Retry-After': String(IN_PROGRESS_RETRY_AFTER_S),
      });
    }

    // Every handler it guards answers with res.json, the error handler too; a response ended any other way
    // releases the key instead of holding it. A client that leaves early changes nothing: its handler
    // still answers, and that answer is remembered for the retry.
    let settled = false;
    const release = () => store.idempotency.release(id, owner).catch(() => undefined);
    res.on('close', () => {
      if (!settled && res.writableFinished) {
        settled = true;
        void release();
      }
    });
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (settled) return json(body);
      settled = true;
      // Remembered (or released) before the response goes out, so a retry that races the first reply
      // replays it rather than finding the key still pending.
      // A 400 or 403 is a refusal before anything ran (every route validates the whole request first), so
      // the key stays free for the corrected request: remembered, the fix sent with the same key was a 422.
      // Nor is an answer with Retry-After (a busy document's 409): it says to send the request again, and a
      // replay would repeat the refusal for a day instead.
      const keep = res.statusCode < 500 && res.statusCode !== 400 && res.statusCode !== 403 && res.getHeader('Retry-After') === undefined;
      const done = keep ? store.idempotency.complete(id, owner, res.statusCode, remembered(body)) : store.idempotency.release(id, owner);
      void done.catch(() => undefined).finally(() => json(body));
      return res;
    };
    next();
  };
}

/**
 * What a replay may repeat. A new API key's token exists nowhere else in clear (the key is stored as a
 * salted hash): kept here for a day, it would sit readable in the store. The replay says it was withheld,
 * so a client that lost the first answer revokes that key and creates another. (A webhook's secret is
 * kept: the webhook record holds it in clear to sign deliveries anyway.)
 */
function remembered(body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body) && typeof (body as { key?: unknown }).key === 'string' && (body as { key: string }).key.startsWith('gdk_')) {
    return { ...(body as object), key: null, keyWithheld: true };
  }
  return body;
}

const reused = () => new AppError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used with a different request', [{ field: 'Idempotency-Key' }]);
