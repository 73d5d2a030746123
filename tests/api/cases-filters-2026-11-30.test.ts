import { expect, test } from 'vitest';
import { bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { ingest, useActionsRuntime, waitDone } from '../actions/setup.js';

let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

// GET /v1/cases?status=resolved&overdue=true answered an empty page: only an open case can be overdue, so
// the pair matches nothing whatever the data, and a caller read "no resolved case was late".
test('overdue=true with status=resolved is a 400 naming overdue; the pairs that can match still answer', async () => {
  const key = await createKey(rt, ['ingest', 'analyst'], 'cases-filters');
  const id = await ingest(rt, key, 'cf-1', '客服态度太差了');
  await waitDone(rt, [id]);
  const res = await rt.http.get('/v1/cases?status=resolved&overdue=true').set(bearer(key)).expect(400);
  expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'overdue' }] });
  expect(res.body.error.message).toMatch(/only open cases can be overdue/);

  expect((await rt.http.get('/v1/cases?status=open&overdue=false').set(bearer(key)).expect(200)).body.items.map((c: any) => c.documentId)).toEqual([id]);
  expect((await rt.http.get('/v1/cases?status=open&overdue=true').set(bearer(key)).expect(200)).body.items).toEqual([]);
  await rt.http.post(`/v1/cases/${id}/resolve`).set(bearer(key)).expect(200);
  expect((await rt.http.get('/v1/cases?status=resolved&overdue=false').set(bearer(key)).expect(200)).body.items.map((c: any) => c.documentId)).toEqual([id]);
});
