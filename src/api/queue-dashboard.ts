import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError, forbidden } from '../errors.js';
import type { Services } from '../runtime.js';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board for operators: the platform key only (GUANDIAN_ADMIN_KEY, or the key printed at first
 * start). The queues are shared by every tenant and the board can pause, empty and retry them, so a
 * tenant's admin key, which governs one tenant, is refused with a 403. Browsers cannot send a bearer
 * header, so the dashboard also accepts HTTP Basic auth with the API key as the password (any user
 * name) and the browser's own login prompt. Only mounted when the queue is BullMQ.
 */
export function queueDashboard(s: Services): Router | null {
  const queue = s.queue.bullQueue?.();
  if (!queue) return null;
  // Training jobs and webhook deliveries have queues of their own; operators need to see those
  // too (a training job stuck in its queue was invisible here).
  const others = [s.models.queue.bullQueue?.(), s.actions.queue.bullQueue?.()].filter((q) => q !== undefined);
  // bull-board is loaded on the dashboard's first request, not at start: operators open it rarely, and its
  // modules were about a sixth of the service's load time.
  let board: Promise<Router> | null = null;
  const load = async (): Promise<Router> => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const adapter = new ExpressAdapter();
    adapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({ queues: [queue, ...others].map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: adapter });
    return adapter.getRouter() as Router;
  };

  const guard = async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    let token: string | null = null;
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (bearer) token = bearer[1]!;
    else if (basic) token = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').slice(1).join(':');
    const auth = token ? await s.apiKeys.authenticate(token) : null;
    if (!auth) {
      res.setHeader('WWW-Authenticate', 'Basic realm="guandian queues", charset="UTF-8"');
      throw new AppError(401, 'unauthorized', 'sign in with the platform admin key as the password');
    }
    if (!auth.platform) throw forbidden("the queue dashboard is shared by every tenant and needs the platform admin key (GUANDIAN_ADMIN_KEY); a tenant's admin key is not enough");
    // bull-board's UI uses inline bootstrapping; relax the CSP for its pages only.
    res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline' https:; font-src 'self' data: https:; img-src 'self' data:");
    next();
  };
  const router = Router();
  router.use(DASHBOARD_PATH, guard, async (req: Request, res: Response, next: NextFunction) => {
    // The board's page loads without Redis, but its data requests wait for BullMQ's first connection
    // however long it takes: with Redis down since boot the page spun for good. They are told it is down.
    if (req.path.startsWith('/api/')) {
      await s.queue.ping().catch((err: unknown) => {
        throw new AppError(503, 'queue_unavailable', `the queues cannot be read: ${err instanceof Error ? err.message : String(err)}`, [], { 'Retry-After': '5' });
      });
    }
    board ??= load().catch((err: unknown) => {
      board = null; // a failed load is tried again on the next request
      throw err;
    });
    (await board)(req, res, next);
  });
  return router;
}
