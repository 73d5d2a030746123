import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { freePort } from '../helpers/redis.js';

// API audit 2026-12-01, with REDIS_URL set and Redis not answering. Ingest answers 202 during an outage (the
// document is stored queued with a lease, and the reconciler enqueues it later: docs/reliability.md); a retry
// and a re-tag store their work the same way, but answered a 500, for work that had happened (and a client
// retrying the re-tag's 500 started a second job).

let rt: TestRuntime;
beforeAll(async () => {
  // a port nothing listens on: the queue connection never becomes ready
  const port = await freePort();
  rt = await startRuntime({ REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_PREFIX: `qa-1201-${randomUUID()}` }, { worker: false });
});
afterAll(async () => rt?.close());

const within = <T>(p: PromiseLike<T>, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} hung while Redis was down`)), 15_000))]);

describe('while Redis is down, a retry and a re-tag are stored for the reconciler, as an ingest is', () => {
  test('POST /v1/documents/:id/retry answers 202; the document is queued again under a new generation with a lease', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const sent = await within(rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-down', externalId: 'd-1', text: '转账到账很慢' }), 'ingest');
    expect(sent.status).toBe(202);
    const before = (await rt.services.store.documents.findById(sent.body.id as string))!;

    const retried = await within(rt.http.post(`/v1/documents/${sent.body.id as string}/retry`).set(bearer(ADMIN_KEY)), 'retry');
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect(retried.body).toEqual({ id: sent.body.id, status: 'queued' });
    const after = (await rt.services.store.documents.findById(sent.body.id as string))!;
    expect(after.status).toBe('queued');
    expect(after.generation).toBe(before.generation + 1);
    expect(new Date(after.leaseUntil!).getTime()).toBeGreaterThan(Date.now());
  });

  test('POST /v1/retag-jobs answers 202 with the documents it marked, and one job is stored', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const sent = await within(rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-down-retag', externalId: 'r-1', text: '网点排队太久了' }), 'ingest');
    expect(sent.status).toBe(202);

    const job = await within(rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'qa-down-retag' }), 're-tag');
    expect(job.status, JSON.stringify(job.body)).toBe(202);
    expect(job.body.total).toBe(1);
    const doc = (await rt.services.store.documents.findById(sent.body.id as string))!;
    expect(doc).toMatchObject({ status: 'queued', retagJobId: job.body.id });
    expect(new Date(doc.leaseUntil!).getTime()).toBeGreaterThan(Date.now());

    const jobs = await rt.http.get('/v1/retag-jobs').set(bearer(ADMIN_KEY)).expect(200);
    expect(jobs.body.items.filter((j: { filter: { channel?: string } }) => j.filter.channel === 'qa-down-retag')).toHaveLength(1);
  });
});

describe('while Redis is down, a webhook test event and a redelivery stay pending for the re-queue, not a 500', () => {
  test('POST /v1/webhooks/:id/test answers 202 with the pending delivery; …/retry of a failed one answers 202 and reopens it', async () => {
    const hook = await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: 'https://hooks.bank.example/guandian' }).expect(201);
    const id = hook.body.id as string;

    const test = await within(rt.http.post(`/v1/webhooks/${id}/test`).set(bearer(ADMIN_KEY)), 'test event');
    expect(test.status, JSON.stringify(test.body)).toBe(202);
    const sent = test.body.deliveryId as string;
    expect(await rt.services.store.actions.deliveries.findById(sent)).toMatchObject({ status: 'pending', attempts: 0 });

    // the receiver was down past every attempt
    await rt.services.store.actions.deliveries.update(sent, { status: 'failed', attempts: 8, lastError: 'connect ECONNREFUSED', lastAttemptAt: new Date() });
    const again = await within(rt.http.post(`/v1/webhooks/${id}/deliveries/${sent}/retry`).set(bearer(ADMIN_KEY)), 'redelivery');
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body).toEqual({ deliveryId: sent, status: 'pending' });
    expect(await rt.services.store.actions.deliveries.findById(sent)).toMatchObject({ status: 'pending' });
  });
});

describe('while Redis is down, reads that report the queue answer', () => {
  test('GET /v1/models answers with workers: null (the queue cannot tell) instead of hanging', async () => {
    const analyst = await createKey(rt, ['analyst']);
    const res = await within(rt.http.get('/v1/models').set(bearer(analyst)), 'GET /v1/models');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.workers).toBeNull();
  });

  test("the queue dashboard's data requests are a 503 saying the queue is down, instead of hanging; its page still loads", async () => {
    const res = await within(rt.http.get('/admin/queues/api/queues').set(bearer(ADMIN_KEY)), 'the dashboard API');
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'queue_unavailable', details: [] });
    expect(res.headers['retry-after']).toBe('5');
    await within(rt.http.get('/admin/queues').set(bearer(ADMIN_KEY)).expect(200), 'the dashboard page');
  });
});
