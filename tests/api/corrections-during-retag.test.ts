import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { documentEditKey } from '../../src/services/edit-lease.js';
import { AnalyzerPool } from '../../src/worker/analyzer-pool.js';
import { createDocumentProcessor } from '../../src/worker/process-document.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// Every promotion of a retrained model re-tags the tenant's documents: each is marked queued, keeps its
// tags until its job writes the new ones, and may wait a long time on a large tenant. Labelers used to
// get a 400 ("document is queued") on every document a re-tag had marked. A document tagged before now
// takes corrections while it waits or is analyzed; its job writes under the lease corrections take and
// reads what they left (labelers' tags, deleted spans) then, not at its claim.
//
// No worker runs here: each test drives the real document job by hand (real analyzer thread, real
// store), so a correction can land at a chosen moment of it.

let rt: TestRuntime;
let pool: AnalyzerPool;
let labeler: string;
beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
  pool = await AnalyzerPool.start({ lexiconDir: 'lexicons', modelDir: 'models/current' }, 1, createLogger('silent'));
  labeler = await createKey(rt, ['labeler']);
});
afterAll(async () => {
  await pool?.close();
  await rt?.close();
});

/** The document job, as the worker runs it; `duringAnalysis` runs once it holds the document, before the analysis. */
function job(duringAnalysis?: () => Promise<void>) {
  let ran = false;
  return createDocumentProcessor({
    store: rt.services.store,
    pool,
    logger: createLogger('silent'),
    leaseMs: 60_000,
    overridesFor: async () => {
      if (duringAnalysis && !ran) {
        ran = true;
        await duringAnalysis();
      }
      return null;
    },
  });
}

let seq = 0;
/** Ingested and tagged once, then marked by a re-tag of its own channel: queued, its tags still there. */
async function markedByRetag(text: string) {
  const channel = `retag-${++seq}`;
  const res = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: channel, externalId: `rt-${seq}`, text }).expect(202);
  const id = res.body.id as string;
  await job()(id, { attempt: 1, final: false });
  const tags = await rt.services.store.tags.byDocument(id);
  expect(tags.length).toBeGreaterThan(0);
  const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel }).expect(202);
  expect(started.body.total).toBe(1);
  expect((await rt.services.store.documents.findById(id))!.status).toBe('queued');
  return { id, tags };
}
const correct = (id: string, actions: unknown[]) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions });

describe('corrections while a re-tag has the document', () => {
  test('queued: a delete and an update apply, and the re-tag keeps them', async () => {
    const { id, tags } = await markedByRetag('网速太慢了，客服态度也很差');
    expect(tags).toHaveLength(2);
    const [slow, rude] = [...tags].sort((a, b) => a.span.start - b.span.start) as [(typeof tags)[0], (typeof tags)[0]];
    await correct(id, [
      { op: 'delete', tagId: slow._id },
      { op: 'update', tagId: rude._id, category: 'service_attitude', polarity: 'negative' },
    ]).expect(200);
    await rt.http.patch(`/v1/tags/${rude._id}`).set(bearer(labeler)).send({ aspect: '客服' }).expect(200);

    await job()(id, { attempt: 1, final: false });
    const doc = (await rt.services.store.documents.findById(id))!;
    expect(doc.status).toBe('done');
    const after = await rt.services.store.tags.byDocument(id);
    expect(after.map((t) => t._id)).toEqual([rude._id]);
    expect(after[0]).toMatchObject({ source: 'human', aspect: '客服', category: 'service_attitude' });
    expect(doc.tagCount).toBe(1);
    expect((await rt.services.store.corrections.byDocument(id)).map((c) => c.op)).toEqual(['delete', 'update', 'update']);
  });

  test('being analyzed: a delete that lands mid-analysis is not undone when the job writes', async () => {
    const { id, tags } = await markedByRetag('手机银行转账老是失败，等了半天也没人处理');
    const target = tags[0]!;
    let answered = 0;
    await job(async () => {
      expect((await rt.services.store.documents.findById(id))!.status).toBe('processing');
      answered = (await correct(id, [{ op: 'delete', tagId: target._id }])).status;
    })(id, { attempt: 1, final: false });
    expect(answered).toBe(200);

    const doc = (await rt.services.store.documents.findById(id))!;
    expect(doc.status).toBe('done');
    const after = await rt.services.store.tags.byDocument(id);
    // the same model version gives the same machine tag ids: the deleted one would be written again
    expect(after.map((t) => t._id)).not.toContain(target._id);
    expect(after.filter((t) => t.span.start < target.span.end && target.span.start < t.span.end)).toEqual([]);
    expect(after).toHaveLength(tags.length - 1);
    expect(doc.tagCount).toBe(tags.length - 1);
  });

  test('being analyzed: an added tag stands in for the machine tags it overlaps after the job writes', async () => {
    const text = '网络很顺畅，但是App老是闪退';
    const { id } = await markedByRetag(text);
    const start = text.indexOf('App老是闪退');
    const span = { start, end: start + 'App老是闪退'.length };
    await job(async () => {
      await correct(id, [{ op: 'add', span, aspect: 'App', polarity: 'negative', category: 'app_experience' }]).expect(200);
    })(id, { attempt: 1, final: false });

    const after = await rt.services.store.tags.byDocument(id);
    const overlapping = after.filter((t) => t.span.start < span.end && span.start < t.span.end);
    expect(overlapping.map((t) => t.source)).toEqual(['human']);
    expect((await rt.services.store.documents.findById(id))!.tagCount).toBe(after.length);
  });

  test('a correction sent while the job writes waits for it, then applies to the tags it wrote', async () => {
    const { id, tags } = await markedByRetag('套餐资费太贵了，营业厅的服务还不错');
    const target = tags[0]!;
    let sent: Promise<{ status: number }> | null = null;
    const writing = createDocumentProcessor({
      store: rt.services.store,
      pool,
      logger: createLogger('silent'),
      leaseMs: 60_000,
      // runs after the job wrote the tags and before it marks the document done
      afterTagged: [
        async () => {
          sent ??= correct(id, [{ op: 'delete', tagId: target._id }]).then((r) => r);
          // Without the lease the correction finishes here, and the job's last write then overwrites
          // its tag count; with it, the correction waits for the job.
          await Promise.race([sent, new Promise((r) => setTimeout(r, 1500))]);
        },
      ],
    });
    await writing(id, { attempt: 1, final: false });
    expect((await sent!).status).toBe(200);
    const doc = (await rt.services.store.documents.findById(id))!;
    const after = await rt.services.store.tags.byDocument(id);
    expect(after.map((t) => t._id)).not.toContain(target._id);
    expect(doc).toMatchObject({ status: 'done', tagCount: after.length });
  });

  test('a lease left by a process that died holding it delays the job until it runs out, without failing it', async () => {
    const { id } = await markedByRetag('信用卡还款页面一直打不开');
    // the dead holder's lease: longer than a labeler waits (10 s), as every lease (60 s) is
    const until = Date.now() + 11_000;
    expect(await rt.services.store.editLocks.tryAcquire(documentEditKey(id), 'dead-replica', new Date(until), new Date())).toBe(true);
    await job()(id, { attempt: 1, final: false });
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect((await rt.services.store.documents.findById(id))!.status).toBe('done');
  }, 30_000);

  test('a document never tagged yet is still refused, naming documentId', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'fresh', externalId: 'fresh-1', text: '营业厅排队太久了' }).expect(202);
    const refused = await correct(res.body.id as string, [{ op: 'accept' }]).expect(400);
    expect(refused.body.error.details).toEqual([{ field: 'documentId', message: 'queued' }]);
  });
});
