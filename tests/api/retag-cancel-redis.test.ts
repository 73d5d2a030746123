import { afterAll, beforeAll, expect, test } from 'vitest';
import { machineTagsDigest } from '../../src/worker/process-document.js';
import { dropPrefix, redisUrl, stopPrivateRedis } from '../helpers/redis.js';
import { ADMIN_KEY, bearer, holdRetagWrite, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// Cancelling a re-tag on BullMQ (REDIS_URL), the queue production runs, under this run's own queue prefix:
// the entries the job added for documents it released stay in Redis and must do nothing when a worker takes
// them, and the document a worker held is analyzed once more under a new job id.

let rt: TestRuntime;
let redis: string;

beforeAll(async () => {
  redis = await redisUrl();
  rt = await startRuntime({ REDIS_URL: redis, WORKER_CONCURRENCY: '1' });
}, 60_000);

afterAll(async () => {
  await rt?.close();
  if (rt) await dropPrefix(redis, rt.config.queuePrefix);
  stopPrivateRedis();
});

async function ingest(externalId: string, text: string): Promise<Record<string, any>> {
  const res = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'bq', externalId, text }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string);
  expect(doc.status).toBe('done');
  return doc;
}

test('on BullMQ a cancelled job\'s queued entries do nothing, and the document in analysis ends with tags and fields from one analysis', async () => {
  expect(rt.services.queue.kind).toBe('bullmq');
  const first = await ingest('bq-0', '服务员态度很好');
  const inFlight = await ingest('bq-1', '房间很干净，就是隔音感人');
  const waiting = await Promise.all(['外卖送得太慢了', '信号太差', '资费太贵了'].map((text, i) => ingest(`bq-w${i}`, text)));
  const before = new Map(await Promise.all([first, inFlight, ...waiting].map(async (d) => [d.id as string, (await rt.services.store.documents.findById(d.id))!] as const)));
  await rt.http.put('/v1/taxonomy').set(bearer(ADMIN_KEY)).send({ sentiment: { 感人: -2 } }).expect(200);

  const { reached: writing, release: resume } = holdRetagWrite(rt, inFlight.id);

  const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'bq' }).expect(202);
  expect(started.body.total).toBe(5);
  await writing;
  const cancelled = await rt.http.post(`/v1/retag-jobs/${started.body.id}/cancel`).set(bearer(ADMIN_KEY)).expect(200);
  expect(cancelled.body).toMatchObject({ status: 'cancelled', total: 5, done: 1, failed: 0 });
  resume();

  await waitForStatus(rt, inFlight.id);
  // until the queue is empty: every entry the job added has been taken by the worker
  for (let i = 0; i < 200; i++) {
    const c = await rt.services.queue.counts();
    if (c.waiting + c.active + c.delayed === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const c = await rt.services.queue.counts();
  expect(c.waiting + c.active + c.delayed).toBe(0);

  const doc = (await rt.services.store.documents.findById(inFlight.id))!;
  const tags = await rt.services.store.tags.byDocument(inFlight.id);
  expect(doc).toMatchObject({ status: 'done', retagJobId: null, generation: before.get(inFlight.id)!.generation + 2 });
  expect(tags).toHaveLength(2);
  expect(doc.tagCount).toBe(2);
  expect(doc.machineDigest).toBe(machineTagsDigest(tags));
  for (const w of waiting) {
    const kept = (await rt.services.store.documents.findById(w.id))!;
    expect(kept).toMatchObject({ status: 'done', retagJobId: null, generation: before.get(w.id)!.generation + 2 });
    // not analyzed again: the entry the job added found it done
    expect(kept.processedAt).toEqual(before.get(w.id)!.processedAt);
    expect((await rt.services.store.tags.byDocument(w.id)).map((t) => t._id).sort()).toEqual(w.tags.map((t: { id: string }) => t.id).sort());
  }
  expect((await rt.http.get(`/v1/retag-jobs/${started.body.id}`).set(bearer(ADMIN_KEY)).expect(200)).body).toEqual(cancelled.body);
}, 120_000);
