import { Router } from 'express';
import type { Services } from '../../runtime.js';
import { authenticate, requireRole } from '../middleware.js';

/** Operator endpoints outside /v1: Prometheus metrics (admin key, as a scrape bearer token). */
export function opsRoutes(s: Services): Router {
  const r = Router();
  r.get('/metrics', authenticate(s.apiKeys), requireRole('admin'), async (_req, res) => {
    const counts = await s.queue.counts().catch(() => null);
    if (counts) for (const [state, n] of Object.entries(counts)) s.metrics.queueJobs.set({ state }, n);
    res.setHeader('Content-Type', s.metrics.registry.contentType);
    res.send(await s.metrics.registry.metrics());
  });
  return r;
}
