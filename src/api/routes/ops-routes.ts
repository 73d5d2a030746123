import { Router } from 'express';
import type { Services } from '../../runtime.js';
import { authenticate, requireRole } from '../middleware.js';

const COUNTS_TIMEOUT_MS = 2000;

/** Operator endpoints outside /v1: Prometheus metrics (admin key, as a scrape bearer token). */
export function opsRoutes(s: Services): Router {
  const r = Router();
  r.get('/metrics', authenticate(s.apiKeys), requireRole('admin'), async (_req, res) => {
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
