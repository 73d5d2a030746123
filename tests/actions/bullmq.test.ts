import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
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
