import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, waitRetagJob, type TestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime();
});
afterAll(async () => rt.close());

type Tag = { id: string; polarity: string; source: string; span: { start: number; end: number } };

const waitJob = (id: string) => waitRetagJob(rt, id);

describe('re-tag jobs', () => {
  test('re-tags matching documents idempotently, keeps human tags, reports progress', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const labeler = await createKey(rt, ['labeler']);
    const ids: string[] = [];
    for (const [i, text] of ['网络很顺畅，但是App老是闪退', '客服态度很差', '外卖送得太慢了'].entries()) {
      ids.push((await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: `rt-${i}`, text }).expect(202)).body.id);
    }
    await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'weibo', externalId: 'rt-other', text: '信号太差' }).expect(202);
    const before = new Map<string, Tag[]>();
    for (const id of ids) before.set(id, (await waitForStatus(rt, id)).tags);
    const human = before.get(ids[1]!)![0]!;
    await rt.http.patch(`/v1/tags/${human.id}`).set(bearer(labeler)).send({ polarity: 'neutral' }).expect(200);

    const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'app' }).expect(202);
    expect(started.body.total).toBe(3);
    const job = await waitJob(started.body.id);
    expect(job).toMatchObject({ status: 'done', total: 3, done: 3, failed: 0 });

    for (const id of ids) {
      const doc = await waitForStatus(rt, id);
      const tags = doc.tags as Tag[];
      expect(tags.map((t) => t.id).sort()).toEqual(before.get(id)!.map((t) => t.id).sort());
    }
    const kept = (await waitForStatus(rt, ids[1]!)).tags.find((t: Tag) => t.id === human.id);
    expect(kept).toMatchObject({ source: 'human', polarity: 'neutral' });
    // Only the filtered channel was touched.
    const other = await rt.services.store.documents.findByExternalId('default', 'weibo', 'rt-other');
    expect(other!.retagJobId ?? null).toBeNull();
  });

  test('a score-only survey answer is re-tagged as done with nothing, not failed for having no text', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const id = (await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'survey', source: 'score-only-retag', externalId: 'so-1', score: 4, scale: 'nps' }).expect(202)).body.id;
    expect(await waitForStatus(rt, id)).toMatchObject({ status: 'done', tags: [], sentiment: null });
    const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'score-only-retag' }).expect(202);
    expect(await waitJob(started.body.id)).toMatchObject({ status: 'done', total: 1, done: 1, failed: 0 });
    expect(await waitForStatus(rt, id)).toMatchObject({ status: 'done', tags: [], sentiment: null, error: null });
  });

  test('a later re-tag of the same documents leaves the earlier job done, not running for ever', async () => {
    // Promote then roll back: each starts a re-tag of the tenant's finished documents. The second
    // job takes the documents over (retagJobId), and the first used to count only documents still
    // carrying its id, so it fell back to 0 of N and stayed "running"; `guandian retag` polled it for ever.
    const ingest = await createKey(rt, ['ingest']);
    for (const [i, text] of ['信号时好时坏', '资费太贵了'].entries()) {
      const id = (await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'twice', externalId: `tw-${i}`, text }).expect(202)).body.id;
      await waitForStatus(rt, id);
    }
    const first = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'twice' }).expect(202);
    expect(await waitJob(first.body.id)).toMatchObject({ status: 'done', total: 2, done: 2 });
    const second = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'twice' }).expect(202);
    expect(await waitJob(second.body.id)).toMatchObject({ status: 'done', total: 2, done: 2 });
    const again = await rt.http.get(`/v1/retag-jobs/${first.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
    expect(again.body).toMatchObject({ status: 'done', total: 2, done: 2, failed: 0 });
  });

  test('validation and roles', async () => {
    await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ kind: 'email' }).expect(400);
    const analyst = await createKey(rt, ['analyst']);
    await rt.http.post('/v1/retag-jobs').set(bearer(analyst)).send({}).expect(403);
    await rt.http.get('/v1/retag-jobs/nope').set(bearer(ADMIN_KEY)).expect(404);
  });
});
