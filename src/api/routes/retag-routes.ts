import { Router } from 'express';
import type { Services } from '../../runtime.js';
import { RetagDto } from '../dto/retag-dto.js';
import { auth, requireRole } from '../middleware.js';
import { parseDto } from '../validate.js';

export function retagRoutes(s: Services): Router {
  const r = Router();

  r.post('/retag-jobs', requireRole('admin'), async (req, res) => {
    const a = auth(req);
    const dto = parseDto(RetagDto, req.body ?? {});
    const job = await s.retag.start(a.tenant, { ...dto }, a.keyId);
    await s.privacy.audit(a.tenant, a.keyId, 'retag.start', job._id, { ...dto, total: job.total });
    res.status(202).json({ id: job._id, total: job.total });
  });

  r.get('/retag-jobs/:id', requireRole('admin'), async (req, res) => {
    res.json(await s.retag.progress(auth(req).tenant, req.params.id as string));
  });

  return r;
}
