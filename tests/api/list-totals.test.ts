import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// withTotal=true adds `total` — every row the filters match, whatever page is asked for — to the tag
// feed, the document list and the labeling queue, so the console can say "共 N 条" instead of "more remain".
// Without it the response has no total (a scroller's every page would otherwise pay for a count).

let rt: TestRuntime;
let analyst: string;
let labeler: string;
let ingest: string;
const docs: string[] = [];

const TEXTS = [
  '客服态度很差，等了两个小时还没人处理',
  '网络信号太差，经常断网',
  '信用卡年费太贵了，客服还推脱',
  '外卖送得很快，味道也不错',
  '酒店房间很干净，前台服务热情',
];

beforeAll(async () => {
  rt = await startRuntime();
  analyst = await createKey(rt, ['analyst']);
  labeler = await createKey(rt, ['labeler']);
  ingest = await createKey(rt, ['ingest']);
  for (const [i, text] of TEXTS.entries()) {
    const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'totals', externalId: `t-${i}`, text }).expect(202);
    docs.push(res.body.id as string);
  }
  for (const id of docs) await waitForStatus(rt, id);
});
afterAll(async () => rt.close());

type PageBody = { items: { id: string }[]; nextCursor: string | null; total?: number };

async function walk(path: string, key: string, query: Record<string, string | number>): Promise<{ pages: PageBody[]; ids: string[] }> {
  const pages: PageBody[] = [];
  let cursor: string | null = null;
  do {
    const res: { body: PageBody } = await rt.http
      .get(path)
      .query({ ...query, ...(cursor ? { cursor } : {}) })
      .set(bearer(key))
      .expect(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor);
  return { pages, ids: pages.flatMap((p) => p.items.map((i) => i.id)) };
}

describe('list totals', () => {
  test('tags: total counts every matching tag on every page, and follows the filters', async () => {
    const all = await walk('/v1/tags', analyst, { channel: 'totals', limit: 2, withTotal: 'true' });
    expect(all.ids.length).toBeGreaterThan(2);
    for (const p of all.pages) expect(p.total).toBe(all.ids.length);

    const negative = await walk('/v1/tags', analyst, { channel: 'totals', polarity: 'negative', limit: 1, withTotal: 'true' });
    expect(negative.ids.length).toBeGreaterThan(0);
    expect(negative.ids.length).toBeLessThan(all.ids.length);
    for (const p of negative.pages) expect(p.total).toBe(negative.ids.length);

    const none = await walk('/v1/tags', analyst, { channel: 'no-such-channel', withTotal: 'true' });
    expect(none.pages).toEqual([{ items: [], nextCursor: null, total: 0 }]);
  });

  test('without withTotal (or with false) there is no total', async () => {
    const plain = await rt.http.get('/v1/tags').query({ channel: 'totals' }).set(bearer(analyst)).expect(200);
    expect(plain.body).not.toHaveProperty('total');
    const off = await rt.http.get('/v1/tags').query({ channel: 'totals', withTotal: 'false' }).set(bearer(analyst)).expect(200);
    expect(off.body).not.toHaveProperty('total');
  });

  test('documents: total follows status, channel and q', async () => {
    const all = await walk('/v1/documents', analyst, { channel: 'totals', limit: 2, withTotal: 'true' });
    expect(all.ids.sort()).toEqual([...docs].sort());
    for (const p of all.pages) expect(p.total).toBe(TEXTS.length);
    const q = await walk('/v1/documents', analyst, { channel: 'totals', q: '客服', withTotal: 'true' });
    expect(q.ids.length).toBe(2);
    expect(q.pages[0]!.total).toBe(2);
  });

  test('labeling queue: total is the unreviewed tagged documents and drops as one is accepted', async () => {
    const before = await walk('/v1/labeling/queue', labeler, { limit: 2, withTotal: 'true' });
    expect(before.ids.length).toBeGreaterThan(0);
    for (const p of before.pages) expect(p.total).toBe(before.ids.length);

    await rt.http.post(`/v1/documents/${before.ids[0]}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'accept' }] }).expect(200);
    const after = await rt.http.get('/v1/labeling/queue').query({ withTotal: 'true' }).set(bearer(labeler)).expect(200);
    expect(after.body.total).toBe(before.ids.length - 1);
  });

  test('a withTotal that is not true or false is a 400 naming it', async () => {
    for (const path of ['/v1/tags', '/v1/documents']) {
      const res = await rt.http.get(path).query({ withTotal: 'yes' }).set(bearer(analyst)).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('withTotal');
    }
    const res = await rt.http.get('/v1/labeling/queue').query({ withTotal: '1' }).set(bearer(labeler)).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('withTotal');
  });
});
