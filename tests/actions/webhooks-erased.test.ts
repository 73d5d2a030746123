import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AlertRuleRecord } from '../../src/store/records.js';
import { bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { ACTIONS_ENV, ingest } from './setup.js';

// A document job that read its document before an erasure deleted it (with the deliveries about it) goes
// on to store a delivery for a rule: that delivery must not stay behind holding the erased customer's
// words. No delivery worker runs here, so what the store keeps is what record() left.
let rt: TestRuntime;
let admin: string;
let rule: AlertRuleRecord;

beforeAll(async () => {
  rt = await startRuntime(ACTIONS_ENV, { worker: false });
  admin = await createKey(rt, ['admin', 'ingest'], 'erased-hooks');
  const hook = await rt.http.post('/v1/webhooks').set(bearer(admin)).send({ url: 'http://127.0.0.1:9/hook' }).expect(201);
  rule = {
    _id: 'rule-erased', tenant: 'erased-hooks', name: '差评提醒', type: 'document', active: true, webhookIds: [hook.body.id as string],
    match: { polarities: ['negative'] }, threshold: null, createdAt: new Date(), updatedAt: new Date(),
  } as unknown as AlertRuleRecord;
});
afterAll(async () => rt.close());

async function stored(): Promise<number> {
  return (await rt.services.store.engine.collection('webhook_deliveries').find({ tenant: 'erased-hooks' })).length;
}

describe('deliveries about erased documents', () => {
  test('a delivery about a document that is gone is not kept; one about a document that exists is', async () => {
    const kept = await ingest(rt, admin, 'kept-1', '宽带三天两头断网，客服电话也打不通');
    const document = { id: kept, customerId: 'c-1', text: '宽带三天两头断网，客服电话也打不通' };
    expect(await rt.services.actions.webhooks.fire(rule, kept, 'rule.document', { document })).toBe(1);
    expect(await stored()).toBe(1);
    const gone = { ...document, id: '01JERASEDDOCUMENT000000000' };
    expect(await rt.services.actions.webhooks.fire(rule, gone.id, 'rule.document', { document: gone })).toBe(0);
    expect(await stored()).toBe(1);
  });
});
