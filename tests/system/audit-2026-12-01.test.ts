import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { dropPrefix, freePort, redisUrl } from '../helpers/redis.js';
import { ADMIN_KEY, bearer, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// API audit 2026-12-01: a restart while Redis is unreachable, with a webhook delivery pending (a test event
// sent during the outage). The start queued pending deliveries and let a failed enqueue fail it: the service
// exited 1 ("failed to start: queue unavailable"), as it once did for unfinished documents
// (tests/system/redis-down-at-boot.test.ts).

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-audit-1201-'));
const prefix = `qa-1201-boot-${randomUUID()}`;
let rt: TestRuntime | null = null;
let url: string | null = null;

afterAll(async () => {
  await rt?.close();
  if (url) await dropPrefix(url, prefix);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a restart during a Redis outage with a webhook delivery pending', () => {
  test('the service starts; once Redis answers the delivery is attempted', async () => {
    const receiverPort = await freePort(); // nothing listens: an attempt is refused at once
    const env = { QUEUE_PREFIX: prefix, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' };
    const down = `redis://127.0.0.1:${await freePort()}`;

    rt = await startRuntime({ ...env, REDIS_URL: down }, { worker: false, dataDir, keepData: true });
    const hook = await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: `http://127.0.0.1:${receiverPort}/hook` }).expect(201);
    await rt.http.post(`/v1/webhooks/${hook.body.id as string}/test`).set(bearer(ADMIN_KEY));
    const [delivery] = (await rt.http.get(`/v1/webhooks/${hook.body.id as string}/deliveries`).set(bearer(ADMIN_KEY)).expect(200)).body.items as { id: string; status: string }[];
    expect(delivery).toMatchObject({ status: 'pending' });
    await rt.close();
    rt = null;

    // still down: the start cannot queue the pending delivery, and must not fail for it
    rt = await startRuntime({ ...env, REDIS_URL: down }, { dataDir, keepData: true });
    await rt.http.get('/healthz').expect(200);
    expect(await rt.services.store.actions.deliveries.findById(delivery!.id)).toMatchObject({ status: 'pending', attempts: 0 });
    await rt.close();
    rt = null;

    // Redis answers: the start queues it, and it is attempted
    url = await redisUrl();
    rt = await startRuntime({ ...env, REDIS_URL: url }, { dataDir, keepData: true });
    const deadline = Date.now() + 20_000;
    let attempts = 0;
    while (Date.now() < deadline && attempts === 0) {
      attempts = (await rt.services.store.actions.deliveries.findById(delivery!.id))?.attempts ?? 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(attempts).toBeGreaterThan(0);
  }, 90_000);
});

// The same for a training job: one requested during the outage (stored queued, its enqueue failed) made the
// next start with Redis still down exit 1, as the start's sweep queued every unfinished training job and let
// the failed enqueue end it (found reading model-service.ts after the webhook case above).
const trainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-audit-1201-train-'));
const trainPrefix = `qa-1201-train-${randomUUID()}`;
let trt: TestRuntime | null = null;

afterAll(async () => {
  await trt?.close();
  await dropPrefix(await redisUrl(), trainPrefix);
  fs.rmSync(trainDir, { recursive: true, force: true });
});

describe('a restart during a Redis outage with a training job unfinished', () => {
  test('the service starts; once Redis answers the job runs', async () => {
    const env = { QUEUE_PREFIX: trainPrefix };
    const up = await redisUrl();
    const down = `redis://127.0.0.1:${await freePort()}`;

    trt = await startRuntime({ ...env, REDIS_URL: up }, { dataDir: trainDir, keepData: true });
    const sent = await trt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'app', externalId: 't-1', text: '这网速真是绝了' }).expect(202);
    const doc = await waitForStatus(trt, sent.body.id as string);
    const tag = (doc.tags as { id: string; opinion: string }[]).find((t) => t.opinion.includes('绝了'));
    expect(tag).toBeDefined();
    await trt.http.post(`/v1/documents/${doc.id as string}/corrections`).set(bearer(ADMIN_KEY)).send({ actions: [{ op: 'update', tagId: tag!.id, polarity: 'negative' }] }).expect(200);
    await trt.close();
    trt = null;

    // requested while Redis is down: stored, not queued
    trt = await startRuntime({ ...env, REDIS_URL: down }, { worker: false, dataDir: trainDir, keepData: true });
    const job = (await trt.http.post('/v1/models/train').set(bearer(ADMIN_KEY)).send({}).expect(202)).body as { id: string };
    await trt.close();
    trt = null;

    // still down: the start cannot queue it, and must not fail for it
    trt = await startRuntime({ ...env, REDIS_URL: down }, { dataDir: trainDir, keepData: true });
    await trt.http.get('/healthz').expect(200);
    expect((await trt.http.get(`/v1/models/jobs/${job.id}`).set(bearer(ADMIN_KEY)).expect(200)).body).toMatchObject({ status: 'queued' });
    await trt.close();
    trt = null;

    // Redis answers: the start queues it, and it runs
    trt = await startRuntime({ ...env, REDIS_URL: up }, { dataDir: trainDir, keepData: true });
    const deadline = Date.now() + 60_000;
    let status = 'queued';
    while (Date.now() < deadline && (status === 'queued' || status === 'running')) {
      status = ((await trt.http.get(`/v1/models/jobs/${job.id}`).set(bearer(ADMIN_KEY)).expect(200)).body as { status: string }).status;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe('done');
  }, 120_000);
});
