import { Router } from 'express';
import type { Services } from '../../runtime.js';
import { TagPatchDto } from '../dto/correction-dto.js';
import { ExportQueryDto, StatsQueryDto, TagQueryDto } from '../dto/query-dto.js';
import { auth, requireRole } from '../middleware.js';
import { presentTag } from '../presenters.js';
import { parseDto } from '../validate.js';
import { streamExport } from '../export.js';

export function tagsRoutes(s: Services): Router {
  const r = Router();

  r.get('/tags', requireRole('analyst', 'labeler'), async (req, res) => {
    const page = await s.query.tags(auth(req).tenant, parseDto(TagQueryDto, req.query, 'query'));
    res.json({ items: page.items.map(presentTag), nextCursor: page.nextCursor });
  });

  r.get('/tags/export', requireRole('analyst', 'labeler'), async (req, res) => {
    await streamExport(s, auth(req).tenant, parseDto(ExportQueryDto, req.query, 'query'), res);
  });

  r.patch('/tags/:id', requireRole('labeler'), async (req, res) => {
    const a = auth(req);
    const tag = await s.corrections.patchTag(a.tenant, req.params.id as string, parseDto(TagPatchDto, req.body), a.keyId);
    res.json(presentTag(tag));
  });

  r.get('/stats/summary', requireRole('analyst', 'labeler'), async (req, res) => {
    res.json(await s.query.summary(auth(req).tenant, parseDto(StatsQueryDto, req.query, 'query')));
  });

  return r;
}
