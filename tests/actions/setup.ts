import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { Receiver } from './receiver.js';

/** Loopback receivers must be allowlisted (the default policy refuses private addresses); timers stay out of the way. */
export const ACTIONS_ENV = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', ACTIONS_INTERVAL_MS: '3600000', WEBHOOK_ATTEMPTS: '4' };

export async function startActionsRuntime(): Promise<TestRuntime> {
  return startRuntime(ACTIONS_ENV);
}

export async function stopActionsRuntime(rt: TestRuntime | undefined): Promise<void> {
  if (!rt) return;
  await rt.services.actions.stop();
  await rt.close();
}

let hookNo = 0;

/** Registers a webhook pointing at the receiver and teaches the receiver its secret. */
export async function addWebhook(rt: TestRuntime, receiver: Receiver, key = ADMIN_KEY): Promise<string> {
  const path = `/hook-${++hookNo}`;
  const res = await rt.http.post('/v1/webhooks').set(bearer(key)).send({ url: receiver.url + path }).expect(201);
  receiver.secrets.set(path, res.body.secret as string);
  return res.body.id as string;
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
