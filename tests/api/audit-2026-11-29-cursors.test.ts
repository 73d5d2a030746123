import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// QA audit 2026-11-29: the labeling queue's cursor was an offset (reviewing a document on page 1
// made another fall between pages; zzz or %00 gave page 1; a huge number loaded that many
// documents), and GET /v1/audit compared any cursor as a string. Both now refuse what is not one
// of their cursors, as every other list does, and the queue pages by keyset.

let rt: TestRuntime;
let key: string;

const TEXTS = [
  '网络很慢，经常断线',
  '客服态度很差，等了很久',
  '资费太贵了，套餐也不划算',
  '信号太差了，电话都打不通',
  'App老是闪退，很难用',
  '宽带经常掉线，修了也没用',
  '营业厅服务很差',
  '话费扣得莫名其妙，太坑了',
];

beforeAll(async () => {
  rt = await startRuntime();
  key = await createKey(rt, ['ingest', 'labeler', 'admin'], 'cursor-audit');
  for (const [i, text] of TEXTS.entries()) {
    const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: `cur-${i}`, text }).expect(202);
    await waitForStatus(rt, res.body.id, key);
  }
}, 120_000);
afterAll(async () => rt.close());

const queue = (query: string) => rt.http.get(`/v1/labeling/queue${query}`).set(bearer(key));
const ids = (body: { items: { id: string }[] }) => body.items.map((d) => d.id);

function expectBadCursor(res: { status: number; body: any }) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'cursor is not valid; pass the nextCursor of a previous page', details: [{ field: 'cursor' }] });
}

describe('GET /v1/labeling/queue', () => {
  test('reviewing documents on a page does not make later ones skip the next page', async () => {
    const all = ids((await queue('?limit=1000').expect(200)).body);
    expect(all.length).toBe(TEXTS.length);
    const first = (await queue('?limit=3').expect(200)).body;
    expect(ids(first)).toEqual(all.slice(0, 3));
    // the labeler works through page 1 before asking for page 2
    for (const id of ids(first).slice(0, 2)) {
      await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).send({ actions: [{ op: 'accept' }] }).expect(200);
    }
    const second = (await queue(`?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`).expect(200)).body;
    expect(ids(second)).toEqual(all.slice(3, 6));
    const third = (await queue(`?limit=3&cursor=${encodeURIComponent(second.nextCursor)}`).expect(200)).body;
    expect(ids(third)).toEqual(all.slice(6));
    expect(third.nextCursor).toBeNull();
  });

  test('a cursor that is not one of its own is a 400 naming cursor', async () => {
    for (const cursor of ['zzz', '%00', '999999999', '20']) expectBadCursor(await queue(`?cursor=${cursor}`));
    // another list's cursor is not the queue's
    const docs = (await rt.http.get('/v1/documents?limit=1').set(bearer(key)).expect(200)).body;
    expect(docs.nextCursor).toEqual(expect.any(String));
    expectBadCursor(await queue(`?cursor=${encodeURIComponent(docs.nextCursor)}`));
  });
});

describe('GET /v1/audit', () => {
  test('pages with the nextCursor it gives', async () => {
    const first = (await rt.http.get('/v1/audit?limit=2').set(bearer(key)).expect(200)).body;
    expect(first.items).toHaveLength(2);
    const next = (await rt.http.get(`/v1/audit?limit=2&cursor=${first.nextCursor}`).set(bearer(key)).expect(200)).body;
    expect(next.items.length).toBeGreaterThan(0);
    expect(next.items[0].id < first.items[1].id).toBe(true);
  });

  test('a cursor that is not an audit entry id is a 400 naming cursor', async () => {
    for (const cursor of ['zzz', '%00', '0', encodeURIComponent('01ARZ3NDEKTSV4RRFFQ69G5FA\u0000')]) {
      expectBadCursor(await rt.http.get(`/v1/audit?cursor=${cursor}`).set(bearer(key)));
    }
  });
});
