import { afterAll, beforeAll } from 'vitest';
import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { Receiver, type Received } from './receiver.js';

/** Loopback receivers must be allowlisted (the default policy refuses private addresses); timers stay out of the way. */
export const ACTIONS_ENV = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', ACTIONS_INTERVAL_MS: '3600000', WEBHOOK_ATTEMPTS: '4' };

export async function stopActionsRuntime(rt: TestRuntime | undefined): Promise<void> {
  if (!rt) return;
  await rt.services.actions.stop();
  await rt.close();
}

/**
 * One actions runtime (ACTIONS_ENV, plus `env`) for the whole test file, stopped after it; `started`
 * hands it over so the file keeps its own `let rt` (and may go on to create the file's keys).
 */
export function useActionsRuntime(started: (rt: TestRuntime) => unknown, env: Record<string, string> = {}): void {
  let rt: TestRuntime | undefined;
  beforeAll(async () => {
    rt = await startRuntime({ ...ACTIONS_ENV, ...env });
    await started(rt);
  });
  afterAll(async () => stopActionsRuntime(rt));
}

/** One webhook receiver for the whole test file, closed after it. */
export function useReceiver(started: (receiver: Receiver) => void): void {
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    receiver = await new Receiver().start();
    started(receiver);
  });
  afterAll(async () => {
    await receiver?.close();
  });
}

/**
 * A webhook receiver and an actions runtime (ACTIONS_ENV, plus `env`) for the whole test file. The
 * receiver listens before the runtime starts, and closes only after the runtime has stopped, so no
 * delivery is ever sent to a closed port.
 */
export function useActionsRuntimeWithReceiver(started: (s: { rt: TestRuntime; receiver: Receiver }) => void, env: Record<string, string> = {}): void {
  let rt: TestRuntime | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    receiver = await new Receiver().start();
    rt = await startRuntime({ ...ACTIONS_ENV, ...env });
    started({ rt, receiver });
  });
  afterAll(async () => {
    await stopActionsRuntime(rt);
    await receiver?.close();
  });
}

let hookNo = 0;

/** Registers a webhook pointing at the receiver and teaches the receiver its secret. */
export async function addWebhook(rt: TestRuntime, receiver: Receiver, key = ADMIN_KEY): Promise<string> {
  const path = `/hook-${++hookNo}`;
  const res = await rt.http.post('/v1/webhooks').set(bearer(key)).send({ url: receiver.url + path }).expect(201);
  receiver.secrets.set(path, res.body.secret as string);
  return res.body.id as string;
}

/** Sends the webhook's test event; `tries` are the receiver's copies of that delivery so far. */
export async function sendTestEvent(rt: TestRuntime, receiver: Receiver, hook: string): Promise<{ deliveryId: string; tries: () => Received[] }> {
  const sent = await rt.http.post(`/v1/webhooks/${hook}/test`).set(bearer(ADMIN_KEY)).expect(202);
  const deliveryId = sent.body.deliveryId as string;
  return { deliveryId, tries: () => receiver.received.filter((x) => x.body.id === deliveryId) };
}

export async function ingest(rt: TestRuntime, key: string, externalId: string, text: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId, text, ...extra });
  if (res.status !== 202) throw new Error(`ingest ${externalId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function waitDone(rt: TestRuntime, ids: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const id of ids) {
    for (;;) {
      const doc = await rt.services.store.documents.findById(id);
      if (doc?.status === 'done') break;
      if (doc?.status === 'failed') throw new Error(`document ${id} failed: ${doc.error}`);
      if (Date.now() > deadline) throw new Error(`document ${id} still ${doc?.status}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}

export async function deliveriesOf(rt: TestRuntime, webhookId: string, key = ADMIN_KEY): Promise<Record<string, any>[]> {
  return (await rt.http.get(`/v1/webhooks/${webhookId}/deliveries`).set(bearer(key)).expect(200)).body.items;
}
