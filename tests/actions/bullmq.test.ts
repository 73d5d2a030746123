import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, restartableData, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { dropPrefix, redisUrl, stopPrivateRedis } from '../helpers/redis.js';
import { Receiver, settle } from './receiver.js';
import { addWebhook, deliveriesOf, ingest, waitDone, ACTIONS_ENV } from './setup.js';

// The same delivery guarantees on the production queue: BullMQ retries and deterministic job ids.
let rt: TestRuntime;
let receiver: Receiver;
let url: string;
const prefix = `gdtest-actions-${randomUUID()}`;

beforeAll(async () => {
  url = await redisUrl();
  receiver = await new Receiver().start();
  rt = await startRuntime({ ...ACTIONS_ENV, REDIS_URL: url, QUEUE_PREFIX: prefix });
});
afterAll(async () => {
  await rt?.services.actions.stop();
  await rt?.close();
  await receiver?.close();
  if (url) await dropPrefix(url, prefix);
  stopPrivateRedis();
});

test('on BullMQ: retries after 500s, then one signed delivery; a re-processed document does not alert twice', async () => {
  expect(rt.services.actions.queue.kind).toBe('bullmq');
  const hook = await addWebhook(rt, receiver);
  receiver.script = [500];
  const sent = await rt.http.post(`/v1/webhooks/${hook}/test`).set(bearer(ADMIN_KEY)).expect(202);
  await receiver.waitFor((r) => r.filter((x) => x.body.id === sent.body.deliveryId && x.answered === 200).length === 1);
  const tries = receiver.received.filter((x) => x.body.id === sent.body.deliveryId);
  expect(tries.map((t) => t.answered)).toEqual([500, 200]);
  expect(tries.every((t) => t.verified)).toBe(true);

  const rule = await rt.http
    .post('/v1/rules')
    .set(bearer(ADMIN_KEY))
    .send({ name: 'security', type: 'document', webhookIds: [hook], match: { categories: ['account_security'], polarities: ['negative'] } })
    .expect(201);
  const key = await createKey(rt, ['ingest']);
  const id = await ingest(rt, key, 'bq-1', '账户安全太差了，被盗刷了');
  await waitDone(rt, [id]);
  await receiver.waitFor((r) => r.some((x) => x.body.rule?.id === rule.body.id));
  await rt.http.post(`/v1/documents/${id}/retry`).set(bearer(ADMIN_KEY)).expect((r) => expect(r.status).toBeLessThan(300));
  await waitDone(rt, [id]);
  await settle(1000);
  expect(receiver.received.filter((x) => x.body.rule?.id === rule.body.id)).toHaveLength(1);
  const log = await deliveriesOf(rt, hook);
  expect(log.find((d) => d.id === sent.body.deliveryId)).toMatchObject({ status: 'delivered', attempts: 2, responseCode: 200 });
});

test('on BullMQ: a failed delivery sent again goes out once more under its deterministic job id', async () => {
  const hook = await addWebhook(rt, receiver);
  receiver.script = [410];
  const did = (await rt.http.post(`/v1/webhooks/${hook}/test`).set(bearer(ADMIN_KEY)).expect(202)).body.deliveryId as string;
  const deadline = Date.now() + 30_000;
  while ((await deliveriesOf(rt, hook)).find((d) => d.id === did)?.status !== 'failed') {
    if (Date.now() > deadline) throw new Error('the delivery did not fail');
    await settle(50);
  }
  // the retry adds a job under the same id as the first one (jobIdFor(delivery, 0)): it must run, not be taken
  // for a duplicate of a job Redis has seen
  await rt.http.post(`/v1/webhooks/${hook}/deliveries/${did}/retry`).set(bearer(ADMIN_KEY)).expect(202);
  await receiver.waitFor((r) => r.filter((x) => x.body.id === did).length === 2);
  expect(receiver.received.filter((x) => x.body.id === did).map((x) => x.answered)).toEqual([410, 200]);
  while ((await deliveriesOf(rt, hook)).find((d) => d.id === did)?.status !== 'delivered') {
    if (Date.now() > deadline) throw new Error('the delivery was not delivered');
    await settle(50);
  }
});

test('on BullMQ: a pending delivery whose job the queue itself failed is sent after a restart', async () => {
  const prefix2 = `gdtest-actions-${randomUUID()}`;
  const data = restartableData({ ...ACTIONS_ENV, REDIS_URL: url, QUEUE_PREFIX: prefix2 });
  const first = await data.start({ worker: false });
  try {
    const hook = await addWebhook(first, receiver);
    // No webhook worker in this process: the delivery is stored pending and its job waits in Redis.
    const sent = await first.http.post(`/v1/webhooks/${hook}/test`).set(bearer(ADMIN_KEY)).expect(202);
    const deliveryId = sent.body.deliveryId as string;
    // A worker that dies on the job until BullMQ gives up on it (the stalled-too-often path) leaves
    // the job failed in Redis while our handler never ran: the store still says pending.
    const conn = new Redis(url, { maxRetriesPerRequest: null });
    const crashing = new Worker(
      'webhooks',
      async () => {
        throw new UnrecoverableError('worker lost the job');
      },
      { connection: conn as unknown as ConnectionOptions, prefix: prefix2 },
    );
    const failed = new Promise<void>((resolve) => crashing.on('failed', () => resolve()));
    await failed;
    await crashing.close();
    conn.disconnect();
    expect((await first.services.store.actions.deliveries.findById(deliveryId))?.status).toBe('pending');
    await data.stop(first);

    const second = await data.start();
    await receiver.waitFor((r) => r.some((x) => x.body.id === deliveryId && x.answered === 200), 15_000);
    expect(receiver.received.filter((x) => x.body.id === deliveryId).every((x) => x.verified)).toBe(true);
    const deadline = Date.now() + 10_000;
    while ((await second.services.store.actions.deliveries.findById(deliveryId))?.status !== 'delivered' && Date.now() < deadline) await settle(50);
    expect((await deliveriesOf(second, hook)).find((d) => d.id === deliveryId)).toMatchObject({ status: 'delivered', responseCode: 200 });
  } finally {
    await data.cleanup();
    await dropPrefix(url, prefix2);
  }
});
