import { describe, expect, test } from 'vitest';
import { bearer, tenantKeyMaker, type TestRuntime } from '../helpers/runtime.js';
import { Receiver, settle } from '../actions/receiver.js';
import { addWebhook, ingest, waitDone, useActionsRuntimeWithReceiver } from '../actions/setup.js';

// Webhook payloads name the document's customer and carry its opinions: erasure must reach them,
// including deliveries still waiting for a retry and those a running job creates after it.

let rt: TestRuntime;
let receiver: Receiver;
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s));

const tenantKey = tenantKeyMaker(() => rt, 'erase-hook');

async function deliveriesReceivedFor(documentId: string): Promise<number> {
  return receiver.received.filter((r) => r.body.data?.document?.id === documentId).length;
}

describe('erasure reaches webhook deliveries', () => {
  test('delivered and retrying deliveries about the customer are deleted, and a retry sends nothing afterwards', async () => {
    const key = await tenantKey();
    const hook = await addWebhook(rt, receiver, key);
    await rt.http.post('/v1/rules').set(bearer(key)).send({ name: 'every app review', type: 'document', webhookIds: [hook], match: { channels: ['hook-app'] } }).expect(201);

    const delivered = await ingest(rt, key, 'hook-1', '蒯翀翾说营业厅排队太久了', { source: 'hook-app', customerId: 'cust-hook' });
    await waitDone(rt, [delivered]);
    await receiver.waitFor(() => receiver.received.some((r) => r.body.data?.document?.id === delivered));

    // The receiver is down: the next delivery fails and waits for its retry (1 s backoff).
    receiver.script = [500, 500, 500, 500];
    const retrying = await ingest(rt, key, 'hook-2', '蒯翀翾觉得网速也太慢了', { source: 'hook-app', customerId: 'cust-hook' });
    await waitDone(rt, [retrying]);
    await receiver.waitFor(() => receiver.received.some((r) => r.body.data?.document?.id === retrying));
    expect(JSON.stringify(receiver.received)).toContain('cust-hook');

    await rt.http.delete('/v1/customers/cust-hook').set(bearer(key)).expect(200);
    const stored = JSON.stringify(await rt.services.store.engine.collection('webhook_deliveries').find({}));
    for (const needle of ['cust-hook', delivered, retrying, '蒯翀翾']) expect(stored).not.toContain(needle);

    await settle(2500);
    receiver.script = [];
    expect(await deliveriesReceivedFor(retrying)).toBe(1);
  });

  test("a delivery created after the erasure by a job that still held the document's copy is never sent", async () => {
    const key = await tenantKey();
    const hook = await addWebhook(rt, receiver, key);
    const id = await ingest(rt, key, 'race-1', '蒯翀翾说客服态度很差', { source: 'race-app', customerId: 'cust-race' });
    await waitDone(rt, [id]);
    // The rule exists only now, so nothing was sent while the document was analysed.
    await rt.http.post('/v1/rules').set(bearer(key)).send({ name: 'race', type: 'document', webhookIds: [hook], match: { channels: ['race-app'] } }).expect(201);
    const doc = (await rt.services.store.documents.findById(id))!;
    const tags = await rt.services.store.tags.byDocument(id);

    // The worker calls its hooks with the copy it read before analysis; erasure can land just before.
    await rt.http.delete('/v1/customers/cust-race').set(bearer(key)).expect(200);
    for (const hookFn of rt.services.afterTagged) await hookFn(doc, tags);

    await settle(1500);
    expect(await deliveriesReceivedFor(id)).toBe(0);
    const stored = JSON.stringify(await rt.services.store.engine.collection('webhook_deliveries').find({}));
    expect(stored).not.toContain(id);
    expect(stored).not.toContain('cust-race');
  });
});
