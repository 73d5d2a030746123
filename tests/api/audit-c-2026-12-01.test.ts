import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// API/services audit (helper C) 2026-12-01: gaps in key revocation, training failure codes, tag paging
// across a re-tag and the re-tag cancel's count.

let rt: TestRuntime;
useFileRuntime({}, (s) => ({ rt } = s));

const keyId = (token: string) => /^gdk_([^_]+)_/.exec(token)![1]!;
const newKey = async (by: string, roles: string[], tenant?: string) =>
  (await rt.http.post('/v1/api-keys').set(bearer(by)).send({ name: `客服组 ${roles.join('+')}`, roles, ...(tenant ? { tenant } : {}) }).expect(201)).body as { id: string; key: string };

// 1. The platform key could revoke itself, and a tenant's only admin key could too: the first locked the
// operator out of /metrics, the queue dashboard and every other tenant's keys until a restart, the second
// left the tenant unable to make or revoke a key.
describe('a revoke that would leave nobody to manage keys', () => {
  test('the last platform key revoking itself is a 409 naming it, and the key keeps working', async () => {
    const res = await rt.http.delete('/v1/api-keys/bootstrap').set(bearer(ADMIN_KEY));
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.code).toBe('last_admin_key');
    expect(res.body.error.message).toContain('bootstrap');
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'id', message: 'bootstrap', platform: true })]);
    await rt.http.get('/metrics').set(bearer(ADMIN_KEY)).expect(200);
    const listed = (await rt.http.get('/v1/api-keys').set(bearer(ADMIN_KEY)).expect(200)).body.items as { id: string; revokedAt: string | null }[];
    expect(listed.find((k) => k.id === 'bootstrap')).toMatchObject({ revokedAt: null });
    // refused, so nothing to audit
    const audit = await rt.http.get('/v1/audit').query({ action: 'api_key.revoke' }).set(bearer(ADMIN_KEY)).expect(200);
    expect((audit.body.items as { target: string }[]).map((e) => e.target)).not.toContain('bootstrap');
  });

  test("a tenant's only admin key revoking itself is a 409; with a second admin key it may", async () => {
    const tenant = 'c1201-shop';
    const first = await newKey(ADMIN_KEY, ['admin'], tenant);
    const refused = await rt.http.delete(`/v1/api-keys/${first.id}`).set(bearer(first.key));
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'last_admin_key', details: [expect.objectContaining({ message: first.id, tenant })] });
    expect(refused.body.error.message).toContain(first.id);
    await rt.http.get('/v1/api-keys').set(bearer(first.key)).expect(200);

    // an analyst key does not count: it cannot manage keys
    await newKey(first.key, ['analyst']);
    expect((await rt.http.delete(`/v1/api-keys/${first.id}`).set(bearer(first.key))).status).toBe(409);

    const second = await newKey(first.key, ['admin']);
    await rt.http.delete(`/v1/api-keys/${first.id}`).set(bearer(first.key)).expect(204);
    await rt.http.get('/v1/api-keys').set(bearer(first.key)).expect(401);
    expect((await rt.http.delete(`/v1/api-keys/${second.id}`).set(bearer(second.key))).status).toBe(409);

    // the platform key may revoke it (offboarding, a leaked key): it can make the tenant another
    await rt.http.delete(`/v1/api-keys/${second.id}`).set(bearer(ADMIN_KEY)).expect(204);
    await rt.http.get('/v1/me').set(bearer(second.key)).expect(401);
  });

  test('two admin keys revoking each other at once leave one of them working', async () => {
    // Called on the service, not over HTTP: supertest's requests reach it one after the other, while two
    // processes on MongoDB (or one process's requests interleaving) reach it together, as Promise.all does here.
    for (let round = 0; round < 5; round++) {
      const tenant = `c1201-race-${round}`;
      const a = await newKey(ADMIN_KEY, ['admin'], tenant);
      const b = await newKey(ADMIN_KEY, ['admin'], tenant);
      const as = (k: { id: string }) => ({ keyId: k.id, tenant, roles: ['admin' as const], platform: false });
      const outcomes = await Promise.allSettled([rt.services.apiKeys.revoke(as(a), b.id), rt.services.apiKeys.revoke(as(b), a.id)]);
      const alive = [];
      for (const k of [a, b]) if ((await rt.http.get('/v1/me').set(bearer(k.key))).status === 200) alive.push(k.id);
      expect(alive.length, `round ${round}: ${JSON.stringify(outcomes)}`).toBeGreaterThan(0);
      // each answer matches what happened to the key it named: revoked, or refused and still working
      const [ra, rb] = outcomes;
      expect(alive.includes(b.id)).toBe(ra.status === 'rejected');
      expect(alive.includes(a.id)).toBe(rb.status === 'rejected');
      for (const r of outcomes) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('last_admin_key');
    }
  });
});

describe('rotating the platform key', () => {
  test('a key generated at first start can be revoked once GUANDIAN_ADMIN_KEY installs another; then that one is the last', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-audit-c-keys-'));
    let node: TestRuntime | null = null;
    try {
      node = await startRuntime({ GUANDIAN_ADMIN_KEY: '' }, { worker: false, dataDir, keepData: true });
      const generated = node.services.generatedAdminKey!;
      expect(generated).toMatch(/^gdk_/);
      // alone, the generated key cannot revoke itself
      expect((await node.http.delete(`/v1/api-keys/${keyId(generated)}`).set(bearer(generated))).status).toBe(409);
      await node.close();
      node = null;

      node = await startRuntime({}, { worker: false, dataDir, keepData: true });
      await node.http.delete(`/v1/api-keys/${keyId(generated)}`).set(bearer(ADMIN_KEY)).expect(204);
      await node.http.get('/v1/me').set(bearer(generated)).expect(401);
      expect((await node.http.delete('/v1/api-keys/bootstrap').set(bearer(ADMIN_KEY))).status).toBe(409);
    } finally {
      await node?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
