import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { SLANG_COMPLAINTS } from '../fixtures/slang-complaints.js';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, dataFilesContaining, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// QA of the API's data lifecycle, privacy and tenancy (2026-11-30): each test failed before its fix.

let rt: TestRuntime;
let ingest: string;
useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s));

describe('metadata keys nested inside metadata', () => {
  test.each([
    ['a dot', { app: { 'v1.2': 'ok' } }],
    ['a leading $', { app: { $gt: 1 } }],
    ['a dot inside an array item', { items: [{ 'sku.id': 'A-1' }] }],
  ])('a nested key with %s is a 400 naming metadata, not a 500', async (_what, metadata) => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-meta', externalId: `nested-${_what}`, text: '网速太慢了', metadata });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['metadata']);
  });

  test('one such item in a batch is rejected alone; the others are stored', async () => {
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingest))
      .send({
        documents: [
          { kind: 'comment', source: 'qa-meta', externalId: 'batch-ok', text: '客服态度很好' },
          { kind: 'comment', source: 'qa-meta', externalId: 'batch-bad', text: '客服态度很好', metadata: { app: { 'v1.2': 'ok' } } },
        ],
      });
    expect(res.status, JSON.stringify(res.body)).toBe(207);
    expect(res.body.items.map((i: { status: string }) => i.status)).toEqual(['accepted', 'rejected']);
    expect(res.body.items[1].error.details.map((d: { field: string }) => d.field)).toEqual(['documents[1].metadata']);
    await rt.http.get(`/v1/documents/${res.body.items[0].id}`).set(bearer(ADMIN_KEY)).expect(200);
  });

  test('nested keys without a dot or a leading $ are still stored as sent', async () => {
    const res = await rt.http
      .post('/v1/documents')
      .set(bearer(ingest))
      .send({ kind: 'comment', source: 'qa-meta', externalId: 'nested-fine', text: '网速太慢了', metadata: { app: { v1_2: 'ok', 'a$b': 1 } } })
      .expect(202);
    const doc = await rt.http.get(`/v1/documents/${res.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
    expect(doc.body.metadata).toEqual({ app: { v1_2: 'ok', 'a$b': 1 } });
  });
});

describe('erasure reaches every remembered Idempotency-Key reply that names the erased documents', () => {
  const idempotency = async () => JSON.stringify(await rt.services.store.engine.collection('idempotency').find({}));

  test("a batch's reply listing them, a batch item's and a single ingest's conflict naming them are deleted; a retry runs afresh", async () => {
    const batch = {
      documents: [
        { kind: 'comment', source: 'qa-idem', externalId: 'erase-b1', customerId: 'qa-erase-batch', text: '网速太慢了' },
        { kind: 'comment', source: 'qa-idem', externalId: 'erase-b2', customerId: 'qa-erase-batch', text: '客服态度很好' },
      ],
    };
    const first = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).set('Idempotency-Key', 'qa-erase-batch-1').send(batch).expect(207);
    const ids = first.body.items.map((i: { id: string }) => i.id) as string[];
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    // the same externalId with other content: a 409 naming the stored document, remembered like any 409
    const conflictBody = { kind: 'comment', source: 'qa-idem', externalId: 'erase-b1', customerId: 'qa-erase-batch', text: '网速还行' };
    const conflict = await rt.http.post('/v1/documents').set(bearer(ingest)).set('Idempotency-Key', 'qa-erase-conflict-1').send(conflictBody).expect(409);
    expect(conflict.body.error.details[0].existingId).toBe(ids[0]);
    const itemConflictBody = { documents: [conflictBody] };
    const itemConflict = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).set('Idempotency-Key', 'qa-erase-conflict-2').send(itemConflictBody).expect(207);
    expect(itemConflict.body.items[0].error.details[0].existingId).toBe(ids[0]);
    for (const id of ids) expect(await idempotency()).toContain(id);

    const erased = await rt.http.delete('/v1/customers/qa-erase-batch').set(bearer(ADMIN_KEY)).expect(200);
    expect(erased.body.deleted.documents).toBe(2);
    const after = await idempotency();
    for (const id of ids) expect(after).not.toContain(id);

    // Retried with the same keys, each request runs again instead of replaying a reply about documents that are gone.
    const again = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).set('Idempotency-Key', 'qa-erase-batch-1').send(batch).expect(207);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.items.map((i: { status: string }) => i.status)).toEqual(['accepted', 'accepted']);
    for (const item of again.body.items) expect(ids).not.toContain(item.id);
    const conflictAgain = await rt.http.post('/v1/documents').set(bearer(ingest)).set('Idempotency-Key', 'qa-erase-conflict-1').send(conflictBody);
    expect(conflictAgain.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.stringify(conflictAgain.body)).not.toContain(ids[0]);
  });
});

/** Waits up to `ms` for `check` to hold; returns whether it did. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs the real erasure of `customerId` right before the first call of `method` on `target` for one of that
 * customer's documents; resolves once that call has written what it writes.
 */
function eraseBefore<T extends object>(target: T, method: keyof T & string, customerId: string): Promise<void> {
  const original = (target[method] as (...a: unknown[]) => Promise<unknown>).bind(target);
  return new Promise((written) => {
    (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const documentId = typeof args[0] === 'string' ? args[0] : (args[0] as { documentId?: string }).documentId;
      const doc = documentId ? await rt.services.store.documents.findById(documentId) : null;
      if (doc?.customerId !== customerId) return original(...args);
      (target as Record<string, unknown>)[method] = original;
      await rt.http.delete(`/v1/customers/${customerId}`).set(bearer(ADMIN_KEY)).expect(200);
      try {
        return await original(...args);
      } finally {
        written();
      }
    };
  });
}

// Made-up names (no lexicon or other test uses them) mark the customer's words in DATA_DIR's files.
describe("words written by a job or a correction that raced an erasure leave DATA_DIR's files too", () => {
  test('a document job that wrote its tags right after the erasure', async () => {
    const marker = '夔翀翾';
    const written = eraseBefore(rt.services.store.tags, 'replaceMachineTags', 'qa-race-job');
    const res = await rt.http
      .post('/v1/documents')
      .set(bearer(ingest))
      .send({ kind: 'comment', source: 'qa-race', externalId: 'race-job', customerId: 'qa-race-job', text: `${marker}说营业厅排队太久了，网速也太慢了` })
      .expect(202);
    await written;
    expect(dataFilesContaining(rt, marker)).toEqual(['tags.db']);
    // the job finds its document gone once its tags are written, and removes them
    expect(await eventually(async () => (await rt.services.store.engine.collection('tags').find({ documentId: res.body.id })).length === 0)).toBe(true);
    expect(await rt.services.store.documents.findById(res.body.id)).toBeNull();
    expect(await eventually(() => dataFilesContaining(rt, marker).length === 0), dataFilesContaining(rt, marker).join()).toBe(true);
  });

  test("a labeler's added tag and its correction record written right after the erasure", async () => {
    const marker = '亢翀翾';
    const labeler = await createKey(rt, ['labeler']);
    const posted = await rt.http
      .post('/v1/documents')
      .set(bearer(ingest))
      .send({ kind: 'comment', source: 'qa-race', externalId: 'race-add', customerId: 'qa-race-add', text: `${marker}说营业厅排队太久了` })
      .expect(202);
    await waitForStatus(rt, posted.body.id);
    void eraseBefore(rt.services.store.tags, 'insert', 'qa-race-add');
    const res = await rt.http
      .post(`/v1/documents/${posted.body.id}/corrections`)
      .set(bearer(labeler))
      .send({ actions: [{ op: 'add', span: { start: 0, end: 3 }, polarity: 'negative', category: 'service_attitude' }] });
    expect(res.status).toBe(404);
    expect(dataFilesContaining(rt, marker)).toEqual([]);
  });
});

describe('a query parameter on a route that changes something is a 400 naming it, and nothing happens', () => {
  test('DELETE /v1/customers/:id?dryRun=true erases nothing', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-query', externalId: 'dry-run', customerId: 'qa-dry-run', text: '网速太慢了' }).expect(202);
    const refused = await rt.http.delete('/v1/customers/qa-dry-run?dryRun=true').set(bearer(ADMIN_KEY));
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.error.details).toEqual([{ field: 'dryRun', message: 'unknown query parameter' }]);
    expect(await rt.services.store.documents.findById(res.body.id)).not.toBeNull();
    const deleteDoc = await rt.http.delete(`/v1/documents/${res.body.id}?cascade=false`).set(bearer(ADMIN_KEY));
    expect(deleteDoc.status).toBe(400);
    expect(await rt.services.store.documents.findById(res.body.id)).not.toBeNull();
    // without it, the erasure runs as before
    const erased = await rt.http.delete('/v1/customers/qa-dry-run').set(bearer(ADMIN_KEY)).expect(200);
    expect(erased.body.deleted.documents).toBe(1);
  });

  test('POST /v1/retag-jobs?channel=… is refused instead of re-tagging every channel', async () => {
    const refused = await rt.http.post('/v1/retag-jobs?channel=qa-query').set(bearer(ADMIN_KEY)).send({});
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual(['channel']);
    expect(await rt.services.store.retagJobs.listForTenant('default', 100)).toEqual([]);
    // the filter in the body, where the route reads it
    const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'qa-query' }).expect(202);
    expect(started.body.id).toEqual(expect.any(String));
  });

  test('a write with a key that holds a number is refused without echoing it', async () => {
    const refused = await rt.http.post('/v1/documents?phone13812345678=1').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-query', externalId: 'q-pii', text: '网速太慢了' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain('13812345678');
  });
});

describe("an older audit entry's words leave DATA_DIR's audit file with the erasure", () => {
  test("the aspect a tag patch's entry quoted before 2026-11-29 is scrubbed from the file, not only from the entry", async () => {
    const marker = '郗翀翾';
    const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-audit', externalId: 'old-audit', text: `${marker}的网速太慢了` }).expect(202);
    // what PATCH /v1/tags/:id wrote to the audit log before 2026-11-29: the aspect the labeler set
    await rt.services.store.audit.append({ _id: '01KQ0000000000000000000000', tenant: 'default', actor: 'labeler-key', action: 'correction.apply', target: res.body.id, details: { tagId: 'abc', aspect: marker }, at: new Date('2026-11-28T10:00:00Z') });
    expect(dataFilesContaining(rt, marker)).toContain('audit.db');
    await rt.http.delete(`/v1/documents/${res.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
    const entry = (await rt.services.store.audit.list({ _id: '01KQ0000000000000000000000' }, 1))[0];
    expect(entry?.details).toEqual({ tagId: 'abc' });
    expect(dataFilesContaining(rt, marker)).toEqual([]);
  });
});

describe("a withdrawn model version's weights leave DATA_DIR's files with the erasure", () => {
  /** The lines of DATA_DIR/model_versions.db that hold weights (a non-null head) for this version id. */
  function storedHeads(id: string): number {
    const file = fs.readFileSync(path.join(rt.dataDir, 'model_versions.db'), 'utf8');
    return file
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { _id?: string; head?: unknown })
      .filter((r) => r._id === id && r.head !== null && r.head !== undefined).length;
  }

  test('the weights of a version trained on the erased customer\'s corrections are gone from the file when the erasure answers', async () => {
    const key = await createKey(rt, ['admin', 'ingest', 'analyst', 'labeler'], 'qa-withdraw');
    for (const [i, text] of SLANG_COMPLAINTS.entries()) {
      const posted = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: `w-${i}`, customerId: 'qa-withdrawn', text }).expect(202);
      const doc = await waitForStatus(rt, posted.body.id, key);
      const tag = (doc.tags as { id: string; opinion: string }[]).find((t) => t.opinion.includes('绝了'));
      expect(tag, JSON.stringify(doc.tags)).toBeTruthy();
      await rt.http.post(`/v1/documents/${doc.id}/corrections`).set(bearer(key)).send({ actions: [{ op: 'update', tagId: tag!.id, polarity: 'negative' }] }).expect(200);
    }
    const started = await rt.http.post('/v1/models/train').set(bearer(key)).send({}).expect(202);
    let job: Record<string, any> = {};
    expect(await eventually(async () => ['done', 'failed'].includes((job = (await rt.http.get(`/v1/models/jobs/${encodeURIComponent(started.body.id)}`).set(bearer(key))).body).status), 60_000)).toBe(true);
    expect(job.status, JSON.stringify(job)).toBe('done');
    const id = `qa-withdraw:${job.version as string}`;
    expect(storedHeads(id)).toBe(1);

    const erased = await rt.http.delete('/v1/customers/qa-withdrawn').set(bearer(key)).expect(200);
    expect(erased.body.models.withdrawn).toEqual([job.version]);
    expect(await rt.services.store.modelVersions.find('qa-withdraw', job.version)).toMatchObject({ head: null });
    expect(storedHeads(id)).toBe(0);
  }, 120_000);
});

describe('channels an ingest key makes up do not grow the shared metrics without bound', () => {
  test('past the first 200 channels, documents are counted under (other), not in a series each', async () => {
    const documents = Array.from({ length: 260 }, (_, i) => ({ kind: 'comment', source: `qa-metrics-${i}`, externalId: `m-${i}`, text: '好' }));
    const res = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).send({ documents }).expect(207);
    expect(res.body.items.every((i: { status: string }) => i.status === 'accepted')).toBe(true);
    const page = await rt.http.get('/metrics').set(bearer(ADMIN_KEY)).expect(200);
    const series = page.text.split('\n').filter((l) => l.startsWith('guandian_documents_ingested_total{'));
    expect(series.length).toBeLessThanOrEqual(201 * 4);
    const sources = new Set(series.map((l) => /source="([^"]*)"/.exec(l)![1]));
    expect(sources.size).toBe(201);
    expect(sources.has('(other)')).toBe(true);
    // every document is still counted
    const total = series.reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(total).toBeGreaterThanOrEqual(260);
  });
});

describe('a GET that reads no query string refuses a parameter instead of answering as if it were not there', () => {
  test("the platform key's GET /v1/tenant/settings?tenant=… is a 400, not the platform tenant's own settings", async () => {
    const other = await createKey(rt, ['admin'], 'qa-settings-other');
    await rt.http.put('/v1/tenant/settings').set(bearer(other)).send({ piiPolicy: 'hash', retentionDays: 30 }).expect(200);
    const res = await rt.http.get('/v1/tenant/settings?tenant=qa-settings-other').set(bearer(ADMIN_KEY));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'tenant', message: 'unknown query parameter' }]);
    // the same for the other single-item and settings reads
    for (const url of ['/v1/me?tenant=qa-settings-other', '/v1/taxonomy?tenant=qa-settings-other', '/v1/models?tenant=qa-settings-other']) {
      const r = await rt.http.get(url).set(bearer(ADMIN_KEY));
      expect(r.status, url).toBe(400);
      expect(r.body.error.details[0].field, url).toBe('tenant');
    }
    const posted = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-get', externalId: 'get-1', text: '网速太慢了' }).expect(202);
    expect((await rt.http.get(`/v1/documents/${posted.body.id}?fields=text`).set(bearer(ADMIN_KEY))).status).toBe(400);
    // without one, as before
    expect((await rt.http.get('/v1/tenant/settings').set(bearer(ADMIN_KEY)).expect(200)).body.piiPolicy).toBe('mask');
    await rt.http.get(`/v1/documents/${posted.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
  });
});

describe('the audit log records the exports that happened', () => {
  const exportEntries = async () => (await rt.http.get('/v1/audit?limit=1000').set(bearer(ADMIN_KEY)).expect(200)).body.items.filter((i: { action: string }) => i.action.endsWith('.export')).length;

  test('an export refused for its filters, or a HEAD that sends no rows, writes no export entry', async () => {
    const before = await exportEntries();
    await rt.http.get('/v1/tags/export?from=2024-05-02&to=2024-05-01').set(bearer(ADMIN_KEY)).expect(400);
    const inverted = await rt.http.get('/v1/tags/export?minConfidence=0.9&maxConfidence=0.1').set(bearer(ADMIN_KEY)).expect(400);
    expect(inverted.body.error.details.map((d: { field: string }) => d.field)).toEqual(['minConfidence']);
    await rt.http.head('/v1/tags/export').set(bearer(ADMIN_KEY)).expect(200);
    await rt.http.head('/v1/corrections/export').set(bearer(ADMIN_KEY)).expect(200);
    expect(await exportEntries()).toBe(before);
    // one that runs is recorded, as before
    await rt.http.get('/v1/tags/export?format=jsonl').set(bearer(ADMIN_KEY)).expect(200);
    await rt.http.get('/v1/corrections/export').set(bearer(ADMIN_KEY)).expect(200);
    expect(await exportEntries()).toBe(before + 2);
  });
});

describe('a case resolved twice', () => {
  test('is audited once, naming the key that closed it', async () => {
    const [first, second] = [await createKey(rt, ['analyst']), await createKey(rt, ['labeler'])];
    const posted = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-case', externalId: 'case-1', text: '客服态度太差了，一直没人处理' }).expect(202);
    const doc = await waitForStatus(rt, posted.body.id);
    expect(doc.routing, JSON.stringify(doc)).not.toBeNull();
    const closed = await rt.http.post(`/v1/cases/${doc.id}/resolve`).set(bearer(first)).expect(200);
    const again = await rt.http.post(`/v1/cases/${doc.id}/resolve`).set(bearer(second)).expect(200);
    expect(again.body.resolvedAt).toBe(closed.body.resolvedAt);
    const entries = (await rt.http.get('/v1/audit?action=case.resolve&limit=1000').set(bearer(ADMIN_KEY)).expect(200)).body.items.filter((i: { target: string }) => i.target === doc.id);
    expect(entries).toHaveLength(1);
    expect(entries[0].actor).toBe(first.split('_')[1]);
  });
});
