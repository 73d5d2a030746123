import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BullmqQueue } from '../../src/queue/bullmq-queue.js';
import { PermanentJobError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import { dropPrefix, freePort, redisUrl, stopPrivateRedis } from '../helpers/redis.js';

// Real Redis, a unique key prefix per test, removed afterwards.
let url: string;
const prefixes: string[] = [];
const logger = createLogger('silent');
const newPrefix = () => {
  const p = `gdtest-${randomUUID()}`;
  prefixes.push(p);
  return p;
};

beforeAll(async () => {
  url = await redisUrl();
});
afterAll(async () => {
  for (const p of prefixes) await dropPrefix(url, p);
  stopPrivateRedis();
});

const until = async (cond: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('BullmqQueue', () => {
  test('a jobId that is already pending is not added twice', async () => {
    const q = new BullmqQueue(url, newPrefix(), 3, logger);
    await q.enqueue([{ documentId: 'doc-1', generation: 0 }, { documentId: 'doc-1', generation: 0 }]);
    await q.enqueue([{ documentId: 'doc-1', generation: 0 }]);
    expect((await q.counts()).waiting).toBe(1);
    await q.enqueue([{ documentId: 'doc-1', generation: 1 }]);
    expect((await q.counts()).waiting).toBe(2);
    await q.close();
  });

  test('enqueues made together (concurrent requests) all arrive, once each, duplicates among them included', async () => {
    const q = new BullmqQueue(url, newPrefix(), 3, logger);
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => q.enqueue([{ documentId: `c-${i}`, generation: 0 }])),
      q.enqueue([{ documentId: 'c-3', generation: 0 }]),
    ]);
    expect((await q.counts()).waiting).toBe(30);
    const seen: string[] = [];
    q.startWorker(async (id) => {
      seen.push(id);
    }, 4);
    await until(() => seen.length >= 30);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `c-${i}`).sort());
    await q.close();
  });

  test('retries transient failures and tells the handler which attempt is final', async () => {
    const q = new BullmqQueue(url, newPrefix(), 3, logger);
    const seen: { attempt: number; final: boolean }[] = [];
    q.startWorker(async (_id, ctx) => {
      seen.push(ctx);
      if (ctx.attempt < 2) throw new Error('transient');
    }, 1);
    await q.enqueue([{ documentId: 'doc-r', generation: 0 }]);
    await until(() => seen.length === 2);
    expect(seen).toEqual([{ attempt: 1, final: false }, { attempt: 2, final: false }]);
    await q.close();
  });

  test('re-enqueueing over a job the queue itself failed needs replaceFinished', async () => {
    const q = new BullmqQueue(url, newPrefix(), 1, logger);
    q.startWorker(async () => {
      throw new PermanentJobError('worker gave up');
    }, 1);
    await q.enqueue([{ documentId: 'doc-stuck', generation: 0 }]);
    await until(async () => (await q.counts()).failed === 1);
    await q.stopWorker();
    // A plain add is swallowed by the failed job that still holds the id …
    await q.enqueue([{ documentId: 'doc-stuck', generation: 0 }]);
    expect((await q.counts()).waiting).toBe(0);
    // … the reconciler's add replaces it.
    await q.enqueue([{ documentId: 'doc-stuck', generation: 0 }], { replaceFinished: true });
    expect(await q.counts()).toMatchObject({ waiting: 1, failed: 0 });
    await q.close();
  });

  test('a permanent error is not retried', async () => {
    const q = new BullmqQueue(url, newPrefix(), 5, logger);
    let calls = 0;
    q.startWorker(async () => {
      calls++;
      throw new PermanentJobError('cannot analyze');
    }, 1);
    await q.enqueue([{ documentId: 'doc-p', generation: 0 }]);
    await until(async () => (await q.counts()).failed === 1);
    expect(calls).toBe(1);
    await q.close();
  });
});

describe('service whose Redis is down since boot', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // a port nothing listens on: the queue connection never becomes ready
    const port = await freePort();
    rt = await startRuntime({ REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_PREFIX: newPrefix() }, { worker: false });
  });
  afterAll(async () => rt?.close());

  test('ingest answers 202 and stores the document instead of hanging on the queue', async () => {
    const ingest = await createKey(rt, ['ingest']);
    // BullMQ would wait for the first connection forever; the request must come back on its own
    const res = await Promise.race([
      rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: 'down-1', text: '信号很差' }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('ingest hung while Redis was down')), 10_000)),
    ]);
    expect(res.status).toBe(202);
    const doc = await rt.services.store.documents.findById(res.body.id);
    expect(doc).toMatchObject({ status: 'queued', externalId: 'down-1' });
  });
});

describe('service on BullMQ', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startRuntime({ REDIS_URL: url, QUEUE_PREFIX: newPrefix() });
  });
  afterAll(async () => rt?.close());

  test('ingest → BullMQ → worker thread → tags, for all three kinds', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const bodies = [
      { kind: 'comment', source: 'app-review', externalId: 'q-1', text: '网络很顺畅，但是App老是闪退' },
      { kind: 'social', source: 'weibo', externalId: 'q-2', text: '這家外賣送餐太慢了，菜都涼了' },
      { kind: 'transcript', source: 'call-center', externalId: 'q-3', turns: [{ speaker: 'agent', text: '您好，请问有什么可以帮您' }, { speaker: 'customer', text: '手续费太贵了' }] },
    ];
    const ids: string[] = [];
    for (const b of bodies) ids.push((await rt.http.post('/v1/documents').set(bearer(ingest)).send(b).expect(202)).body.id);
    for (const id of ids) {
      const doc = await waitForStatus(rt, id);
      expect(doc.status).toBe('done');
      expect((doc.tags as unknown[]).length).toBeGreaterThan(0);
    }
    const transcript = await waitForStatus(rt, ids[2]!);
    expect((transcript.tags as { turnIndex: number }[]).every((t) => t.turnIndex === 1)).toBe(true);
    const ready = await rt.http.get('/readyz').expect(200);
    expect(ready.body.checks.queue.kind).toBe('bullmq');
  });

  test('the queue dashboard is for admins only, with bearer or basic auth', async () => {
    await rt.http.get('/admin/queues').expect(401).expect('www-authenticate', /Basic/);
    const analyst = await createKey(rt, ['analyst']);
    await rt.http.get('/admin/queues').set(bearer(analyst)).expect(403);
    const basic = 'Basic ' + Buffer.from(`ops:${ADMIN_KEY}`).toString('base64');
    const page = await rt.http.get('/admin/queues').set('Authorization', basic).expect(200);
    expect(page.text).toContain('<html');
    const api = await rt.http.get('/admin/queues/api/queues').set(bearer(ADMIN_KEY)).expect(200);
    expect(JSON.stringify(api.body)).toContain('documents');
  });

  test('a document whose queue entry was lost is recovered by the reconciler', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const id = (await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: 'lost-1', text: '信号很差' }).expect(202)).body.id;
    await waitForStatus(rt, id);
    // Simulate a lost job: back to queued with an expired lease and nothing in Redis.
    await rt.services.store.documents.setStatus(id, 'queued', { leaseUntil: new Date(Date.now() - 1), generation: 7 });
    expect(await rt.services.reconciler.runOnce()).toBe(1);
    const doc = await waitForStatus(rt, id);
    expect(doc.status).toBe('done');
  });
});
