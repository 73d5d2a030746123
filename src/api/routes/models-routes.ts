import { Router, type Request } from 'express';
import { AppError, badRequest } from '../../errors.js';
import type { Services } from '../../runtime.js';
import { ModelSwitchDto, TrainModelDto } from '../dto/model-dto.js';
import { auth, requireRole } from '../middleware.js';
import { noQuery, parseDto } from '../validate.js';

/** Retraining from corrections: train a candidate, watch it, list versions, promote or roll back. */
export function modelsRoutes(s: Services): Router {
  const r = Router();

  r.post('/models/train', requireRole('admin'), async (req, res) => {
    const a = auth(req);
    const dto = parseDto(TrainModelDto, req.body ?? {});
    const job = await s.models.requestTraining(a.tenant, a.keyId);
    if (job.existing) {
      // a job is already queued or running for the tenant: it learns from the same corrections
      res.status(200).json({ id: job._id, status: job.status, version: job.version, existing: true });
      return;
    }
    await s.privacy.audit(a.tenant, a.keyId, 'model.train', job._id, { version: job.version, ...(dto.note ? { note: dto.note } : {}) });
    res.status(202).json({ id: job._id, status: job.status, version: job.version, existing: false });
  });

  r.get('/models/jobs/:id', requireRole('admin'), noQuery, async (req, res) => {
    res.json(await s.models.job(auth(req).tenant, req.params.id as string));
  });

  r.get('/models', requireRole('analyst', 'labeler'), noQuery, async (req, res) => {
    res.json(await s.models.list(auth(req).tenant));
  });

  r.get('/models/:version', requireRole('analyst', 'labeler'), noQuery, async (req, res) => {
    res.json(await s.models.version(auth(req).tenant, req.params.version as string));
  });

  r.post('/models/:version/promote', requireRole('admin'), async (req, res) => {
    const version = req.params.version as string;
    res.json(await switchModel(s, req, 'model.promote', version, (tenant, actor) => s.models.promote(tenant, version, actor)));
  });

  r.post('/models/rollback', requireRole('admin'), async (req, res) => {
    res.json(await switchModel(s, req, 'model.rollback', null, (tenant) => s.models.rollback(tenant)));
  });

  return r;
}

/** Promotion and rollback share auditing (refusals too) and the re-tag that follows them. */
async function switchModel(
  s: Services,
  req: Request,
  action: string,
  target: string | null,
  change: (tenant: string, actor: string) => Promise<{ active: string; previous: string; note?: string }>,
) {
  const a = auth(req);
  const { retag, ...filter } = parseDto(ModelSwitchDto, req.body ?? {});
  // as `guandian models promote --no-retag --channel …` is a usage error: the filters narrow a re-tag that
  // retag: false skips, so they would be ignored without a word (and the switch made regardless)
  const unread = Object.entries(filter).filter(([, v]) => v !== undefined && v !== null).map(([k]) => k);
  if (retag === false && unread.length > 0) {
    throw badRequest(`retag: false skips the re-tag, so ${unread.join(', ')} would do nothing`, unread.map((field) => ({ field, message: 'not read with retag: false' })));
  }
  let out: { active: string; previous: string; note?: string };
  try {
    out = await change(a.tenant, a.keyId);
  } catch (err) {
    if (err instanceof AppError && err.status === 409) await s.privacy.audit(a.tenant, a.keyId, `${action}.refused`, target, { reason: err.message });
    throw err;
  }
  await s.privacy.audit(a.tenant, a.keyId, action, out.active, { previous: out.previous, ...(out.note ? { note: out.note } : {}) });
  const reason = { kind: action === 'model.promote' ? ('promote' as const) : ('rollback' as const), version: out.active, previous: out.previous };
  const job = retag === false ? null : await s.retag.start(a.tenant, { ...filter }, a.keyId, reason);
  if (job) await s.privacy.audit(a.tenant, a.keyId, 'retag.start', job._id, { ...job.filter, total: job.total, after: action });
  return { ...out, retagJob: job ? { id: job._id, total: job.total } : null };
}
