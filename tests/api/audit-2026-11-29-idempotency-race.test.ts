import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canonical } from '../../src/canonical-json.js';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// QA audit 2026-11-29: Idempotency-Key looked up the key, ran the handler, and only then remembered
// the response, so 20 concurrent POSTs with one key created 2 API keys in 3 runs of 4. The key is
// now reserved before the handler runs: exactly one request runs; the others get 409
// idempotency_in_progress (Retry-After) while it runs and its replay afterwards.

let rt: TestRuntime;
let admin: string;
let adminId: string;
const TENANT = 'idem-race';

beforeAll(async () => {
  rt = await startRuntime({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', ACTIONS_INTERVAL_MS: '3600000' });
  admin = await createKey(rt, ['admin'], TENANT);
  adminId = (await rt.http.get('/v1/me').set(bearer(admin)).expect(200)).body.id;
});
afterAll(async () => rt.close());

type Res = { status: number; body: any; headers: Record<string, string> };

function checkRace(responses: Res[]) {
  const statuses = responses.map((r) => r.status);
  expect(statuses.every((s) => s === 201 || s === 409), `statuses ${statuses.join(',')}`).toBe(true);
  const created = responses.filter((r) => r.status === 201);
  expect(created.length).toBeGreaterThan(0);
  expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
  for (const r of responses.filter((x) => x.status === 409)) {
    expect(r.body.error).toMatchObject({ code: 'idempotency_in_progress', details: [{ field: 'Idempotency-Key' }] });
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  }
  return created[0]!.body.id as string;
}

describe('concurrent requests with one Idempotency-Key', () => {
  test('20 concurrent POST /v1/api-keys create exactly one key (4 rounds)', async () => {
    for (let round = 0; round < 4; round++) {
      const name = `race-key-${round}`;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => rt.http.post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', `race-keys-${round}`).send({ name, roles: ['analyst'] })),
      );
      const id = checkRace(responses);
      const keys = (await rt.http.get('/v1/api-keys').set(bearer(admin)).expect(200)).body.items as { id: string; name: string }[];
      expect(keys.filter((k) => k.name === name).map((k) => k.id)).toEqual([id]);
      // once it has answered, the key replays that answer
      const replay = await rt.http.post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', `race-keys-${round}`).send({ name, roles: ['analyst'] }).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(id);
    }
  });

  test('20 concurrent POST /v1/webhooks create exactly one webhook', async () => {
    const url = 'http://127.0.0.1:9/race-hook';
    const responses = await Promise.all(Array.from({ length: 20 }, () => rt.http.post('/v1/webhooks').set(bearer(admin)).set('Idempotency-Key', 'race-hook').send({ url })));
    const id = checkRace(responses);
    const hooks = (await rt.http.get('/v1/webhooks').set(bearer(admin)).expect(200)).body.items as { id: string; url: string }[];
    expect(hooks.filter((h) => h.url === url).map((h) => h.id)).toEqual([id]);
  });
});

describe('the reservation', () => {
  const hashOf = (url: string, body: unknown) => createHash('sha256').update('POST').update(url).update(JSON.stringify(canonical(body))).digest('hex');
  const recordId = (key: string) => `${TENANT}:${adminId}:${key}`;

  test('while it is pending, the same request is a 409 with Retry-After and another request with the key a 422', async () => {
    const body = { name: 'pending-key', roles: ['analyst'] };
    await rt.services.store.idempotency.reserve(recordId('pending-1'), hashOf('/v1/api-keys', body), 'another-request', new Date(Date.now() + 60_000));
    const busy = await rt.http.post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', 'pending-1').send(body);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('idempotency_in_progress');
    expect(busy.headers['retry-after']).toBe('1');
    const other = await rt.http.post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', 'pending-1').send({ ...body, name: 'other' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const keys = (await rt.http.get('/v1/api-keys').set(bearer(admin)).expect(200)).body.items as { name: string }[];
    expect(keys.some((k) => k.name === 'pending-key' || k.name === 'other')).toBe(false);
  });

  test('a reservation left by a crashed request expires and the key is served again', async () => {
    const body = { name: 'after-crash', roles: ['analyst'] };
    await rt.services.store.idempotency.reserve(recordId('crashed-1'), hashOf('/v1/api-keys', body), 'crashed-request', new Date(Date.now() - 1));
    const res = await rt.http.post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', 'crashed-1').send(body).expect(201);
    const again = await rt.http.post('/v1/api-keys').set(bearer(admin)).set('Idempotency-Key', 'crashed-1').send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(res.body.id);
  });

  test('a handler that fails with a 500 releases the key: the retry runs again', async () => {
    const ingest = await createKey(rt, ['ingest', 'labeler'], TENANT);
    const posted = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: 'idem-500', text: '网络太慢了' }).expect(202);
    const id = posted.body.id as string;
    await waitForStatus(rt, id, ingest);
    // A stored date nothing can print makes the correction's answer fail after its work is done (500).
    const documents = rt.services.store.engine.collection('documents');
    await documents.updateOne({ _id: id }, { $set: { occurredAt: 'not a date' } });
    const send = () => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(ingest)).set('Idempotency-Key', 'fails-1').send({ actions: [{ op: 'accept' }] });
    const first = await send();
    expect(first.status).toBe(500);
    expect(await rt.services.store.idempotency.find(`${TENANT}:${(await rt.http.get('/v1/me').set(bearer(ingest))).body.id}:fails-1`)).toBeNull();
    expect((await send()).status).toBe(500); // ran again: neither a replay nor "in progress"
    await documents.updateOne({ _id: id }, { $set: { occurredAt: null } });
    const ok = await send();
    expect(ok.status).toBe(200);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
    expect((await send()).headers['idempotent-replayed']).toBe('true');
  });

  test("erasure still deletes a remembered reply about the customer's documents", async () => {
    const key = await createKey(rt, ['ingest', 'labeler', 'admin'], TENANT);
    const posted = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'idem-erase', text: '蒯翀翾说网络太慢了', customerId: 'idem-cust' }).expect(202);
    await waitForStatus(rt, posted.body.id, key);
    await rt.http.post(`/v1/documents/${posted.body.id}/corrections`).set(bearer(key)).set('Idempotency-Key', 'erase-1').send({ actions: [{ op: 'accept' }] }).expect(200);
    expect(JSON.stringify(await rt.services.store.engine.collection('idempotency').find({}))).toContain('蒯翀翾');
    await rt.http.delete('/v1/customers/idem-cust').set(bearer(key)).expect(200);
    expect(JSON.stringify(await rt.services.store.engine.collection('idempotency').find({}))).not.toContain('蒯翀翾');
  });
});
