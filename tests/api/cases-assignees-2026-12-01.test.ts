import { beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, type TestRuntime } from '../helpers/runtime.js';
import { ingest, useActionsRuntime, waitDone } from '../actions/setup.js';

// Whom a case can go to: the console offered the tenant's people only to admins, from GET /v1/api-keys, which
// is an admin's; the analysts and labelers who assign most cases typed names from memory.
let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

const TENANT = 'cases-assignees';
const named = async (name: string, roles: string[], tenant = TENANT) =>
  (await rt.http.post('/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name, roles, tenant }).expect(201)).body as { id: string; key: string };

describe('GET /v1/cases/assignees', () => {
  let analyst: string;
  let labeler: string;
  let ingestKey: string;
  let docs: string[];

  beforeAll(async () => {
    analyst = (await named('王芳', ['analyst'])).key;
    labeler = (await named('李强', ['labeler'])).key;
    await named('张伟', ['admin']);
    ingestKey = (await named('CRM 推送', ['ingest'])).key;
    const gone = await named('赵敏', ['analyst']);
    await rt.http.delete(`/v1/api-keys/${gone.id}`).set(bearer(ADMIN_KEY)).expect(204);
    // another tenant's people are not this tenant's
    await named('陈静', ['analyst'], 'cases-assignees-other');
    docs = [await ingest(rt, ingestKey, 'ca-1', '网络信号太差，经常断网'), await ingest(rt, ingestKey, 'ca-2', '客服态度太差了'), await ingest(rt, ingestKey, 'ca-3', '退款一直不到账')];
    await waitDone(rt, docs);
  });

  test("lists the tenant's people's keys and whoever holds open cases, with the count each holds, to analysts and labelers", async () => {
    await rt.http.patch(`/v1/cases/${docs[0]}`).set(bearer(analyst)).send({ assignee: '王芳' }).expect(200);
    await rt.http.patch(`/v1/cases/${docs[1]}`).set(bearer(analyst)).send({ assignee: '王芳' }).expect(200);
    // a person without a key of their own, named by whoever assigned them
    await rt.http.patch(`/v1/cases/${docs[2]}`).set(bearer(labeler)).send({ assignee: '外包-小刘' }).expect(200);

    for (const key of [analyst, labeler]) {
      const res = await rt.http.get('/v1/cases/assignees').set(bearer(key)).expect(200);
      expect(res.body.items).toEqual([
        // in pinyin order: li, wai, wang, zhang
        { name: '李强', openCases: 0 },
        { name: '外包-小刘', openCases: 1 },
        { name: '王芳', openCases: 2 },
        { name: '张伟', openCases: 0 },
      ]);
    }

    // a resolved case is no longer held
    await rt.http.post(`/v1/cases/${docs[1]}/resolve`).set(bearer(analyst)).expect(200);
    await rt.http.patch(`/v1/cases/${docs[2]}`).set(bearer(analyst)).send({ assignee: null }).expect(200);
    const after = await rt.http.get('/v1/cases/assignees').set(bearer(analyst)).expect(200);
    expect(after.body.items).toContainEqual({ name: '王芳', openCases: 1 });
    expect(after.body.items.map((p: { name: string }) => p.name)).not.toContain('外包-小刘');
  });

  test('an ingest-only key may not read it, and it takes no query', async () => {
    await rt.http.get('/v1/cases/assignees').set(bearer(ingestKey)).expect(403);
    const res = await rt.http.get('/v1/cases/assignees?team=care').set(bearer(analyst)).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['team']);
  });
});
