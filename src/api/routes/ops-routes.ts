import { Router } from 'express';
import type { Services } from '../../runtime.js';
import { forbidden } from '../../errors.js';
import { auth, authenticate } from '../middleware.js';

const COUNTS_TIMEOUT_MS = 2000;

/**
 * Operator endpoints outside /v1: Prometheus metrics, with the platform admin key as the scrape bearer
 * token. The series are the whole service's (every tenant's channels in the ingest counters), so a
 * tenant's own admin key is refused.
 */
export function opsRoutes(s: Services): Router {
  const r = Router();
  r.get('/metrics', authenticate(s.apiKeys), async (req, res) => {
    if (!auth(req).platform) throw forbidden("metrics cover every tenant and need the platform admin key (GUANDIAN_ADMIN_KEY); a tenant's admin key is not enough");
    // Counts the queue cannot give now are dropped, not left at the last scrape's values (a stuck queue
    // would look healthy), and a queue that neither answers nor fails does not hang the scrape.
    const counts = await Promise.race([s.queue.counts().catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), COUNTS_TIMEOUT_MS).unref())]);
    s.metrics.queueJobs.reset();
    if (counts) for (const [state, n] of Object.entries(counts)) s.metrics.queueJobs.set({ state }, n);
    s.metrics.queueUp.set(counts ? 1 : 0);
    res.setHeader('Content-Type', s.metrics.registry.contentType);
    res.send(await s.metrics.registry.metrics());
  });
  return r;
}
