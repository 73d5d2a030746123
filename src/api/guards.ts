import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { canonical } from '../canonical-json.js';
import { AppError, badRequest } from '../errors.js';
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
 * Idempotency-Key on POSTs: the first response (below 500) is remembered for a day; the same key
 * with the same body replays it, the same key with a different body is a 422.
 */
export function idempotency(store: Store) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || key === undefined || !req.auth) return next();
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw badRequest('Idempotency-Key must be 1-128 printable ASCII characters', [{ field: 'Idempotency-Key', message: 'invalid' }]);
    }
    const id = `${req.auth.tenant}:${req.auth.keyId}:${key}`;
    const hashOf = (body: unknown) => createHash('sha256').update(req.method).update(req.originalUrl).update(JSON.stringify(body)).digest('hex');
    // key order is not content: a client that re-serialises its retry is replaying the same request
    const requestHash = hashOf(canonical(req.body ?? null));
    const seen = await store.idempotency.find(id);
    if (seen) {
      // records saved (for a day) before the hash was canonical hold the body as it was sent
      if (seen.requestHash !== requestHash && seen.requestHash !== hashOf(req.body ?? null)) {
        throw new AppError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used with a different request', [{ field: 'Idempotency-Key' }]);
      }
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(seen.status).json(seen.body);
      return;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode < 500) {
        // Stored before the response goes out, so a retry that races the first reply still replays it.
        void store.idempotency
          .save({ _id: id, requestHash, status: res.statusCode, body, createdAt: new Date() })
          .catch(() => undefined)
          .finally(() => json(body));
        return res;
      }
      return json(body);
    };
    next();
  };
}
