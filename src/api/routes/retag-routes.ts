import { Router } from 'express';
import type { Services } from '../../runtime.js';
import { invalidCursor } from '../../services/query-service.js';
import { RetagListQueryDto, StartRetagDto } from '../dto/retag-dto.js';
import { auth, requireRole } from '../middleware.js';
import { noQuery, parseDto, refuseBody } from '../validate.js';

// A page's nextCursor is its last job's id, a ULID; anything else is refused as the other lists refuse an
// unreadable cursor, rather than compared as a string.
const JOB_CURSOR = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function retagRoutes(s: Services): Router {
  const r = Router();

  r.post('/retag-jobs', requireRole('admin'), async (req, res) => {
    const a = auth(req);
    const { reason, ...filter } = parseDto(StartRetagDto, req.body ?? {});
    const job = await s.retag.start(a.tenant, { ...filter }, a.keyId, { kind: reason ?? 'manual' });
    await s.privacy.audit(a.tenant, a.keyId, 'retag.start', job._id, { ...job.filter, total: job.total, ...(reason ? { reason } : {}) });
    res.status(202).json({ id: job._id, total: job.total });
  });

  r.get('/retag-jobs', requireRole('admin'), async (req, res) => {
    const q = parseDto(RetagListQueryDto, req.query, 'query');
    if (q.cursor !== undefined && !JOB_CURSOR.test(q.cursor)) throw invalidCursor();
    res.json(await s.retag.list(auth(req).tenant, { limit: q.limit ? Number(q.limit) : 20, ...(q.cursor !== undefined ? { before: q.cursor } : {}), ...(q.status ? { status: q.status } : {}) }));
  });

  r.get('/retag-jobs/:id', requireRole('admin'), noQuery, async (req, res) => {
    res.json(await s.retag.progress(auth(req).tenant, req.params.id as string));
  });

  // Stops a job started on the wrong filter: no more documents are marked and those not yet re-tagged keep
  // their tags (RetagService.cancel). Repeating it is harmless; a job already done is a 409.
  r.post('/retag-jobs/:id/cancel', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    const a = auth(req);
    const { progress, cancelled } = await s.retag.cancel(a.tenant, req.params.id as string, a.keyId);
    // a repeated cancel (a retried request) cancels nothing new, so it is no new audit entry
    if (cancelled) await s.privacy.audit(a.tenant, a.keyId, 'retag.cancel', progress.id, { total: progress.total, done: progress.done });
    res.json(progress);
  });

  return r;
}
