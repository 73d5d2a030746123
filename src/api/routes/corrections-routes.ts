import { readDate } from '../dto/dates.js';
import { Router } from 'express';
import type { Services } from '../../runtime.js';
import { RangeQueryDto } from '../dto/query-dto.js';
import { sendPage } from '../export.js';
import { auth, requireRole } from '../middleware.js';
import { parseDto } from '../validate.js';

const PAGE = 1000;

/**
 * Corrections as training examples, one JSON line each: the clause the labeler judged, the label it
 * ended with (sentiment + category, or a deleted opinion), the aspect/opinion, and who/when/before/
 * after. `npm run train` can take this file as extra data.
 */
export function correctionsRoutes(s: Services): Router {
  const r = Router();
  r.get('/corrections/export', requireRole('labeler'), async (req, res) => {
    const a = auth(req);
    const q = parseDto(RangeQueryDto, req.query, 'query');
    await s.privacy.audit(a.tenant, a.keyId, 'corrections.export', null, { ...q });
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="guandian-corrections-${new Date().toISOString().slice(0, 10)}.jsonl"`);
    let afterId = '';
    for (;;) {
      const filter: Record<string, unknown> = { tenant: a.tenant, _id: { $gt: afterId }, op: { $ne: 'accept' } };
      if (q.from || q.to) filter.at = { ...(q.from ? { $gte: readDate(q.from)! } : {}), ...(q.to ? { $lte: readDate(q.to)! } : {}) };
      const rows = await s.store.corrections.list(filter, PAGE);
      if (rows.length === 0) break;
      const tags = new Map((await s.store.tags.list({ _id: { $in: rows.map((c) => c.tagId).filter((id): id is string => !!id) } }, PAGE)).map((t) => [t._id, t]));
      let chunk = '';
      for (const c of rows) {
        const tag = c.tagId ? tags.get(c.tagId) : undefined;
        if (q.channel && tag && tag.channel !== q.channel) continue;
        const after = c.after as { polarity?: string; category?: string; aspect?: string | null; opinion?: string } | null;
        chunk +=
          JSON.stringify({
            id: c._id,
            documentId: c.documentId,
            op: c.op,
            // The clause and label a model should learn; a delete says "no opinion here".
            text: tag?.sentence ?? (c.before as { opinion?: string } | null)?.opinion ?? null,
            sentiment: after?.polarity ?? null,
            category: after?.category ?? null,
            aspect: after?.aspect ?? null,
            opinion: after?.opinion ?? null,
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
