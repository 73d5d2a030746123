import { describe, expect, test } from 'vitest';
import { bearer, tenantKeyMaker, dataFilesContaining, type TestRuntime } from '../helpers/runtime.js';
import { ingest, waitDone, useActionsRuntime } from '../actions/setup.js';

// What erasure and retention must leave nowhere: the customer's words (made-up names no lexicon or
// other test uses mark them) and their identifiers, in any collection and in DATA_DIR's files.

let rt: TestRuntime;
useActionsRuntime((started) => (rt = started));

const tenantKey = tenantKeyMaker(() => rt, 'erase-file');

const COLLECTIONS = ['documents', 'tags', 'corrections', 'webhook_deliveries', 'idempotency', 'audit', 'retag_jobs', 'model_jobs', 'model_versions', 'alert_rules', 'routing_tables'];

/** Every stored record of every collection, as JSON, read through the engine (not through our repositories' filters). */
async function storedJson(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of COLLECTIONS) out[name] = JSON.stringify(await rt.services.store.engine.collection(name).find({}));
  return out;
}

const filesContaining = (needle: string) => dataFilesContaining(rt, needle);

describe("erased text leaves DATA_DIR's files", () => {
  async function seed(key: string, externalId: string, customerId: string | undefined, marker: string): Promise<string> {
    const id = await ingest(rt, key, externalId, `${marker}说营业厅排队太久了，网速也太慢了`, customerId ? { customerId } : {});
    await waitDone(rt, [id]);
    // updates append further copies of the record to the append-only files
    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).send({ actions: [{ op: 'accept' }] }).expect(200);
    expect(filesContaining(marker).length).toBeGreaterThan(0);
    return id;
  }

  test('after a customer erasure no file holds their text or id (the audit log keeps only the erasure record)', async () => {
    const key = await tenantKey();
    await seed(key, 'file-1', 'cust-file', '亓翀翾');
    await rt.http.delete('/v1/customers/cust-file').set(bearer(key)).expect(200);
    expect(filesContaining('亓翀翾')).toEqual([]);
    expect(filesContaining('cust-file')).toEqual(['audit.db']);
    const stored = await storedJson();
    for (const [name, json] of Object.entries(stored)) expect(json, name).not.toContain('亓翀翾');
  });

  test('after a retention purge no file holds the text', async () => {
    const key = await tenantKey();
    await seed(key, 'file-2', undefined, '仉翀翾');
    await rt.http.put('/v1/tenant/settings').set(bearer(key)).send({ retentionDays: 1 }).expect(200);
    expect(await rt.services.privacy.purgeExpired(new Date(Date.now() + 2 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect(filesContaining('仉翀翾')).toEqual([]);
  });
});
