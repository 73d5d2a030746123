import { Router } from 'express';
import { IsDefined, IsString, Length } from 'class-validator';
import { notFound } from '../../errors.js';
import type { Services } from '../../runtime.js';
import { RangeQueryDto } from '../dto/query-dto.js';
import { auditedFilters, sendPage } from '../export.js';
import { auth, requireRole } from '../middleware.js';
import { presentDocument } from '../presenters.js';
import { parseDto } from '../validate.js';
import { dateBounds } from '../../services/query-service.js';
import { dayOf } from '../../time-zone.js';

const PAGE = 1000;

/** POST /v1/documents/:id/corrections/revert: which tag's latest correction to undo. */
export class RevertCorrectionDto {
  @IsDefined({ message: 'tagId is required: the tag whose latest correction to undo' })
  @IsString()
  @Length(1, 64)
  tagId!: string;
}

/**
 * Corrections as training examples, one JSON line each: the clause the labeler judged, the label it
 * ended with (sentiment + category, or a deleted opinion), the aspect/opinion, and who/when/before/
 * after. `npm run train` can take this file as extra data.
 */
export function correctionsRoutes(s: Services): Router {
  const r = Router();

  // Undo as a correction of its own, not a counter-update: an update back to the old polarity would
  // leave the tag a labeler's (source human) and the document reviewed, counted for retraining though
  // nothing changed. See CorrectionsService.revert.
  r.post('/documents/:id/corrections/revert', requireRole('labeler'), async (req, res) => {
    const { tagId } = parseDto(RevertCorrectionDto, req.body);
    const a = auth(req);
    const id = req.params.id as string;
    const revert = await s.corrections.revert(a.tenant, id, tagId, a.keyId);
    await s.actions.afterCorrection(a.tenant, id);
    await s.privacy.audit(a.tenant, a.keyId, 'correction.revert', id, { tagId, reverts: revert.reverts ?? null });
    const doc = await s.store.documents.findForTenant(a.tenant, id);
    // erased (DELETE /v1/documents/:id) while the revert ran
    if (!doc) throw notFound('document');
    res.json(presentDocument(doc, await s.store.tags.byDocument(doc._id)));
  });

  r.get('/corrections/export', requireRole('labeler'), async (req, res) => {
    const a = auth(req);
    const q = parseDto(RangeQueryDto, req.query, 'query');
    // an inverted range is refused as the tag feed and the stats refuse it, not answered with nothing
    const { gte, lte } = dateBounds(q.from, q.to);
    // a HEAD sends no rows: no export to record (as GET /v1/tags/export)
    if (req.method !== 'HEAD') await s.privacy.audit(a.tenant, a.keyId, 'corrections.export', null, auditedFilters(q));
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="guandian-corrections-${dayOf(new Date())}.jsonl"`);
    let afterId = '';
    for (;;) {
      // Reverts and what they undid are left out like accepts: neither is a label anyone should learn.
      const filter: Record<string, unknown> = { tenant: a.tenant, _id: { $gt: afterId }, op: { $nin: ['accept', 'revert'] } };
      if (gte || lte) filter.at = { ...(gte ? { $gte: gte } : {}), ...(lte ? { $lte: lte } : {}) };
      const rows = await s.store.corrections.list(filter, PAGE);
      if (rows.length === 0) break;
      const tags = new Map((await s.store.tags.list({ _id: { $in: rows.map((c) => c.tagId).filter((id): id is string => !!id) } }, PAGE)).map((t) => [t._id, t]));
      const undone = await undoneOf(s, a.tenant, rows);
      // The channel is the document's: a deleted tag (a delete, an add deleted since) has no record left to
      // ask, and its line went into every channel's file.
      const inChannel = q.channel ? await documentsInChannel(s, a.tenant, q.channel, rows) : null;
      let chunk = '';
      for (const c of rows) {
        if (undone.has(c._id)) continue;
        if (inChannel && !inChannel.has(c.documentId)) continue;
        const tag = c.tagId ? tags.get(c.tagId) : undefined;
        const after = c.after as { polarity?: string; category?: string; aspect?: string | null; opinion?: string } | null;
        chunk +=
          JSON.stringify({
            id: c._id,
            documentId: c.documentId,
            op: c.op,
            // The clause and label a model should learn; a delete says "no opinion here" about its clause.
            // The tag as it was when corrected (prior) keeps the clause after a delete; an add's tag has it
            // while it stands. Only where the log holds no clause is it the opinion.
            text: c.prior?.sentence ?? tag?.sentence ?? (c.before ?? c.after)?.opinion ?? null,
            sentiment: after?.polarity ?? null,
            category: after?.category ?? null,
            aspect: after?.aspect ?? null,
            opinion: after?.opinion ?? null,
            // A delete made by an add over the same words: the added tag replaced it, so it is no "no opinion here".
            supersededBy: c.supersededBy ?? null,
            before: c.before,
            after: c.after,
            actor: c.actor,
            at: new Date(c.at).toISOString(),
          }) + '\n';
      }
      if (!(await sendPage(s, res, chunk))) return;
      afterId = rows[rows.length - 1]!._id;
      if (rows.length < PAGE) break;
    }
    res.end();
  });
  return r;
}

/** Which of these corrections' documents came in through `channel` (their `source`). */
async function documentsInChannel(s: Services, tenant: string, channel: string, rows: { documentId: string }[]): Promise<Set<string>> {
  const ids = [...new Set(rows.map((c) => c.documentId))];
  const docs = await s.store.documents.list({ tenant, source: channel, _id: { $in: ids } }, ids.length);
  return new Set(docs.map((d) => d._id));
}

/** Which of these corrections a revert undid; looked up by document, the index the log has. */
async function undoneOf(s: Services, tenant: string, rows: { documentId: string }[]): Promise<Set<string>> {
  const documentIds = [...new Set(rows.map((c) => c.documentId))];
  const undone = new Set<string>();
  for (let i = 0; i < documentIds.length; i += PAGE) {
    let afterId = '';
    for (;;) {
      const reverts = await s.store.corrections.list({ tenant, documentId: { $in: documentIds.slice(i, i + PAGE) }, op: 'revert', _id: { $gt: afterId } }, PAGE);
      for (const r of reverts) if (r.reverts) undone.add(r.reverts);
      if (reverts.length < PAGE) break;
      afterId = reverts[reverts.length - 1]!._id;
    }
  }
  return undone;
}
