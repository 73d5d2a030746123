import { Router } from 'express';
import { badRequest } from '../../errors.js';
import type { Services } from '../../runtime.js';
import { TagPatchDto } from '../dto/correction-dto.js';
import { ExportQueryDto, StatsQueryDto, TagQueryDto } from '../dto/query-dto.js';
import { auth, requireRole } from '../middleware.js';
import { presentTag, withTotal } from '../presenters.js';
import { parseDto } from '../validate.js';
import { auditedFilters, streamExport } from '../export.js';
import { tagFilter } from '../../services/query-service.js';

export function tagsRoutes(s: Services): Router {
  const r = Router();

  r.get('/tags', requireRole('analyst', 'labeler'), async (req, res) => {
    const page = await s.query.tags(auth(req).tenant, parseDto(TagQueryDto, req.query, 'query'));
    res.json({ items: page.items.map(presentTag), nextCursor: page.nextCursor, ...withTotal(page) });
  });

  r.get('/tags/export', requireRole('analyst', 'labeler'), async (req, res) => {
    const a = auth(req);
    // the filters are the feed's, its paging is not: taken silently, limit=2 still exported everything and a
    // cursor started the file after it. Named before the DTO would call them unknown properties.
    for (const field of ['limit', 'cursor'] as const) {
      if ((req.query as Record<string, unknown>)[field] !== undefined) {
        throw badRequest(`${field} pages GET /v1/tags; an export holds every tag the filters match`, [{ field, message: 'not an export parameter' }]);
      }
    }
    const q = parseDto(ExportQueryDto, req.query, 'query');
    // The log records exports that happened: filters the feed refuses (from after to, an inverted confidence
    // range) are refused here, before the entry is written, and a HEAD, which sends no rows, writes none.
    tagFilter(a.tenant, q);
    if (req.method !== 'HEAD') await s.privacy.audit(a.tenant, a.keyId, 'tags.export', null, auditedFilters(q));
    await streamExport(s, a.tenant, q, res);
  });

  r.patch('/tags/:id', requireRole('labeler'), async (req, res) => {
    const a = auth(req);
    const patch = parseDto(TagPatchDto, req.body);
    const tag = await s.corrections.patchTag(a.tenant, req.params.id as string, patch, a.keyId);
    await s.actions.afterCorrection(a.tenant, tag.documentId);
    // the audit log keeps no words of the document: that the aspect changed, not what it says now
    const { aspect, ...rest } = patch;
    await s.privacy.audit(a.tenant, a.keyId, 'correction.apply', tag.documentId, { tagId: tag._id, ...rest, ...(aspect !== undefined ? { aspectChanged: true } : {}) });
    res.json(presentTag(tag));
  });

  r.get('/stats/summary', requireRole('analyst', 'labeler'), async (req, res) => {
    res.json(await s.query.summary(auth(req).tenant, parseDto(StatsQueryDto, req.query, 'query')));
  });

  return r;
}
