import { Router } from 'express';
import type { Services } from '../../runtime.js';
import { tagDaysCurrent } from '../../services/day-buckets.js';
import { timeZone } from '../../time-zone.js';

export function healthRoutes(s: Services): Router {
  const r = Router();

  // Liveness: the process answers, also while it drains during a graceful shutdown (restarting it then
  // would cut the requests and jobs it is finishing).
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Ready means every dependency answers; the analyzer mode is reported so a missing model is
  // visible to operators (the service still tags, with the lexicon scorer).
  r.get('/readyz', async (_req, res) => {
    // From the first moment of a shutdown, so load balancers stop sending work while in-flight requests finish.
    const stopping = s.stopping();
    if (stopping) {
      res.status(503).json({ status: 'not_ready', reason: `shutting down (${stopping}): finishing requests in flight`, checks: {} });
      return;
    }
    const checks: Record<string, unknown> = {};
    let ok = true;
    const check = async (name: string, fn: () => Promise<unknown>) => {
      try {
        checks[name] = (await fn()) ?? 'ok';
      } catch (err) {
        ok = false;
        checks[name] = { error: err instanceof Error ? err.message : String(err) };
      }
    };
    await check('store', async () => {
      await s.store.engine.ping();
      // After a TIME_ZONE change a worker moves the stored tags to the new zone's days (DayBuckets);
      // until it has, daily charts mix the two zones' days, which operators should be able to see.
      const tagDays = tagDaysCurrent(await s.store.tenants.dayBuckets()) ? 'current' : 'moving';
      return { engine: s.store.engine.kind, timeZone: timeZone(), tagDays };
    });
    await check('queue', async () => {
      await s.queue.ping();
      return { kind: s.queue.kind, ...(await s.queue.counts()) };
    });
    if (s.pool) {
      checks.model = { mode: s.pool.mode, version: s.pool.modelVersion, lexiconVersion: s.pool.lexiconVersion, ...(s.pool.mode === 'lexicon' ? { warning: 'no trained model loaded; lexicon scorer in use' } : {}) };
    }
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks });
  });

  return r;
}
