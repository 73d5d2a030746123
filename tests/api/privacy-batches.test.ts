import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DocumentRecord } from '../../src/store/records.js';
import { startRuntime, type TestRuntime } from '../helpers/runtime.js';

// Erasure and retention delete in batches of 500 (privacy-service.ts): these cases need several
// batches, with documents that must stay interleaved between the ones that must go.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
});
afterAll(async () => rt.close());

const DAY = 86_400_000;

function doc(n: number, tenant: string, customerId: string, createdAt: Date): DocumentRecord {
  return {
    _id: `01JBATCH${String(n).padStart(8, '0')}`,
    tenant, kind: 'comment', source: 'app', externalId: `b-${n}`, text: '排队太久了', turns: null, customerId,
    occurredAt: null, at: createdAt, metadata: null, contentHash: `h${n}`, status: 'done', error: null, attempts: 1,
    generation: 0, leaseUntil: null, normalizedText: '排队太久了', sentiment: 'negative', modelVersion: null,
    reviewed: false, minConfidence: null, tagCount: 0, suppressed: [], createdAt, updatedAt: createdAt, processedAt: createdAt,
  };
}

describe('batched deletion', () => {
  test('a retention purge over several batches deletes every expired document of the tenant and nothing else', async () => {
    const old = new Date(Date.now() - 40 * DAY);
    const recent = new Date();
    // ids in arrival order, three tenants' documents interleaved, the kept ones among the expired
    const docs: DocumentRecord[] = [];
    for (let i = 0; i < 3600; i++) {
      const tenant = ['purge-a', 'purge-b', 'purge-a'][i % 3]!;
      docs.push(doc(i, tenant, `c-${i % 7}`, i % 9 === 0 ? recent : old));
    }
    await rt.services.store.documents.insertMany(docs);
    await rt.services.settings.update('purge-a', { retentionDays: 30 });
    const expiredA = docs.filter((d) => d.tenant === 'purge-a' && d.createdAt === old).length;
    expect(expiredA).toBeGreaterThan(1000);
    expect(await rt.services.privacy.purgeExpired()).toBe(expiredA);
    expect(await rt.services.store.documents.countWhere({ tenant: 'purge-a' })).toBe(docs.filter((d) => d.tenant === 'purge-a').length - expiredA);
    expect(await rt.services.store.documents.countWhere({ tenant: 'purge-a', createdAt: { $lt: new Date(Date.now() - 30 * DAY) } })).toBe(0);
    expect(await rt.services.store.documents.countWhere({ tenant: 'purge-b' })).toBe(1200);
  });

  test("a customer's erasure over several batches leaves other customers' documents between them", async () => {
    const at = new Date();
    const docs: DocumentRecord[] = [];
    for (let i = 10_000; i < 12_400; i++) docs.push(doc(i, 'erase-a', i % 2 === 0 ? 'c-gone' : 'c-kept', at));
    await rt.services.store.documents.insertMany(docs);
    const result = await rt.services.privacy.eraseCustomer('erase-a', 'c-gone', 'test');
    expect(result.deleted.documents).toBe(1200);
    expect(await rt.services.store.documents.countWhere({ tenant: 'erase-a', customerId: 'c-gone' })).toBe(0);
    expect(await rt.services.store.documents.countWhere({ tenant: 'erase-a', customerId: 'c-kept' })).toBe(1200);
  });
});
