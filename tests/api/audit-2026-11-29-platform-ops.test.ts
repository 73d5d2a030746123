import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { dropPrefix, redisUrl, stopPrivateRedis } from '../helpers/redis.js';

// QA audit 2026-11-29: the BullMQ dashboard and /metrics serve every tenant at once (the queues are
// shared; the ingest counters name every tenant's channels). A tenant's own admin key governs one
// tenant, so only the platform key (GUANDIAN_ADMIN_KEY here) may read or act on them.

let rt: TestRuntime;
let redis: string;
let tenantAdmin: string;
let defaultAdmin: string;

beforeAll(async () => {
  redis = await redisUrl();
  rt = await startRuntime({ REDIS_URL: redis }, { worker: false });
  tenantAdmin = await createKey(rt, ['admin'], 'audit-ops-a');
  // an admin key of the platform key's own tenant is still a tenant key, not the platform's
  defaultAdmin = await createKey(rt, ['admin']);
}, 60_000);

afterAll(async () => {
  await rt?.close();
  if (rt) await dropPrefix(redis, rt.config.queuePrefix);
  stopPrivateRedis();
});

const basic = (key: string) => 'Basic ' + Buffer.from(`ops:${key}`).toString('base64');

function expectForbidden(res: { status: number; body: unknown }) {
  expect(res.status).toBe(403);
  expect(res.body).toMatchObject({ error: { code: 'forbidden', message: expect.stringMatching(/platform/), details: [] } });
}

describe('queue dashboard', () => {
  test("a tenant admin key can neither pause the shared queue nor read it; the platform key can", async () => {
    const queue = rt.services.queue.bullQueue!()!;
    for (const key of [tenantAdmin, defaultAdmin]) {
      expectForbidden(await rt.http.put('/admin/queues/api/queues/documents/pause').set('Authorization', basic(key)));
      expectForbidden(await rt.http.put('/admin/queues/api/queues/pause').set(bearer(key)));
      expectForbidden(await rt.http.get('/admin/queues/api/queues').set(bearer(key)));
      expectForbidden(await rt.http.get('/admin/queues').set('Authorization', basic(key)));
    }
    expect(await queue.isPaused()).toBe(false);

    await rt.http.get('/admin/queues').set('Authorization', basic(ADMIN_KEY)).expect(200);
    await rt.http.put('/admin/queues/api/queues/documents/pause').set('Authorization', basic(ADMIN_KEY)).expect(200);
    expect(await queue.isPaused()).toBe(true);
    await rt.http.put('/admin/queues/api/queues/documents/resume').set(bearer(ADMIN_KEY)).expect(200);
    expect(await queue.isPaused()).toBe(false);
  });
});

describe('/metrics', () => {
  test("a tenant admin key gets a 403 in the standard error shape; the platform key scrapes", async () => {
    const ingest = await createKey(rt, ['ingest'], 'audit-ops-a');
    await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'secret-channel', externalId: 'ops-1', text: '网络太慢了' }).expect(202);
    for (const key of [tenantAdmin, defaultAdmin]) {
      const res = await rt.http.get('/metrics').set(bearer(key));
      expectForbidden(res);
      expect(res.text).not.toContain('secret-channel');
    }
    const page = await rt.http.get('/metrics').set(bearer(ADMIN_KEY)).expect(200);
    expect(page.text).toMatch(/guandian_documents_ingested_total\{[^}]*source="secret-channel"/);
  });
});
