import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import { createLogger } from '../../src/logger.js';
import { queueFactory } from '../../src/runtime.js';
import { ModelService } from '../../src/services/model-service.js';
import { dropPrefix, redisUrl, stopPrivateRedis } from '../helpers/redis.js';
import { SLANG_COMPLAINTS } from '../fixtures/slang-complaints.js';

// The retraining loop on BullMQ, the queue production runs (REDIS_URL). Training job ids are
// `tenant:rN`, and BullMQ refuses job ids with a colon, so on Redis a training job used to stay
// "queued" for ever while the log filled with "Custom Id cannot contain :".

let rt: TestRuntime;
let redis: string;

beforeAll(async () => {
  redis = await redisUrl();
  rt = await startRuntime({ REDIS_URL: redis });
}, 60_000);

afterAll(async () => {
  await rt?.close();
  if (rt) await dropPrefix(redis, rt.config.queuePrefix);
  stopPrivateRedis();
});

async function followJob(id: string, key = ADMIN_KEY): Promise<Record<string, unknown>> {
  let job: Record<string, unknown> = {};
  for (let i = 0; i < 1200 && job.status !== 'done' && job.status !== 'failed'; i++) {
    job = (await rt.http.get(`/v1/models/jobs/${encodeURIComponent(id)}`).set(bearer(key)).expect(200)).body;
    await new Promise((r) => setTimeout(r, 50));
  }
  return job;
}

test('with REDIS_URL a training job runs to a version, and training without corrections is refused with its reason', async () => {
  expect(rt.services.queue.kind).toBe('bullmq');
  const empty = await rt.http.post('/v1/models/train').set(bearer(ADMIN_KEY)).send({}).expect(409);
  expect(empty.body.error.message).toMatch(/no corrections/);

  for (const [i, text] of SLANG_COMPLAINTS.slice(0, 6).entries()) {
    const id = (await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'app', externalId: `redis-${i}`, text }).expect(202)).body.id;
    const doc = await waitForStatus(rt, id);
    const tag = doc.tags.find((t: { opinion: string }) => t.opinion.includes('绝了'));
    if (!tag) continue;
    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(ADMIN_KEY)).send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }).expect(200);
  }
  const started = await rt.http.post('/v1/models/train').set(bearer(ADMIN_KEY)).send({}).expect(202);
  expect(started.body.id).toBe('default:r1');
  const job = await followJob(started.body.id);
  expect(job).toMatchObject({ status: 'done', percent: 100, version: started.body.version });
  const list = (await rt.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body;
  expect(list.versions.map((v: { version: string }) => v.version)).toEqual([started.body.version]);
}, 120_000);

test('two API processes asked to train at once queue one job; once it finishes the next request queues another', async () => {
  const key = await createKey(rt, ['admin'], 'race-two-apis');
  let updates = 0;
  for (const [i, text] of SLANG_COMPLAINTS.slice(0, 4).entries()) {
    const id = (await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: `race-${i}`, text }).expect(202)).body.id;
    const tag = (await waitForStatus(rt, id, key)).tags.find((t: { opinion: string }) => t.opinion.includes('绝了'));
    if (!tag) continue;
    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }).expect(200);
    updates++;
  }
  expect(updates).toBeGreaterThan(0);
  // A second API process: its own ModelService (its own per-process request serialization) on the same
  // store and the same Redis queue. Each process serializes only its own requests, so the store decides.
  const logger = createLogger('silent');
  const otherQueue = (await queueFactory(rt.config))(rt.config, logger, 'models');
  const other = new ModelService(rt.services.store, otherQueue, logger, rt.config.modelDir);
  try {
    const tenant = 'race-two-apis';
    const [a, b] = await Promise.all([rt.services.models.requestTraining(tenant, 'api-1'), other.requestTraining(tenant, 'api-2')]);
    expect(a._id).toBe(b._id);
    expect([a.existing, b.existing].sort()).toEqual([false, true]);
    expect(await rt.services.store.modelJobs.countForTenant(tenant)).toBe(1);
    const job = await followJob(a._id, key);
    expect(job.status, String(job.error)).toBe('done');
    // finished, the job no longer holds the tenant's slot
    const next = await other.requestTraining(tenant, 'api-2');
    expect(next).toMatchObject({ _id: `${tenant}:r2`, existing: false });
    expect((await followJob(next._id, key)).status).toBe('done');
  } finally {
    await otherQueue.close();
  }
}, 180_000);

test('a finished job that still holds the tenant slot (left by an older version) is released, not spun on', async () => {
  // QA audit 2026-11-29 (upgrade, finding 2): the version before activeFor finished a job the new one had
  // queued; the next request then failed on the unique index for ever, at 190% CPU
  const key = await createKey(rt, ['admin'], 'slot-left');
  const id = (await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'slot-0', text: SLANG_COMPLAINTS[0] }).expect(202)).body.id;
  const tag = (await waitForStatus(rt, id, key)).tags.find((t: { opinion: string }) => t.opinion.includes('绝了'));
  await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }).expect(200);
  const now = new Date();
  await rt.services.store.modelJobs.insert({
    _id: 'slot-left:r1', tenant: 'slot-left', version: 'old+r1', status: 'done', phase: 'done', percent: 100, error: null,
    requestedBy: 'old', createdAt: now, updatedAt: now, startedAt: now, finishedAt: now, activeFor: 'slot-left',
  });
  const started = await rt.http.post('/v1/models/train').set(bearer(key)).send({}).expect(202);
  expect(started.body.id).toBe('slot-left:r2');
  expect((await rt.services.store.modelJobs.find('slot-left:r1'))!.activeFor).toBeUndefined();
  expect((await followJob(started.body.id, key)).status).toBe('done');
}, 120_000);

test('the queue dashboard shows the models and webhooks queues next to the documents queue', async () => {
  const api = await rt.http.get('/admin/queues/api/queues').set(bearer(ADMIN_KEY)).expect(200);
  const names = (api.body.queues as { name: string }[]).map((q) => q.name).sort();
  expect(names).toEqual(['documents', 'models', 'webhooks']);
});
