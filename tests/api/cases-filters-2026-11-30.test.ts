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

// The console's case list showed what each case is about by fetching every document of the page (50 requests).
test('a case carries an excerpt: the customer\'s own words, cut after 60 characters with …', async () => {
  const key = await createKey(rt, ['ingest', 'analyst'], 'cases-excerpt');
  const long = `${'宽带三天两头断网，'.repeat(8)}客服一直推脱不给修`;
  const callId = await ingest(rt, key, 'cx-call', '', {
    kind: 'transcript',
    source: 'call',
    text: undefined,
    turns: [
      { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
      { speaker: 'customer', text: '手机银行转账一直失败，' },
      { speaker: 'agent', text: '请您稍等，我帮您查询。' },
      { speaker: 'customer', text: '等了半小时还没人处理，太失望了' },
    ],
  });
  const longId = await ingest(rt, key, 'cx-long', long);
  await waitDone(rt, [callId, longId]);
  const items = (await rt.http.get('/v1/cases').set(bearer(key)).expect(200)).body.items as { documentId: string; excerpt: string }[];
  const excerpt = (id: string) => items.find((c) => c.documentId === id)?.excerpt;
  // the agent's turns are not the customer's words
  expect(excerpt(callId)).toBe('手机银行转账一直失败， 等了半小时还没人处理，太失望了');
  expect(excerpt(longId)).toBe(`${[...long].slice(0, 60).join('')}…`);
});
