import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';

const CALLER_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The route template, or where the request was refused before any route matched. Express restores
 * req.baseUrl once a router is left, so a 401, 413, 415 or 429 raised by the /v1 middleware (or the
 * dashboard's sign-in) used to be counted as "static", the label of UI files.
 */
function routeLabel(req: Request, status: number): string {
  const pathname = req.originalUrl.split('?')[0]!;
  const dashboard = pathname === '/admin/queues' || pathname.startsWith('/admin/queues/');
  // bull-board registers its pages as an array of paths; one label for all of them keeps series few.
  if (dashboard) return '/admin/queues';
  // A route that threw has its answer written by the error handler, by when Express has reset baseUrl:
  // without the mount its errors were counted as /rules/:id beside the successes' /v1/rules/:id.
  const mount = req.baseUrl || (pathname === '/v1' || pathname.startsWith('/v1/') ? '/v1' : '');
  if (req.route) return `${mount}${String(req.route.path)}`;
  if (status === 404) return 'unmatched';
  if (pathname === '/v1' || pathname.startsWith('/v1/')) return '/v1/*';
  return req.baseUrl || 'static';
}

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane, else a new one), echoes it,
 * and on finish logs one access line and records metrics. Logged: method, route template, status,
 * duration, ids — never bodies, document text or keys.
 */
export function requestContext(logger: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.get('x-request-id');
    req.requestId = header && CALLER_ID.test(header) ? header : randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req, res.statusCode);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      logger.info(
        { requestId: req.requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000), keyId: req.auth?.keyId, tenant: req.auth?.tenant },
        'request',
      );
    });
    next();
  };
}
