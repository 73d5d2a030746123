import { beforeAll, describe, expect, test } from 'vitest';
import { bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { ingest, useActionsRuntime, waitDone } from '../actions/setup.js';

// Cases had a team but no person: nobody could say who of the team was on a complaint, nor list what was
// still unclaimed. PATCH /v1/cases/:id sets an assignee; GET /v1/cases?assignee= filters on it.
let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

const TENANT = 'cases-assignee';
const table = {
  entries: [
    { categories: ['account_security'], team: 'risk', slaHours: 2 },
    { categories: ['network'], team: 'network-ops', slaHours: 8 },
  ],
  defaultTeam: 'care',
  defaultSlaHours: 24,
};

describe('case assignee', () => {
  let key: string;
  let a: string;
  let b: string;
  const caseOf = async (id: string) => ((await rt.http.get('/v1/cases?limit=100').set(bearer(key)).expect(200)).body.items as Record<string, any>[]).find((c) => c.documentId === id);
  const listed = async (query: string) => ((await rt.http.get(`/v1/cases?${query}`).set(bearer(key)).expect(200)).body.items as { documentId: string }[]).map((c) => c.documentId).sort();
  const audits = async (id: string) =>
    ((await rt.http.get('/v1/audit?action=case.assign&limit=1000').set(bearer(key)).expect(200)).body.items as { target: string; details: Record<string, unknown> }[]).filter(
      (e) => e.target === id,
    );

  beforeAll(async () => {
    key = await createKey(rt, ['admin', 'ingest', 'analyst', 'labeler'], TENANT);
    await rt.http.put('/v1/routing').set(bearer(key)).send(table).expect(200);
    a = await ingest(rt, key, 'as-1', '网络信号太差，经常断网');
    b = await ingest(rt, key, 'as-2', '客服态度太差了');
    await waitDone(rt, [a, b]);
  });

  test('set (trimmed), shown, filtered, unassigned with null, audited once per change', async () => {
    expect(await caseOf(a)).toMatchObject({ assignee: null });
    const set = await rt.http.patch(`/v1/cases/${a}`).set(bearer(key)).send({ assignee: '  王小明 (wxm-07)  ' }).expect(200);
    expect(set.body).toMatchObject({ documentId: a, team: 'network-ops', assignee: '王小明 (wxm-07)' });
    expect(await caseOf(a)).toMatchObject({ assignee: '王小明 (wxm-07)' });

    expect(await listed(`assignee=${encodeURIComponent('王小明 (wxm-07)')}`)).toEqual([a]);
    expect(await listed(`assignee=${encodeURIComponent(' 王小明 (wxm-07) ')}`)).toEqual([a]);
    expect(await listed('assignee=none')).toEqual([b]);
    expect(await listed('assignee=NONE&team=network-ops')).toEqual([]);
    expect(await listed('assignee=somebody')).toEqual([]);

    // the same name again changes nothing and logs nothing
    await rt.http.patch(`/v1/cases/${a}`).set(bearer(key)).send({ assignee: '王小明 (wxm-07)' }).expect(200);
    expect((await audits(a)).map((e) => e.details)).toEqual([{ assignee: '王小明 (wxm-07)', previous: null }]);

    const cleared = await rt.http.patch(`/v1/cases/${a}`).set(bearer(key)).send({ assignee: null }).expect(200);
    expect(cleared.body.assignee).toBeNull();
    expect(await listed('assignee=none')).toEqual([a, b].sort());
    expect((await audits(a)).map((e) => e.details)).toEqual(
      expect.arrayContaining([
        { assignee: '王小明 (wxm-07)', previous: null },
        { assignee: null, previous: '王小明 (wxm-07)' },
      ]),
    );
    expect(await audits(a)).toHaveLength(2);
  });

  test('refusals name the field', async () => {
    const refused = async (body: unknown, field: string) => {
      const res = await rt.http.patch(`/v1/cases/${b}`).set(bearer(key)).send(body as object).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field), JSON.stringify(body)).toContain(field);
    };
    await refused({ assignee: '   ' }, 'assignee');
    await refused({ assignee: 'x'.repeat(101) }, 'assignee');
    await refused({ assignee: 42 }, 'assignee');
    await refused({ assignee: '张三\n李四' }, 'assignee');
    await refused({ assignee: 'none' }, 'assignee');
    await refused({ assignee: ' None ' }, 'assignee');
    await refused({}, '(body)');
    await refused({ assignee: 'x', team: 'risk' }, 'team');
    // 100 characters once trimmed is fine
    expect((await rt.http.patch(`/v1/cases/${b}`).set(bearer(key)).send({ assignee: ` ${'李'.repeat(100)} ` }).expect(200)).body.assignee).toBe('李'.repeat(100));
    const q = await rt.http.get(`/v1/cases?assignee=${'x'.repeat(101)}`).set(bearer(key)).expect(400);
    expect(q.body.error.details[0].field).toBe('assignee');
    await rt.http.patch(`/v1/cases/${b}`).set(bearer(key)).send({ assignee: null }).expect(200);
  });

  test('roles, unknown cases and other tenants', async () => {
    const ingestOnly = await createKey(rt, ['ingest'], TENANT);
    await rt.http.patch(`/v1/cases/${a}`).set(bearer(ingestOnly)).send({ assignee: 'x' }).expect(403);
    const labeler = await createKey(rt, ['labeler'], TENANT);
    await rt.http.patch(`/v1/cases/${a}`).set(bearer(labeler)).send({ assignee: 'lab-1' }).expect(200);
    const other = await createKey(rt, ['analyst'], 'cases-assignee-other');
    await rt.http.patch(`/v1/cases/${a}`).set(bearer(other)).send({ assignee: 'x' }).expect(404);
    const positive = await ingest(rt, key, 'as-3', '网络很顺畅，速度很快');
    await waitDone(rt, [positive]);
    await rt.http.patch(`/v1/cases/${positive}`).set(bearer(key)).send({ assignee: 'x' }).expect(404);
    expect((await caseOf(a))!.assignee).toBe('lab-1');
  });

  test('the assignee stays while the case stays with its team, and goes when it moves to another team', async () => {
    const id = await ingest(rt, key, 'as-4', '网络信号太差');
    await waitDone(rt, [id]);
    expect(await caseOf(id)).toMatchObject({ team: 'network-ops' });
    await rt.http.patch(`/v1/cases/${id}`).set(bearer(key)).send({ assignee: 'ops-li' }).expect(200);
    const negative = ((await rt.http.get(`/v1/documents/${id}`).set(bearer(key)).expect(200)).body.tags as { id: string; polarity: string }[]).filter((t) => t.polarity === 'negative');
    expect(negative).toHaveLength(1);

    // a correction that keeps the team (the aspect renamed) keeps the person
    await rt.http.patch(`/v1/tags/${negative[0]!.id}`).set(bearer(key)).send({ aspect: '网速' }).expect(200);
    expect(await caseOf(id)).toMatchObject({ team: 'network-ops', assignee: 'ops-li' });

    // no complaint left, then the correction undone: back with its team, back with its person
    for (const t of negative) await rt.http.patch(`/v1/tags/${t.id}`).set(bearer(key)).send({ polarity: 'positive' }).expect(200);
    expect(await caseOf(id)).toBeUndefined();
    for (const t of negative) await rt.http.post(`/v1/documents/${id}/corrections/revert`).set(bearer(key)).send({ tagId: t.id }).expect(200);
    expect(await caseOf(id)).toMatchObject({ team: 'network-ops', assignee: 'ops-li' });

    // a labeler finds it is an account security complaint: risk's case now, nobody of risk on it yet
    for (const t of negative) await rt.http.patch(`/v1/tags/${t.id}`).set(bearer(key)).send({ category: 'account_security' }).expect(200);
    expect(await caseOf(id)).toMatchObject({ team: 'risk', assignee: null });
    expect(await listed('assignee=ops-li')).toEqual([]);
  });
});
