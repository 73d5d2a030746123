import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// Every route × every role × own/other tenant. Function-level: a role outside the route's list gets
// 403. Object-level: an id from another tenant is a 404, indistinguishable from a missing one.

type Role = 'ingest' | 'analyst' | 'labeler' | 'admin';
const ROLES: Role[] = ['ingest', 'analyst', 'labeler', 'admin'];

let rt: TestRuntime;
const keys: Record<'A' | 'B', Record<Role, string>> = { A: {} as Record<Role, string>, B: {} as Record<Role, string> };
let docA: string;
let tagA: string;
let keyIdA: string;
let jobA: string;

beforeAll(async () => {
  rt = await startRuntime({ RATE_LIMIT_PER_MINUTE: '100000' });
  for (const role of ROLES) {
    keys.A[role] = await createKey(rt, [role], 'tenant-a');
    keys.B[role] = await createKey(rt, [role], 'tenant-b');
  }
  const created = await rt.http
    .post('/v1/documents')
    .set(bearer(keys.A.ingest))
    .send({ kind: 'comment', source: 'app', externalId: 'm-1', customerId: 'cust-a', text: '客服态度很差，排队太久了' })
    .expect(202);
  docA = created.body.id;
  const doc = await waitForStatus(rt, docA, keys.A.admin);
  tagA = doc.tags[0].id;
  keyIdA = /^gdk_([^_]+)_/.exec(keys.A.analyst)![1]!;
  // a correction to learn from: with none, training is refused up front (409 nothing_to_learn)
  await rt.http.patch(`/v1/tags/${tagA}`).set(bearer(keys.A.labeler)).send({ category: 'efficiency' }).expect(200);
  jobA = (await rt.http.post('/v1/models/train').set(bearer(keys.A.admin)).send({}).expect(202)).body.id;
});
afterAll(async () => rt.close());

interface Route {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: () => string;
  roles: Role[];
  body?: () => object;
  /** Route names an object of tenant A: tenant B must get 404. */
  object?: boolean;
}

let n = 0;
const ROUTES: Route[] = [
  { method: 'post', path: () => '/v1/documents', roles: ['ingest'], body: () => ({ kind: 'comment', source: 'app', externalId: `mx-${++n}`, text: '很好' }) },
  { method: 'post', path: () => '/v1/documents/batch', roles: ['ingest'], body: () => ({ documents: [{ kind: 'comment', source: 'app', externalId: `mb-${++n}`, text: '很好' }] }) },
  { method: 'get', path: () => '/v1/documents', roles: ['analyst', 'labeler'] },
  { method: 'get', path: () => `/v1/documents/${docA}`, roles: ['analyst', 'labeler'], object: true },
  { method: 'post', path: () => `/v1/documents/${docA}/corrections`, roles: ['labeler'], body: () => ({ actions: [{ op: 'accept' }] }), object: true },
  { method: 'patch', path: () => `/v1/tags/${tagA}`, roles: ['labeler'], body: () => ({ category: 'service_attitude' }), object: true },
  { method: 'get', path: () => '/v1/tags', roles: ['analyst', 'labeler'] },
  { method: 'get', path: () => '/v1/tags/export?format=jsonl', roles: ['analyst', 'labeler'] },
  { method: 'get', path: () => '/v1/stats/summary', roles: ['analyst', 'labeler'] },
  { method: 'get', path: () => '/v1/labeling/queue', roles: ['labeler'] },
  { method: 'get', path: () => '/v1/corrections/export', roles: ['labeler'] },
  { method: 'get', path: () => '/v1/taxonomy', roles: ['analyst', 'labeler'] },
  { method: 'get', path: () => '/v1/taxonomy/suggestions', roles: ['admin'] },
  { method: 'get', path: () => '/v1/me', roles: ['ingest', 'analyst', 'labeler', 'admin'] },
  { method: 'get', path: () => '/v1/api-keys', roles: ['admin'] },
  { method: 'post', path: () => '/v1/api-keys', roles: ['admin'], body: () => ({ name: 'm', roles: ['ingest'] }) },
  { method: 'get', path: () => '/v1/audit', roles: ['admin'] },
  { method: 'get', path: () => '/v1/tenant/settings', roles: ['admin'] },
  { method: 'put', path: () => '/v1/tenant/settings', roles: ['admin'], body: () => ({ piiPolicy: 'mask' }) },
  { method: 'post', path: () => `/v1/documents/${docA}/retry`, roles: ['admin'], object: true },
  { method: 'post', path: () => '/v1/retag-jobs', roles: ['admin'], body: () => ({ channel: 'none' }) },
  { method: 'get', path: () => '/v1/retag-jobs', roles: ['admin'] },
  { method: 'post', path: () => '/v1/models/train', roles: ['admin'], body: () => ({}) },
  { method: 'get', path: () => `/v1/models/jobs/${encodeURIComponent(jobA)}`, roles: ['admin'], object: true },
  { method: 'get', path: () => '/v1/models', roles: ['analyst', 'labeler'] },
  // Last: these delete things other rows need.
  { method: 'delete', path: () => `/v1/api-keys/${keyIdA}`, roles: ['admin'], object: true },
  { method: 'delete', path: () => '/v1/customers/nobody', roles: ['admin'] },
];

describe.each(ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path().replace(/[0-9A-Z]{26}|[0-9a-f]{24}/g, ':id')}`, r] as const))('%s', (_name, route) => {
  const call = (key: string) => {
    const req = rt.http[route.method](route.path()).set(bearer(key));
    return route.body ? req.send(route.body()) : req;
  };

  test.each(ROLES)('role %s', async (role) => {
    if (route.method === 'delete' && route.object && role === 'admin') return; // exercised once below
    const res = await call(keys.A[role]);
    if (route.roles.includes(role) || role === 'admin') {
      expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBeLessThan(400);
    } else {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  if (route.object) {
    test("another tenant's id is a 404", async () => {
      const role = route.roles.includes('admin') ? 'admin' : route.roles[0]!;
      const res = await call(keys.B[role]);
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  }

  test('no key is a 401', async () => {
    const req = rt.http[route.method](route.path());
    const res = route.body ? await req.send(route.body()) : await req;
    expect(res.status).toBe(401);
  });
});

describe('the object-level delete, done once by its owner', () => {
  test('tenant A admin revokes its own key', async () => {
    await rt.http.delete(`/v1/api-keys/${keyIdA}`).set(bearer(keys.A.admin)).expect(204);
    await rt.http.get('/v1/tags').set(bearer(keys.A.analyst)).expect(401);
  });
});

describe('headers and hardening', () => {
  test('helmet headers are set, no CORS, no x-powered-by', async () => {
    const res = await rt.http.get('/v1/me').set(bearer(ADMIN_KEY)).set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  test('a caller X-Request-Id is echoed', async () => {
    const res = await rt.http.get('/healthz').set('X-Request-Id', 'crm-batch-42').expect(200);
    expect(res.headers['x-request-id']).toBe('crm-batch-42');
  });
});

describe('Idempotency-Key', () => {
  test('same key + same body replays the response; same key + different body is a 422', async () => {
    const body = { kind: 'comment', source: 'app', externalId: 'idem-1', text: '网速太慢' };
    const first = await rt.http.post('/v1/documents').set(bearer(keys.A.ingest)).set('Idempotency-Key', 'k-1').send(body).expect(202);
    const again = await rt.http.post('/v1/documents').set(bearer(keys.A.ingest)).set('Idempotency-Key', 'k-1').send(body).expect(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await rt.http.post('/v1/documents').set(bearer(keys.A.ingest)).set('Idempotency-Key', 'k-1').send({ ...body, text: '网速很快' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    // Without the header the externalId rule still applies: 200 duplicate.
    await rt.http.post('/v1/documents').set(bearer(keys.A.ingest)).send(body).expect(200);
  });

  test('a retry that re-serialises the body with its keys in another order is the same request', async () => {
    const body = { kind: 'comment', source: 'app', externalId: 'idem-2', text: '信号很差', metadata: { ticket: 'T-1', appVersion: '9.1' } };
    const first = await rt.http.post('/v1/documents').set(bearer(keys.A.ingest)).set('Idempotency-Key', 'k-2').send(body).expect(202);
    const reordered = { metadata: { appVersion: '9.1', ticket: 'T-1' }, text: body.text, externalId: body.externalId, source: body.source, kind: body.kind };
    const again = await rt.http.post('/v1/documents').set(bearer(keys.A.ingest)).set('Idempotency-Key', 'k-2').send(reordered).expect(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });
});

describe('rate limit', () => {
  test('over the per-key budget is a 429 with Retry-After', async () => {
    const limited = await startRuntime({ RATE_LIMIT_PER_MINUTE: '5' }, { worker: false });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await limited.http.get('/v1/me').set(bearer(ADMIN_KEY))).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const res = await limited.http.get('/v1/me').set(bearer(ADMIN_KEY));
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body.error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });
});

describe('metrics', () => {
  test('/metrics needs an admin key and exposes request, ingest, job, analyzer and tag series', async () => {
    await rt.http.get('/metrics').expect(401);
    await rt.http.get('/metrics').set(bearer(keys.A.analyst)).expect((r) => expect([401, 403]).toContain(r.status));
    const res = await rt.http.get('/metrics').set(bearer(ADMIN_KEY)).expect(200);
    for (const name of [
      'guandian_http_requests_total',
      'guandian_http_request_duration_seconds',
      'guandian_documents_ingested_total{kind="comment",source="app"}',
      'guandian_job_duration_seconds',
      'guandian_analyzer_latency_seconds',
      'guandian_analyzer_batch_size',
      'guandian_tags_written_total',
      'guandian_queue_jobs{state="waiting"}',
      'guandian_process_resident_memory_bytes',
    ]) {
      expect(res.text).toContain(name);
    }
    expect(res.text).toMatch(/guandian_http_requests_total\{method="POST",route="\/v1\/documents",status="202"\} \d+/);
  });
});
