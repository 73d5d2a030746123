import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi/build-openapi.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// GET /v1/me says whether the caller is the platform key: the console offers other tenants on the
// keys page only to that key, as only it may use them.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
});
afterAll(async () => {
  await rt?.close();
});

describe('GET /v1/me: platform', () => {
  test('true for the platform admin key, false for a tenant admin key (of its own tenant or of default)', async () => {
    const platform = await rt.http.get('/v1/me').set(bearer(ADMIN_KEY)).expect(200);
    expect(platform.body).toMatchObject({ id: 'bootstrap', tenant: 'default', roles: ['admin'], platform: true });

    for (const tenant of ['acme', 'default']) {
      const key = await createKey(rt, ['admin'], tenant);
      const me = await rt.http.get('/v1/me').set(bearer(key)).expect(200);
      expect(me.body).toMatchObject({ tenant, roles: ['admin'], platform: false });
    }
  });

  test('the OpenAPI Me schema lists platform as a required boolean', () => {
    const me = buildOpenApi().components.schemas.Me as { properties: Record<string, { type?: string }>; required: string[] };
    expect(me.properties.platform?.type).toBe('boolean');
    expect(me.required).toContain('platform');
  });
});

describe('GET /v1/api-keys?tenant=', () => {
  test("the platform key lists another tenant's keys; a tenant admin may name only its own tenant", async () => {
    const made = (await rt.http.post('/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'globex crm', roles: ['ingest'], tenant: 'globex' }).expect(201)).body as { id: string };
    const listed = await rt.http.get('/v1/api-keys').query({ tenant: 'globex' }).set(bearer(ADMIN_KEY)).expect(200);
    expect(listed.body.items.map((k: { id: string; tenant: string }) => [k.id, k.tenant])).toEqual([[made.id, 'globex']]);
    // without it, the platform key's own tenant as before
    const own = await rt.http.get('/v1/api-keys').set(bearer(ADMIN_KEY)).expect(200);
    expect(own.body.items.map((k: { id: string }) => k.id)).toContain('bootstrap');
    expect(own.body.items.map((k: { id: string }) => k.id)).not.toContain(made.id);

    const tenantAdmin = await createKey(rt, ['admin'], 'initech');
    const refused = await rt.http.get('/v1/api-keys').query({ tenant: 'globex' }).set(bearer(tenantAdmin)).expect(403);
    expect(refused.body.error.code).toBe('forbidden');
    const mine = await rt.http.get('/v1/api-keys').query({ tenant: 'initech' }).set(bearer(tenantAdmin)).expect(200);
    expect(mine.body.items.every((k: { tenant: string }) => k.tenant === 'initech')).toBe(true);
    const bad = await rt.http.get('/v1/api-keys').query({ tenant: 'Not A Tenant' }).set(bearer(ADMIN_KEY)).expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['tenant']);
  });
});

describe('audit of keys the platform key manages for another tenant', () => {
  test("a revocation is audited in the key's tenant, where its creation was, not in the platform key's", async () => {
    // security review 2026-11-29 (finding 5): it landed in tenant default's log, visible to default's admins
    const created = (await rt.http.post('/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'crm', roles: ['ingest'], tenant: 'globex' }).expect(201)).body;
    await rt.http.delete(`/v1/api-keys/${created.id}`).set(bearer(ADMIN_KEY)).expect(204);
    const globexAdmin = await createKey(rt, ['admin'], 'globex');
    const globex = (await rt.http.get('/v1/audit').set(bearer(globexAdmin)).expect(200)).body.items as { action: string; target: string }[];
    expect(globex.filter((e) => e.target === created.id).map((e) => e.action).sort()).toEqual(['api_key.create', 'api_key.revoke']);
    const defaultAdmin = await createKey(rt, ['admin'], 'default');
    const ownLog = (await rt.http.get('/v1/audit').set(bearer(defaultAdmin)).expect(200)).body.items as { target: string }[];
    expect(ownLog.filter((e) => e.target === created.id)).toEqual([]);
  });
});
