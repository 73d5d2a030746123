import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, waitRetagJob, type TestRuntime } from '../helpers/runtime.js';

// A re-tag (every promotion and rollback starts one) must take documents that are queued or being
// analyzed when it starts: they were read under the version active before, and a job that marked only
// finished documents left them on it (QA audit 2026-11-29: a rollback 60 ms after a promotion left 3–4
// documents on the rolled-back version, and its job reported total 0, done).

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime();
});
afterAll(async () => rt.close());

const waitJob = (id: string) => waitRetagJob(rt, id);

describe('re-tag and documents in flight', () => {
  test('a document queued or in analysis when the job starts is marked, its generation bumped, and tagged again', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const ids: string[] = [];
    for (const [i, text] of ['网银转账老是失败，客服也说不清楚', '5G信号满格但是网速很慢', '理赔员态度很好，三天就到账了'].entries()) {
      ids.push((await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'inflight', externalId: `if-${i}`, text }).expect(202)).body.id);
    }
    for (const id of ids) await waitForStatus(rt, id);

    // What the store holds while a worker analyzes one document under the old version (status
    // processing, its lease running) and another waits in the queue after an earlier re-tag.
    const [processing, queued, done] = ids as [string, string, string];
    const lease = new Date(Date.now() + 60_000);
    await rt.services.store.documents.update(processing, { $set: { status: 'processing', leaseUntil: lease } });
    await rt.services.store.documents.update(queued, { $set: { status: 'queued', leaseUntil: lease } });
    const generations = new Map<string, number>();
    for (const id of ids) generations.set(id, (await rt.services.store.documents.findById(id))!.generation);

    const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'inflight' }).expect(202);
    expect(started.body.total).toBe(3);
    for (const id of [processing, queued, done]) {
      const doc = (await rt.services.store.documents.findById(id))!;
      expect(doc.retagJobId).toBe(started.body.id);
      expect(doc.generation).toBe(generations.get(id)! + 1);
    }
    const job = await waitJob(started.body.id);
    expect(job).toMatchObject({ status: 'done', total: 3, done: 3, failed: 0 });
    for (const id of ids) expect((await waitForStatus(rt, id)).status).toBe('done');
  });
});
