import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi/build-openapi.js';
import { machineTagsDigest } from '../../src/worker/process-document.js';
import type { DocumentRecord } from '../../src/store/records.js';
import { OpenApiConformance } from '../helpers/openapi-conformance.js';
import { ADMIN_KEY, bearer, createKey, holdRetagWrite, startRuntime, waitForStatus, waitRetagJob, type TestRuntime } from '../helpers/runtime.js';

// POST /v1/retag-jobs/:id/cancel over real HTTP, store, embedded queue and analyzer threads, with one
// worker so the order documents are analyzed in is the order they were queued in.

let rt: TestRuntime;
const conformance = new OpenApiConformance(JSON.parse(JSON.stringify(buildOpenApi())) as Record<string, any>);

beforeAll(async () => {
  rt = await startRuntime({ WORKER_CONCURRENCY: '1' });
}, 60_000);
afterAll(async () => rt?.close());

const cancel = (id: string, key = ADMIN_KEY) => rt.http.post(`/v1/retag-jobs/${id}/cancel`).set(bearer(key));

async function ingest(source: string, externalId: string, text: string, key = ADMIN_KEY): Promise<Record<string, any>> {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source, externalId, text }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string, key);
  expect(doc.status).toBe('done');
  return doc;
}

describe('cancelling a running re-tag job', () => {
  test('a document being analyzed when its job is cancelled ends with tags and fields from one analysis; the rest keep theirs untouched', async () => {
    // 感人 ("touching") said of soundproofing is sarcasm the shipped lexicon does not know: once the tenant
    // lexicon calls it negative, a re-analysis adds a tag, so a half-written re-tag would show
    const first = await ingest('cx', 'cx-0', '服务员态度很好');
    const inFlight = await ingest('cx', 'cx-1', '房间很干净，就是隔音感人');
    const waiting = await ingest('cx', 'cx-2', '外卖送得太慢了');
    expect(inFlight.tags.map((t: { opinion: string }) => t.opinion)).toEqual(['很干净']);
    const before = new Map<string, DocumentRecord>();
    for (const d of [first, inFlight, waiting]) before.set(d.id, (await rt.services.store.documents.findById(d.id))!);
    await rt.http.put('/v1/taxonomy').set(bearer(ADMIN_KEY)).send({ sentiment: { 感人: -2 } }).expect(200);

    // Holds the worker once it has written the in-flight document's re-tagged tags and before it marks it
    // done: the narrowest place a cancel can land (after the worker's superseded check).
    const { reached: writing, release: resume } = holdRetagWrite(rt, inFlight.id);

    const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'cx' }).expect(202);
    expect(started.body.total).toBe(3);
    await writing;
    expect(await rt.services.store.tags.byDocument(inFlight.id)).toHaveLength(2);

    const res = await cancel(started.body.id).expect(200);
    expect(conformance.problems('post', '/v1/retag-jobs/{id}/cancel', 200, res.body)).toEqual([]);
    // the first was re-tagged before the cancel; the one in analysis and the one waiting were released
    expect(res.body).toMatchObject({ id: started.body.id, status: 'cancelled', total: 3, done: 1, failed: 0 });
    resume();

    const settled = await waitForStatus(rt, inFlight.id);
    const doc = (await rt.services.store.documents.findById(inFlight.id))!;
    const tags = await rt.services.store.tags.byDocument(inFlight.id);
    // analyzed once more under a newer generation: the document says what its tags say
    expect(doc.status).toBe('done');
    expect(doc.retagJobId ?? null).toBeNull();
    expect(doc.generation).toBe(before.get(inFlight.id)!.generation + 2);
    expect(tags).toHaveLength(2);
    expect(tags.map((t) => [t.opinion, t.polarity])).toEqual(expect.arrayContaining([[expect.stringContaining('感人'), 'negative'], ['很干净', 'positive']]));
    expect(doc.tagCount).toBe(tags.length);
    expect(doc.machineDigest).toBe(machineTagsDigest(tags));
    expect(tags.every((t) => t.modelVersion === doc.modelVersion)).toBe(true);
    expect(settled.tags).toHaveLength(2);

    // the waiting one kept its tags and its analysis; the queue entry the job added for it did nothing
    await new Promise((r) => setTimeout(r, 300));
    const kept = (await rt.services.store.documents.findById(waiting.id))!;
    expect(kept).toMatchObject({ status: 'done', retagJobId: null, generation: before.get(waiting.id)!.generation + 2, tagCount: before.get(waiting.id)!.tagCount });
    expect(kept.processedAt).toEqual(before.get(waiting.id)!.processedAt);
    expect((await rt.services.store.tags.byDocument(waiting.id)).map((t) => t._id).sort()).toEqual(waiting.tags.map((t: { id: string }) => t.id).sort());

    // the job stays cancelled with its numbers, and lists under status=cancelled only
    const again = await rt.http.get(`/v1/retag-jobs/${started.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
    expect(again.body).toEqual(res.body);
    const list = await rt.http.get('/v1/retag-jobs?status=cancelled').set(bearer(ADMIN_KEY)).expect(200);
    expect(conformance.problems('get', '/v1/retag-jobs', 200, list.body)).toEqual([]);
    expect(list.body.items.map((j: { id: string }) => j.id)).toEqual([started.body.id]);
    const running = await rt.http.get('/v1/retag-jobs?status=running').set(bearer(ADMIN_KEY)).expect(200);
    expect(running.body.items).toEqual([]);

    // repeated: the same answer, one audit entry
    expect((await cancel(started.body.id).expect(200)).body).toEqual(res.body);
    const audit = await rt.http.get('/v1/audit').set(bearer(ADMIN_KEY)).expect(200);
    const entries = audit.body.items.filter((a: { action: string }) => a.action === 'retag.cancel');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ target: started.body.id });
  }, 120_000);

  test('a cancel the workers beat to the last document is a 409 naming status, and the job stays done', async () => {
    await ingest('late', 'late-0', '客服回复很及时');
    const last = await ingest('late', 'late-1', '网速太慢了');
    const { reached: writing, release: resume } = holdRetagWrite(rt, last.id);
    const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'late' }).expect(202);
    await writing;
    // The cancel reads the job running (its last document is in analysis); the worker then finishes that
    // document before the cancel is stored, the one order of the race a test can hold still.
    const jobs = rt.services.store.retagJobs;
    const store = jobs.cancel.bind(jobs);
    jobs.cancel = async (...args) => {
      resume();
      await waitForStatus(rt, last.id);
      return store(...args);
    };
    try {
      const res = await cancel(started.body.id).expect(409);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['status']);
    } finally {
      jobs.cancel = store;
    }
    const job = await rt.http.get(`/v1/retag-jobs/${started.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
    expect(job.body).toMatchObject({ status: 'done', total: 2, done: 2, failed: 0 });
    expect((await rt.http.get('/v1/retag-jobs?status=cancelled').set(bearer(ADMIN_KEY)).expect(200)).body.items.map((j: { id: string }) => j.id)).not.toContain(started.body.id);
    // nothing was cancelled, so there is no audit entry for it
    const audit = await rt.http.get('/v1/audit').set(bearer(ADMIN_KEY)).expect(200);
    expect(audit.body.items.filter((a: { action: string; target: string }) => a.action === 'retag.cancel' && a.target === started.body.id)).toEqual([]);
  }, 60_000);

  test('a done job is a 409 naming status; unknown or another tenant\'s job a 404; a body a 400; admins only', async () => {
    await ingest('done', 'done-0', '信号太差');
    const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'done' }).expect(202);
    await waitRetagJob(rt, started.body.id);
    const res = await cancel(started.body.id).expect(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['status']);
    expect(conformance.problems('post', '/v1/retag-jobs/{id}/cancel', 409, res.body)).toEqual([]);
    expect((await rt.http.get(`/v1/retag-jobs/${started.body.id}`).set(bearer(ADMIN_KEY)).expect(200)).body.status).toBe('done');

    const otherAdmin = await createKey(rt, ['admin'], 'rc-other');
    expect((await cancel(started.body.id, otherAdmin).expect(404)).body.error.code).toBe('not_found');
    await cancel('01JNOSUCHJOB0000000000000').expect(404);

    const body = await rt.http.post(`/v1/retag-jobs/${started.body.id}/cancel`).set(bearer(ADMIN_KEY)).send({ force: true }).expect(400);
    expect(body.body.error.details.map((d: { field: string }) => d.field)).toEqual(['force']);
    const analyst = await createKey(rt, ['analyst', 'labeler', 'ingest']);
    await cancel(started.body.id, analyst).expect(403);
    await rt.http.post(`/v1/retag-jobs/${started.body.id}/cancel`).expect(401);
  }, 60_000);
});
