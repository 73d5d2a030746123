import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// The tag feed is "newest first" by when the feedback happened (occurredAt, else when it was received),
// not by when its tags were written. Ordered by tag creation, a backfill of last year's comments and the
// re-tag after every model promotion (new tag ids, since they carry the model version) both put old
// feedback above today's.

let rt: TestRuntime;
let analyst: string;
useFileRuntime({ analyst: ['analyst'] }, (s) => ({ rt, keys: { analyst } } = s));

type Tag = { id: string; documentId: string; occurredAt?: string | null };

async function feed(query: Record<string, string | number> = {}): Promise<Tag[]> {
  const out: Tag[] = [];
  let cursor: string | null = null;
  do {
    const res: { body: { items: Tag[]; nextCursor: string | null } } = await rt.http
      .get('/v1/tags')
      .query({ limit: 2, ...query, ...(cursor ? { cursor } : {}) })
      .set(bearer(analyst))
      .expect(200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

describe('tag feed order', () => {
  test('a backfilled document sorts by when it happened, and a re-tag does not lift old feedback to the top', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const send = async (externalId: string, text: string, occurredAt?: string) =>
      (await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'order-test', externalId, text, ...(occurredAt ? { occurredAt } : {}) }).expect(202)).body.id as string;

    const today = await send('today', '客服态度很差，等了两个小时还没人处理');
    await waitForStatus(rt, today);
    // ingested after `today`, but written last spring
    const backfill = await send('backfill', '网络信号太差，经常断网', '2025-04-02T09:30:00+08:00');
    await waitForStatus(rt, backfill);

    const order = (tags: Tag[]) => [...new Set(tags.map((t) => t.documentId))];
    const first = await feed({ channel: 'order-test' });
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(order(first)).toEqual([today, backfill]);

    // What a promotion's re-tag does to the old document: its machine tags are replaced by tags under
    // the new version's ids, written now.
    const old = await rt.services.store.tags.byDocument(backfill);
    const now = new Date();
    await rt.services.store.tags.replaceMachineTags(
      backfill,
      old.map((t) => ({ ...t, _id: `${t._id}-v2`, modelVersion: 'next-version', createdAt: now })),
    );
    const after = await feed({ channel: 'order-test' });
    expect(order(after)).toEqual([today, backfill]);
    expect(after.filter((t) => t.documentId === backfill).every((t) => t.id.endsWith('-v2'))).toBe(true);
    // paged two at a time without gaps or repeats
    expect(new Set(after.map((t) => t.id)).size).toBe(after.length);
    expect(after.length).toBe(await rt.services.store.tags.countWhere({ tenant: 'default', channel: 'order-test' }));
  });

  test("a documents-list cursor is refused by the tag feed (it pages another key), naming the field", async () => {
    const ingest = await createKey(rt, ['ingest']);
    for (const i of [1, 2]) {
      await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'cursor-test', externalId: `c-${i}`, text: '物流太慢了' }).expect(202);
    }
    const docs = await rt.http.get('/v1/documents').query({ channel: 'cursor-test', limit: 1 }).set(bearer(ADMIN_KEY)).expect(200);
    expect(docs.body.nextCursor).toEqual(expect.any(String));
    const res = await rt.http.get('/v1/tags').query({ cursor: docs.body.nextCursor }).set(bearer(analyst));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['cursor']);
    // and the documents list still takes its own
    await rt.http.get('/v1/documents').query({ channel: 'cursor-test', limit: 1, cursor: docs.body.nextCursor }).set(bearer(ADMIN_KEY)).expect(200);
  });
});
