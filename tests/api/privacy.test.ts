import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
let ingest: string;
useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s));

let seq = 0;
async function post(body: Record<string, unknown>, key = ingest) {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: `pv-${++seq}`, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

describe('PII policy per tenant', () => {
  const text = '我的手机号是138 1234 5678，身份证110101199003077571，邮箱zhang.san@example.com，订单号202611280001';

  test('mask (default) keeps 3+4 of phones, 6+4 of IDs, and leaves order numbers alone', async () => {
    const id = await post({ text });
    const doc = await waitForStatus(rt, id);
    expect(doc.text).not.toContain('1234 5678');
    // The separators the caller wrote are kept around the mask.
    expect(doc.text).toMatch(/138 ?\*{4} ?5678/);
    expect(doc.text).not.toContain('110101199003077571');
    expect(doc.text).toMatch(/110101\*{8}7571/);
    expect(doc.text).toContain('202611280001');
    expect(doc.text).not.toContain('zhang.san@example.com');
  });

  test('hash replaces PII with a stable token; keep stores it unchanged', async () => {
    const adminB = await createKey(rt, ['admin', 'ingest', 'analyst'], 'bank-b');
    await rt.http.put('/v1/tenant/settings').set(bearer(adminB)).send({ piiPolicy: 'hash' }).expect(200);
    const a = await waitForStatus(rt, await post({ text: '电话13812345678打不通' }, adminB), adminB);
    const b = await waitForStatus(rt, await post({ text: '电话13812345678打不通', externalId: 'other' }, adminB), adminB);
    expect(a.text).not.toContain('13812345678');
    expect(a.text).toBe(b.text);
    await rt.http.put('/v1/tenant/settings').set(bearer(adminB)).send({ piiPolicy: 'keep' }).expect(200);
    await new Promise((r) => setTimeout(r, 10));
    const kept = await waitForStatus(rt, await post({ text: '电话13812345678打不通', externalId: 'kept' }, adminB), adminB);
    expect(kept.text).toContain('13812345678');
  });

  test('settings are validated', async () => {
    const res = await rt.http.put('/v1/tenant/settings').set(bearer(ADMIN_KEY)).send({ piiPolicy: 'encrypt', retentionDays: 0 });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['piiPolicy', 'retentionDays']));
  });

  test('a null PII policy is refused, not silently ignored; a null retention still means keep for ever', async () => {
    const res = await rt.http.put('/v1/tenant/settings').set(bearer(ADMIN_KEY)).send({ piiPolicy: null }).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['piiPolicy']);
    expect(res.body.error.details[0].message).toMatch(/mask, hash, keep/);
    const kept = await rt.http.put('/v1/tenant/settings').set(bearer(ADMIN_KEY)).send({ retentionDays: null }).expect(200);
    expect(kept.body.retentionDays).toBeNull();
  });
});

describe('right to erasure', () => {
  test("DELETE /v1/customers/:id removes that customer's documents and tags and reports counts", async () => {
    const mine = [await post({ customerId: 'cust-42', text: '客服态度很差' }), await post({ customerId: 'cust-42', text: '网速太慢了' })];
    const other = await post({ customerId: 'cust-7', text: '服务很好' });
    for (const id of [...mine, other]) await waitForStatus(rt, id);
    const tagsBefore = await rt.services.store.tags.countWhere({ documentId: { $in: mine } });
    expect(tagsBefore).toBeGreaterThan(0);
    const res = await rt.http.delete('/v1/customers/cust-42').set(bearer(ADMIN_KEY)).expect(200);
    expect(res.body).toEqual({ customerId: 'cust-42', deleted: { documents: 2, tags: tagsBefore }, models: { withdrawn: [], active: expect.any(String), retrainJob: null } });
    for (const id of mine) await rt.http.get(`/v1/documents/${id}`).set(bearer(ADMIN_KEY)).expect(404);
    expect(await rt.services.store.tags.countWhere({ documentId: { $in: mine } })).toBe(0);
    await rt.http.get(`/v1/documents/${other}`).set(bearer(ADMIN_KEY)).expect(200);
  });

  test('erasure is scoped to the tenant', async () => {
    const ingestC = await createKey(rt, ['ingest'], 'tenant-c');
    const id = await post({ customerId: 'shared-id', text: '很好' }, ingestC);
    const res = await rt.http.delete('/v1/customers/shared-id').set(bearer(ADMIN_KEY)).expect(200);
    expect(res.body.deleted.documents).toBe(0);
    expect(await rt.services.store.documents.findById(id)).not.toBeNull();
  });
});

describe('retention', () => {
  test('documents older than the tenant retention are purged with their tags', async () => {
    const adminR = await createKey(rt, ['admin', 'ingest'], 'retain-r');
    const id = await post({ text: '排队太久了' }, adminR);
    await waitForStatus(rt, id, adminR);
    await rt.http.put('/v1/tenant/settings').set(bearer(adminR)).send({ retentionDays: 30 }).expect(200);
    expect(await rt.services.privacy.purgeExpired(new Date())).toBe(0);
    const in31Days = new Date(Date.now() + 31 * 86_400_000);
    expect(await rt.services.privacy.purgeExpired(in31Days)).toBe(1);
    expect(await rt.services.store.documents.findById(id)).toBeNull();
    expect(await rt.services.store.tags.countWhere({ documentId: id })).toBe(0);
  });
});

describe('audit log', () => {
  test('key creation and revocation, corrections, exports, erasures and settings changes are recorded', async () => {
    const labeler = await createKey(rt, ['labeler']);
    const created = await rt.http.post('/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'temp', roles: ['analyst'] }).expect(201);
    await rt.http.delete(`/v1/api-keys/${created.body.id}`).set(bearer(ADMIN_KEY)).expect(204);
    const id = await post({ text: '营业厅排队太久了' });
    await waitForStatus(rt, id);
    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'accept' }] }).expect(200);
    await rt.http.get('/v1/tags/export?format=jsonl').set(bearer(ADMIN_KEY)).expect(200);
    await rt.http.delete('/v1/customers/nobody').set(bearer(ADMIN_KEY)).expect(200);
    await rt.http.put('/v1/tenant/settings').set(bearer(ADMIN_KEY)).send({ retentionDays: null }).expect(200);
    const res = await rt.http.get('/v1/audit?limit=100').set(bearer(ADMIN_KEY)).expect(200);
    const actions = (res.body.items as { action: string }[]).map((a) => a.action);
    for (const action of ['api_key.create', 'api_key.revoke', 'correction.apply', 'tags.export', 'customer.erase', 'tenant.settings.update']) {
      expect(actions).toContain(action);
    }
    const filtered = await rt.http.get('/v1/audit?action=api_key.revoke').set(bearer(ADMIN_KEY)).expect(200);
    expect(filtered.body.items.every((a: { action: string }) => a.action === 'api_key.revoke')).toBe(true);
    expect(filtered.body.items[0].target).toBe(created.body.id);
  });
});
