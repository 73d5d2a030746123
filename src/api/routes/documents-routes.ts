import { Router } from 'express';
import { notFound } from '../../errors.js';
import type { Services } from '../../runtime.js';
import { BatchDto } from '../dto/document-dto.js';
import { CorrectionsDto } from '../dto/correction-dto.js';
import { DocumentQueryDto } from '../dto/query-dto.js';
import { auth, requireRole } from '../middleware.js';
import { presentDocument, withTotal } from '../presenters.js';
import { noQuery, parseDto, refuseBody } from '../validate.js';

export function documentsRoutes(s: Services): Router {
  const r = Router();

  r.post('/documents', requireRole('ingest'), async (req, res) => {
    const outcome = await s.ingest.ingest(auth(req).tenant, req.body, req.requestId ?? null);
    if (outcome.status === 'accepted') res.status(202).json({ id: outcome.id, status: 'queued' });
    else res.status(200).json({ id: outcome.id, status: outcome.documentStatus, duplicate: true });
  });

  r.post('/documents/batch', requireRole('ingest'), async (req, res) => {
    // Each item is parsed (forbidden keys and NUL characters included) on its own, so one bad item never
    // sinks the others: the items as sent, not the DTO's copies (copying drops a "__proto__" key).
    parseDto(BatchDto, req.body, 'request body', { itemsParsedLater: true });
    const documents = (req.body as { documents: unknown[] }).documents;
    res.status(207).json({ items: await s.ingest.ingestBatch(auth(req).tenant, documents, req.requestId ?? null) });
  });

  r.get('/documents', requireRole('analyst', 'labeler'), async (req, res) => {
    const page = await s.query.documents(auth(req).tenant, parseDto(DocumentQueryDto, req.query, 'query'));
    res.json({ items: page.items.map((d) => presentDocument(d)), nextCursor: page.nextCursor, ...withTotal(page) });
  });

  r.get('/documents/:id', requireRole('analyst', 'labeler'), noQuery, async (req, res) => {
    const doc = await s.store.documents.findForTenant(auth(req).tenant, req.params.id as string);
    if (!doc) throw notFound('document');
    res.json(presentDocument(doc, await s.store.tags.byDocument(doc._id)));
  });

  r.post('/documents/:id/retry', requireRole('admin'), async (req, res) => {
    refuseBody(req.body);
    const doc = await s.retry(auth(req).tenant, req.params.id as string);
    res.status(202).json({ id: doc._id, status: 'queued' });
  });

  r.post('/documents/:id/corrections', requireRole('labeler'), async (req, res) => {
    const { actions, tagsVersion } = parseDto(CorrectionsDto, req.body);
    const a = auth(req);
    // null is "not sent", as the OpenAPI (string or null) gives it: it was compared, and read as tags changed since
    await s.corrections.apply(a.tenant, req.params.id as string, actions, a.keyId, tagsVersion ?? undefined);
    await s.actions.afterCorrection(a.tenant, req.params.id as string);
    await s.privacy.audit(a.tenant, a.keyId, 'correction.apply', req.params.id as string, { ops: actions.map((x) => x.op) });
    const doc = await s.store.documents.findForTenant(a.tenant, req.params.id as string);
    // erased (DELETE /v1/documents/:id) while the correction ran
    if (!doc) throw notFound('document');
    res.json(presentDocument(doc, await s.store.tags.byDocument(doc._id)));
  });

  return r;
}
