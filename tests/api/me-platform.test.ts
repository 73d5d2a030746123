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
