import { describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { ingest, useActionsRuntime, waitDone } from '../actions/setup.js';

// Actions that take no body refuse a field sent to them, as every route that reads a body refuses what
// it does not read: a `{"generation":2}` on a retry or a `{"reason":…}` on an erasure was ignored without
// a word. The refusal comes before the action, so nothing happened; `{}` and no body still work.

let rt: TestRuntime;
let ingestKey: string;

useActionsRuntime(async (started) => {
  rt = started;
  ingestKey = await createKey(rt, ['ingest']);
});

function expect400(res: { status: number; body: any }, field: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.details).toEqual([{ field, message: 'unknown field' }]);
  expect(res.body.error.message).toMatch(/takes no body/);
}

let seq = 0;
async function doneDoc(extra: Record<string, unknown> = {}): Promise<string> {
  const id = await ingest(rt, ingestKey, `bodiless-${++seq}`, '营业厅排队太久了，网速也太慢了', extra);
  await waitDone(rt, [id]);
  return id;
}

describe('bodiless actions refuse a body field and do nothing', () => {
  test('retry', async () => {
    const id = await doneDoc();
    expect400(await rt.http.post(`/v1/documents/${id}/retry`).set(bearer(ADMIN_KEY)).send({ generation: 2 }), 'generation');
    expect((await rt.services.store.documents.findById(id))!.status).toBe('done');
    await rt.http.post(`/v1/documents/${id}/retry`).set(bearer(ADMIN_KEY)).send({}).expect(202);
    await rt.http.post(`/v1/documents/${id}/retry`).set(bearer(ADMIN_KEY)).expect(202);
  });

  test('erasing a document or a customer', async () => {
    const id = await doneDoc({ customerId: 'cust-bodiless' });
    expect400(await rt.http.delete(`/v1/documents/${id}`).set(bearer(ADMIN_KEY)).send({ reason: 'gdpr' }), 'reason');
    expect400(await rt.http.delete('/v1/customers/cust-bodiless').set(bearer(ADMIN_KEY)).send({ reason: 'gdpr' }), 'reason');
    expect(await rt.services.store.documents.findById(id)).not.toBeNull();
    await rt.http.delete('/v1/customers/cust-bodiless').set(bearer(ADMIN_KEY)).expect(200);
    expect(await rt.services.store.documents.findById(id)).toBeNull();
  });

  test('revoking a key', async () => {
    const created = (await rt.http.post('/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'bodiless', roles: ['analyst'] }).expect(201)).body as { id: string; key: string };
    expect400(await rt.http.delete(`/v1/api-keys/${created.id}`).set(bearer(ADMIN_KEY)).send({ force: true }), 'force');
    await rt.http.get('/v1/tags').set(bearer(created.key)).expect(200);
    await rt.http.delete(`/v1/api-keys/${created.id}`).set(bearer(ADMIN_KEY)).expect(204);
    expect((await rt.http.get('/v1/tags').set(bearer(created.key))).status).toBe(401);
  });

  test('webhooks and rules: delete and test', async () => {
    const hook = (await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: 'http://127.0.0.1:9/bodiless' }).expect(201)).body.id as string;
    const rule = (await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'bodiless', type: 'document', webhookIds: [hook], match: { polarities: ['negative'] } }).expect(201)).body.id as string;
    expect400(await rt.http.post(`/v1/webhooks/${hook}/test`).set(bearer(ADMIN_KEY)).send({ payload: { x: 1 } }), 'payload');
    expect((await rt.http.get(`/v1/webhooks/${hook}/deliveries`).set(bearer(ADMIN_KEY)).expect(200)).body.items).toEqual([]);
    expect400(await rt.http.delete(`/v1/rules/${rule}`).set(bearer(ADMIN_KEY)).send({ cascade: true }), 'cascade');
    expect400(await rt.http.delete(`/v1/webhooks/${hook}`).set(bearer(ADMIN_KEY)).send({ cascade: true }), 'cascade');
    const rules = (await rt.http.get('/v1/rules').set(bearer(ADMIN_KEY)).expect(200)).body.items as { id: string }[];
    expect(rules.map((r) => r.id)).toContain(rule);
    const hooks = (await rt.http.get('/v1/webhooks').set(bearer(ADMIN_KEY)).expect(200)).body.items as { id: string }[];
    expect(hooks.map((h) => h.id)).toContain(hook);
    await rt.http.delete(`/v1/rules/${rule}`).set(bearer(ADMIN_KEY)).send({}).expect(204);
  });

  test('resolving a case: the body is refused before the case is looked up', async () => {
    const analyst = await createKey(rt, ['analyst']);
    expect400(await rt.http.post('/v1/cases/no-such-case/resolve').set(bearer(analyst)).send({ note: '已回电' }), 'note');
    expect((await rt.http.post('/v1/cases/no-such-case/resolve').set(bearer(analyst)).send({})).status).toBe(404);
  });
});
