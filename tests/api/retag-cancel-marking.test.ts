import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DocumentRecord } from '../../src/store/records.js';
import { startRuntime, type TestRuntime } from '../helpers/runtime.js';

// Cancelling a re-tag job (RetagService.cancel) against the real store and the real embedded queue, with
// no worker running: what the store holds afterwards is what marking and the cancel did. The worker side
// (a document in analysis when its job is cancelled) is in retag-cancel.test.ts.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
});
afterAll(async () => rt.close());

const at = new Date(Date.UTC(2026, 10, 1));
function doc(n: number, tenant: string, over: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    _id: `01JCANCEL${String(n).padStart(8, '0')}`, tenant, kind: 'comment', source: 'app', externalId: `c-${n}`, text: '话费莫名其妙多扣了二十块',
    turns: null, customerId: null, occurredAt: null, at, metadata: null, contentHash: `h${n}`, status: 'done', error: null, attempts: 1,
    generation: 0, leaseUntil: null, normalizedText: '话费莫名其妙多扣了二十块', sentiment: 'negative', modelVersion: 'm-old', reviewed: false,
    minConfidence: 0.9, tagCount: 1, suppressed: [], createdAt: at, updatedAt: at, processedAt: at, ...over,
  };
}

const find = (id: string) => rt.services.store.documents.findById(id);

describe('cancelling a re-tag job', () => {
  test('the marking loop sees the cancel and stops; every document it marked is handed back done, untouched otherwise', async () => {
    const N = 6000;
    await rt.services.store.documents.insertMany(Array.from({ length: N }, (_, i) => doc(i, 'rc-a')));
    const starting = rt.services.retag.start('rc-a', {}, 'k-admin');
    // the job is stored before its first batch is marked: cancel as soon as it exists
    let jobId: string | undefined;
    for (let i = 0; i < 2000 && !jobId; i++) {
      jobId = (await rt.services.store.retagJobs.listForTenant('rc-a', 1))[0]?._id;
      if (!jobId) await new Promise((r) => setTimeout(r, 1));
    }
    expect(jobId).toBeDefined();
    const { progress, cancelled } = await rt.services.retag.cancel('rc-a', jobId!, 'k-admin');
    expect(cancelled).toBe(true);
    const job = await starting;
    expect(job.total, 'marking ran to the end: the cancel came too late to test anything').toBeLessThan(N);

    // nothing is left queued or carrying the job; marked documents were bumped twice (mark, release),
    // the others not at all; none lost its tags' fields
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-a', retagJobId: job._id })).toBe(0);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-a', status: { $ne: 'done' } })).toBe(0);
    const marked = await rt.services.store.documents.countWhere({ tenant: 'rc-a', generation: 2 });
    expect(marked).toBe(job.total);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-a', generation: 0 })).toBe(N - job.total);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-a', tagCount: 1, modelVersion: 'm-old', leaseUntil: null })).toBe(N);

    const stored = await rt.services.store.retagJobs.findForTenant('rc-a', job._id);
    expect(stored!.marking ?? null).toBeNull();
    expect(stored!.cancelled).toMatchObject({ by: 'k-admin', released: job.total });
    const now = await rt.services.retag.progress('rc-a', job._id);
    expect(now).toMatchObject({ status: 'cancelled', total: job.total, done: 0, failed: 0 });
    expect(progress.status).toBe('cancelled');
    // the reconciler finds nothing to resume, and nothing more is marked
    await rt.services.reconciler.runOnce();
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-a', generation: 0 })).toBe(N - job.total);
  }, 60_000);

  test('a job cancelled while its marker process was dead is not resumed by resumeStalled after the restart', async () => {
    const docs = Array.from({ length: 1200 }, (_, i) => doc(20_000 + i, 'rc-b'));
    await rt.services.store.documents.insertMany(docs);
    // as a process leaves it when it dies after marking the first 700: those queued under the job with a
    // lease, the cursor on the 700th, the claim run out
    const jobId = '01JCANCELJOBSTALLED0000000';
    const cursor = docs[699]!._id;
    await rt.services.store.documents.updateWhere({ tenant: 'rc-b', _id: { $lte: cursor } }, { $set: { status: 'queued', retagJobId: jobId, generation: 1, leaseUntil: new Date(Date.now() - 1000) } });
    await rt.services.store.retagJobs.insert({
      _id: jobId, tenant: 'rc-b', filter: {}, total: 700, createdBy: 'k-admin', createdAt: new Date(), reason: { kind: 'manual' }, marking: { after: cursor, until: new Date(Date.now() - 1000) },
    });
    expect((await rt.services.retag.cancel('rc-b', jobId, 'k-other')).progress).toMatchObject({ status: 'cancelled', total: 700, done: 0 });

    // the restarted process's reconciler: no job to resume, no lease left to re-enqueue
    expect(await rt.services.retag.resumeStalled()).toBe(0);
    await rt.services.reconciler.runOnce(true);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-b', retagJobId: jobId })).toBe(0);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-b', status: 'done', generation: 2 })).toBe(700);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-b', status: 'done', generation: 0 })).toBe(500);
    expect(await rt.services.store.retagJobs.findForTenant('rc-b', jobId)).toMatchObject({ total: 700, marking: null, cancelled: { by: 'k-other', released: 700 } });

    // a marker that had not seen the cancel and left its claim on the job (it died right after a batch)
    // is not resumed either
    await rt.services.store.retagJobs.marked(jobId, 700, cursor, new Date(Date.now() - 1000));
    expect(await rt.services.retag.resumeStalled()).toBe(0);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-b', generation: 0 })).toBe(500);
  });

  test('a cancel whose process died while releasing is finished by the reconciler once its claim runs out', async () => {
    const docs = Array.from({ length: 700 }, (_, i) => doc(50_000 + i, 'rc-e'));
    await rt.services.store.documents.insertMany(docs);
    // as the process leaves it when it dies right after storing the cancel: every marked document still
    // queued under the job, the release's claim run out
    const jobId = '01JCANCELJOBRELEASING00000';
    await rt.services.store.documents.updateWhere({ tenant: 'rc-e' }, { $set: { status: 'queued', retagJobId: jobId, generation: 1, leaseUntil: new Date(Date.now() + 3_600_000) } });
    await rt.services.store.retagJobs.insert({
      _id: jobId, tenant: 'rc-e', filter: {}, total: 700, createdBy: 'k-admin', createdAt: new Date(), marking: null,
      cancelled: { at: new Date(), by: 'k-admin', released: 0, until: new Date(Date.now() - 1000) },
    });
    // until the release is over the job is not reported cancelled: its numbers are still moving
    expect(await rt.services.retag.progress('rc-e', jobId)).toMatchObject({ status: 'running', total: 700 });
    expect(await rt.services.retag.resumeStalled()).toBe(1);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rc-e', status: 'done', generation: 2, retagJobId: null })).toBe(700);
    expect(await rt.services.store.retagJobs.findForTenant('rc-e', jobId)).toMatchObject({ total: 700, cancelled: { released: 700 } });
    expect((await rt.services.store.retagJobs.findForTenant('rc-e', jobId))!.cancelled!.until).toBeUndefined();
    expect(await rt.services.retag.progress('rc-e', jobId)).toMatchObject({ status: 'cancelled', total: 700, done: 0 });
    expect(await rt.services.retag.resumeStalled()).toBe(0);
  });

  test('while a cancel releases its documents, a batch released but not yet counted does not read as re-tagged: the job reads running', async () => {
    const docs = Array.from({ length: 300 }, (_, i) => doc(60_000 + i, 'rc-f'));
    await rt.services.store.documents.insertMany(docs);
    const jobId = '01JCANCELJOBMIDRELEASE0000';
    await rt.services.store.documents.updateWhere({ tenant: 'rc-f' }, { $set: { status: 'queued', retagJobId: jobId, generation: 1 } });
    await rt.services.store.retagJobs.insert({
      _id: jobId, tenant: 'rc-f', filter: {}, total: 300, createdBy: 'k-admin', createdAt: new Date(), marking: null,
      cancelled: { at: new Date(), by: 'k-admin', released: 0, until: new Date(Date.now() + 60_000) },
    });
    // the moment between a batch's update and its count (release: updateWhere, then retagJobs.released)
    const batch = docs.slice(0, 200).map((d) => d._id);
    await rt.services.store.documents.updateWhere({ _id: { $in: batch } }, { $set: { status: 'done', retagJobId: null }, $inc: { generation: 1 } });
    const midway = await rt.services.retag.progress('rc-f', jobId);
    // none of the 300 was re-tagged; read as finished, the job would say 200 were
    expect(midway.status).toBe('running');
    await rt.services.store.retagJobs.released(jobId, 200);
    await rt.services.store.documents.updateWhere({ tenant: 'rc-f', retagJobId: jobId }, { $set: { status: 'done', retagJobId: null }, $inc: { generation: 1 } });
    await rt.services.store.retagJobs.released(jobId, 100);
    await rt.services.store.retagJobs.releaseDone(jobId);
    expect(await rt.services.retag.progress('rc-f', jobId)).toMatchObject({ status: 'cancelled', total: 300, done: 0 });
  });

  test('each released document goes back to the state it had: failed stays failed, never analyzed stays queued, one in analysis is queued again', async () => {
    const failedBefore = doc(30_001, 'rc-c', { status: 'failed', error: 'document has no text to analyze' });
    const neverAnalyzed = doc(30_002, 'rc-c', { status: 'queued', processedAt: null, normalizedText: null, sentiment: null, modelVersion: null, tagCount: 0, minConfidence: null, attempts: 0 });
    const inAnalysis = doc(30_003, 'rc-c');
    const retagged = doc(30_004, 'rc-c');
    const retaggedFailed = doc(30_005, 'rc-c');
    await rt.services.store.documents.insertMany([failedBefore, neverAnalyzed, inAnalysis, retagged, retaggedFailed]);
    const job = await rt.services.retag.start('rc-c', {}, 'k-admin');
    expect(job.total).toBe(5);
    // what workers did meanwhile: one finished, one failed for good, one is being analyzed
    await rt.services.store.documents.update(retagged._id, { $set: { status: 'done', processedAt: new Date() } });
    await rt.services.store.documents.update(retaggedFailed._id, { $set: { status: 'failed', error: 'boom' } });
    await rt.services.store.documents.update(inAnalysis._id, { $set: { status: 'processing' } });

    const { progress } = await rt.services.retag.cancel('rc-c', job._id, 'k-admin');
    // two re-tagged before the cancel (one of them failed), three released
    expect(progress).toMatchObject({ status: 'cancelled', total: 5, done: 2, failed: 1 });

    expect(await find(failedBefore._id)).toMatchObject({ status: 'failed', error: 'document has no text to analyze', generation: 2, retagJobId: null, leaseUntil: null });
    // its own queue entry (the one marking added) analyzes it, as it would have without the job
    const never = (await find(neverAnalyzed._id))!;
    expect(never).toMatchObject({ status: 'queued', generation: 1, retagJobId: null });
    expect(never.leaseUntil).not.toBeNull();
    // a worker has it: queued again under a newer generation, so the worker's analysis does not finish it
    const again = (await find(inAnalysis._id))!;
    expect(again).toMatchObject({ status: 'queued', generation: 2, retagJobId: null, attempts: 0, tagCount: 1, modelVersion: 'm-old' });
    expect(again.leaseUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await find(retagged._id)).toMatchObject({ status: 'done', generation: 1, retagJobId: job._id });
    expect(await find(retaggedFailed._id)).toMatchObject({ status: 'failed', generation: 1, retagJobId: job._id });

    // the worker's view: a claim of a released document is refused, so the entry marking added does nothing
    expect(await rt.services.store.documents.claim(failedBefore._id, 1000)).toBeNull();
  });

  test('idempotent; a done job is a 409 naming status; another tenant\'s job is not found', async () => {
    await rt.services.store.documents.insertMany([doc(40_001, 'rc-d')]);
    const job = await rt.services.retag.start('rc-d', {}, 'k-admin');
    const first = await rt.services.retag.cancel('rc-d', job._id, 'k-admin');
    const second = await rt.services.retag.cancel('rc-d', job._id, 'k-admin');
    expect(second.cancelled).toBe(false);
    expect(second.progress).toEqual(first.progress);
    expect((await rt.services.store.retagJobs.findForTenant('rc-d', job._id))!.cancelled!.released).toBe(1);
    await expect(rt.services.retag.cancel('rc-other', job._id, 'k-admin')).rejects.toMatchObject({ status: 404 });

    const done = await rt.services.retag.start('rc-d', { channel: 'nothing-here' }, 'k-admin');
    await expect(rt.services.retag.cancel('rc-d', done._id, 'k-admin')).rejects.toMatchObject({ status: 409, details: [{ field: 'status' }] });
  });
});
