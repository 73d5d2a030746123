import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, forbidden, newErrorId, unauthorized } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ApiKeysService, AuthContext } from '../services/api-keys-service.js';
import type { Role } from '../store/records.js';

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

/** JSON only: a body in any other media type is refused up front rather than parsed as nothing. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
  if ((hasBody || req.headers['transfer-encoding']) && !req.is('application/json')) {
    throw new AppError(415, 'unsupported_media_type', 'request bodies must be application/json');
  }
  next();
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof AppError) {
      res.set(err.headers).status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    const bodyErr = err as { type?: string; status?: number; limit?: number };
    if (bodyErr.type === 'entity.too.large') {
      res.status(413).json({
        error: { code: 'payload_too_large', message: `request body exceeds the ${String(bodyErr.limit)}-byte limit`, details: [] },
      });
      return;
    }
    if (bodyErr.type === 'entity.parse.failed' || bodyErr.type === 'encoding.unsupported' || bodyErr.type === 'charset.unsupported') {
      res.status(400).json({ error: { code: 'invalid_json', message: 'request body is not valid UTF-8 JSON', details: [] } });
      return;
    }
    const errorId = newErrorId();
    logger.error({ errorId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'internal error', details: [], errorId } });
  };
}
