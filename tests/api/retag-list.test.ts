import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi/build-openapi.js';
import { ulid } from '../../src/ids.js';
import { OpenApiConformance } from '../helpers/openapi-conformance.js';
import { ingestAndWait } from '../helpers/file-runtime.js';
import { bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// GET /v1/retag-jobs: the tenant's re-tag jobs newest first, paged, each with the progress GET /v1/retag-jobs/:id
// reports, who started it and why. Jobs are started through POST /v1/retag-jobs and run by the real worker.

let rt: TestRuntime;
let admin: string;
let adminId: string;
let otherAdmin: string;
let analyst: string;
const conformance = new OpenApiConformance(JSON.parse(JSON.stringify(buildOpenApi())) as Record<string, any>);

type Job = { id: string; status: string; total: number; done: number; failed: number; filter: Record<string, string>; createdAt: string; createdBy: string; reason: unknown };
type Page = { items: Job[]; nextCursor: string | null };

const list = async (query: string, key = admin) => {
  const res = await rt.http.get(`/v1/retag-jobs${query}`).set(bearer(key));
  if (res.status === 200) expect(conformance.problems('get', '/v1/retag-jobs', 200, res.body)).toEqual([]);
  return res;
};

async function waitJob(id: string, key = admin): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const res = await rt.http.get(`/v1/retag-jobs/${id}`).set(bearer(key)).expect(200);
    if (res.body.status === 'done') return res.body as Job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`re-tag job ${id} did not finish`);
}

async function ingest(key: string, source: string, externalId: string, text: string): Promise<string> {
  return (await ingestAndWait(rt, key, { kind: 'comment', source, externalId, text }, key)).id as string;
}

const started: { manual: string; lexicon: string; all: string; other: string } = { manual: '', lexicon: '', all: '', other: '' };

beforeAll(async () => {
  rt = await startRuntime();
  admin = await createKey(rt, ['admin'], 'rl-a');
  adminId = (await rt.http.get('/v1/me').set(bearer(admin)).expect(200)).body.id as string;
  otherAdmin = await createKey(rt, ['admin'], 'rl-b');
  analyst = await createKey(rt, ['analyst', 'labeler', 'ingest'], 'rl-a');

  const x = [];
  for (const [i, text] of ['网络很顺畅，但是App老是闪退', '客服态度很差', '外卖送得太慢了'].entries()) x.push(await ingest(admin, 'x', `rl-x-${i}`, text));
  for (const [i, text] of ['信号太差', '资费太贵了'].entries()) await ingest(admin, 'y', `rl-y-${i}`, text);
  await ingest(otherAdmin, 'x', 'rl-b-0', '物流很快');
  // A stored document with nothing left to analyze (as an older version could leave one) fails for good
  // when re-tagged: the worker's own path to a failed document.
  await rt.services.store.documents.update(x[2]!, { $set: { text: null } });

  started.manual = (await rt.http.post('/v1/retag-jobs').set(bearer(admin)).send({ channel: 'x' }).expect(202)).body.id;
  await waitJob(started.manual);
  started.lexicon = (await rt.http.post('/v1/retag-jobs').set(bearer(admin)).send({ channel: 'y', reason: 'lexicon' }).expect(202)).body.id;
  await waitJob(started.lexicon);
  started.other = (await rt.http.post('/v1/retag-jobs').set(bearer(otherAdmin)).send({}).expect(202)).body.id;
  await waitJob(started.other, otherAdmin);
}, 120_000);
afterAll(async () => rt?.close());

describe('GET /v1/retag-jobs', () => {
  test('newest first, each item as GET /v1/retag-jobs/:id reports it, with who started it and why; progress counts the failed document', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    const body = res.body as Page;
    expect(body.items.map((j) => j.id)).toEqual([started.lexicon, started.manual]);
    expect(body.nextCursor).toBeNull();
    for (const item of body.items) {
      const one = await rt.http.get(`/v1/retag-jobs/${item.id}`).set(bearer(admin)).expect(200);
      expect(conformance.problems('get', '/v1/retag-jobs/{id}', 200, one.body)).toEqual([]);
      expect(item).toEqual(one.body);
    }
    const [lexicon, manual] = body.items;
    expect(manual).toMatchObject({ status: 'done', total: 3, done: 3, failed: 1, filter: { channel: 'x' }, createdBy: adminId, reason: { kind: 'manual', version: null, previous: null } });
    expect(lexicon).toMatchObject({ status: 'done', total: 2, done: 2, failed: 0, filter: { channel: 'y' }, createdBy: adminId, reason: { kind: 'lexicon', version: null, previous: null } });
    expect(Date.parse(manual!.createdAt)).toBeLessThanOrEqual(Date.parse(lexicon!.createdAt));
  });

  test('a later job over the same documents lists first; the earlier one stays done with its numbers', async () => {
    started.all = (await rt.http.post('/v1/retag-jobs').set(bearer(admin)).send({}).expect(202)).body.id;
    // while it runs (or once done) it is listed first, with the progress its own endpoint reports
    const first = ((await list('')).body as Page).items[0]!;
    expect(first).toMatchObject({ id: started.all, total: 5, createdBy: adminId, reason: { kind: 'manual' } });
    expect(first.done).toBeLessThanOrEqual(5);
    expect(await waitJob(started.all)).toMatchObject({ status: 'done', total: 5, done: 5, failed: 1 });
    const items = ((await list('')).body as Page).items;
    expect(items.map((j) => j.id)).toEqual([started.all, started.lexicon, started.manual]);
    expect(items[0]).toMatchObject({ status: 'done', total: 5, done: 5, failed: 1 });
    // the documents moved to the newer job: the earlier ones are done, none of theirs left pending
    expect(items[2]).toMatchObject({ status: 'done', total: 3, done: 3, failed: 0 });
  });

  test('pages with limit and cursor like the other lists; the pages together are the whole list', async () => {
    const all = ((await list('?limit=1000')).body as Page).items.map((j) => j.id);
    expect(all).toHaveLength(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = res.body as Page;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor;
      if (cursor === null) break;
      expect(cursor).toBe(page.items[page.items.length - 1]!.id);
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual(all);
    expect(((await list('?limit=3')).body as Page).nextCursor).toBeNull();
    expect(((await list('?limit=2')).body as Page).nextCursor).toBe(all[1]);
  });

  test('status keeps the jobs whose status is that now; a job still marking is running; a record from before reasons lists with reason null', async () => {
    // Stored as a job whose marking process holds it for the next hour (nothing marked yet), and one as
    // jobs were stored before reasons were kept: no reason, no marking.
    const now = Date.now();
    const running = { _id: ulid(now + 3_600_000), tenant: 'rl-a', filter: { kind: 'survey' }, total: 0, createdBy: adminId, createdAt: new Date(now), reason: { kind: 'manual' as const }, marking: { after: '', until: new Date(now + 3_600_000) } };
    const old = { _id: ulid(Date.parse('2026-11-01T00:00:00Z')), tenant: 'rl-a', filter: {}, total: 0, createdBy: 'k-old', createdAt: new Date('2026-11-01T00:00:00Z') };
    await rt.services.store.retagJobs.insert(running);
    await rt.services.store.retagJobs.insert(old);

    const everything = ((await list('')).body as Page).items;
    expect(everything.map((j) => j.id)).toEqual([running._id, started.all, started.lexicon, started.manual, old._id]);
    expect(everything[0]).toMatchObject({ status: 'running', total: 0, done: 0, reason: { kind: 'manual' } });
    expect(everything[4]).toEqual({ id: old._id, status: 'done', total: 0, done: 0, failed: 0, filter: {}, createdAt: '2026-11-01T00:00:00.000Z', createdBy: 'k-old', reason: null });

    expect(((await list('?status=running')).body as Page)).toEqual({ items: [everything[0]], nextCursor: null });
    const done = ((await list('?status=done')).body as Page).items.map((j) => j.id);
    expect(done).toEqual([started.all, started.lexicon, started.manual, old._id]);
    // filtered pages page on from the last item shown, and end with a null cursor
    const p1 = (await list('?status=done&limit=3')).body as Page;
    expect(p1.items.map((j) => j.id)).toEqual(done.slice(0, 3));
    expect(p1.nextCursor).toBe(done[2]);
    const p2 = (await list(`?status=done&limit=3&cursor=${p1.nextCursor}`)).body as Page;
    expect(p2).toMatchObject({ items: [{ id: old._id }], nextCursor: null });
    expect(((await list('?status=running&limit=1')).body as Page).nextCursor).toBeNull();

    await rt.services.store.retagJobs.markingDone(running._id);
  });

  test('tenant-scoped: each admin sees only its tenant\'s jobs', async () => {
    const b = ((await list('', otherAdmin)).body as Page).items;
    expect(b.map((j) => j.id)).toEqual([started.other]);
    expect(b[0]).toMatchObject({ status: 'done', total: 1, done: 1, failed: 0, reason: { kind: 'manual' } });
    const a = ((await list('?limit=1000')).body as Page).items.map((j) => j.id);
    expect(a).not.toContain(started.other);
    // a cursor naming another tenant's job pages this tenant's jobs from that point, nothing of the other's
    const fromOther = ((await list(`?cursor=${started.other}`, admin)).body as Page).items.map((j) => j.id);
    expect(fromOther).not.toContain(started.other);
    await rt.http.get(`/v1/retag-jobs/${started.other}`).set(bearer(admin)).expect(404);
  });

  test('admins only: another role is a 403, no key a 401', async () => {
    const res = await list('', analyst);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    await rt.http.get('/v1/retag-jobs').expect(401);
  });

  test.each([
    ['?limit=0', 'limit'],
    ['?limit=1001', 'limit'],
    ['?limit=ten', 'limit'],
    ['?status=failed', 'status'],
    ['?status=running&status=done', 'status'],
    ['?cursor=zzz', 'cursor'],
    [`?cursor=${ulid()}%00`, 'cursor'],
    ['?channel=x', 'channel'],
    ['?limit=5&sort=asc', 'sort'],
  ])('%s is a 400 naming %s', async (query, field) => {
    const res = await list(query);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(conformance.problems('get', '/v1/retag-jobs', 400, res.body)).toEqual([]);
  });

  test('POST /v1/retag-jobs takes reason manual or lexicon only; a promotion is the switch\'s to name', async () => {
    const res = await rt.http.post('/v1/retag-jobs').set(bearer(admin)).send({ channel: 'none', reason: 'promote' }).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['reason']);
    // the promote body (ModelSwitchDto) does not take it
    const sw = await rt.http.post('/v1/models/rollback').set(bearer(admin)).send({ reason: 'lexicon' }).expect(400);
    expect(JSON.stringify(sw.body.error.details)).toContain('reason');
  });
});
