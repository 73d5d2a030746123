import { describe, expect, test } from 'vitest';
import { bearer, tenantKeyMaker, type TestRuntime } from '../helpers/runtime.js';
import { ingest, waitDone, useActionsRuntime } from '../actions/setup.js';

// The made-up name 蒯翀翾 marks the customer's words; no lexicon or other test uses it.

let rt: TestRuntime;
useActionsRuntime((started) => (rt = started));

const tenantKey = tenantKeyMaker(() => rt, 'erase-idem');

describe('erasure reaches remembered idempotent responses', () => {
  test("a correction's and a resolved case's replayable replies are deleted with the customer", async () => {
    const key = await tenantKey();
    const id = await ingest(rt, key, 'idem-1', '蒯翀翾投诉营业厅服务态度太差了', { customerId: 'cust-idem' });
    await waitDone(rt, [id]);
    const corrected = await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).set('Idempotency-Key', 'idem-correct-1').send({ actions: [{ op: 'accept' }] }).expect(200);
    expect(corrected.body.text).toContain('蒯翀翾');
    const resolved = await rt.http.post(`/v1/cases/${id}/resolve`).set(bearer(key)).set('Idempotency-Key', 'idem-resolve-1').send({}).expect(200);
    expect(resolved.body.customerId).toBe('cust-idem');
    const before = JSON.stringify(await rt.services.store.engine.collection('idempotency').find({}));
    expect(before).toContain('蒯翀翾');
    expect(before).toContain('cust-idem');

    await rt.http.delete('/v1/customers/cust-idem').set(bearer(key)).expect(200);
    const after = JSON.stringify(await rt.services.store.engine.collection('idempotency').find({}));
    expect(after).not.toContain('蒯翀翾');
    expect(after).not.toContain('cust-idem');
    // A replay now finds nothing to replay: the key answers as a new request would (the document is gone).
    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).set('Idempotency-Key', 'idem-correct-1').send({ actions: [{ op: 'accept' }] }).expect(404);
  });
});
