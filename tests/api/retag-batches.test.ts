import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DocumentRecord } from '../../src/store/records.js';
import { startRuntime, type TestRuntime } from '../helpers/runtime.js';

// A re-tag marks its documents in batches of 500 (retag-service.ts), so these need several batches; no
// worker runs, so what the store holds is what the marking did.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
});
afterAll(async () => rt.close());

function doc(n: number, tenant: string, source: string): DocumentRecord {
  const at = new Date(Date.UTC(2026, 10, 1));
  return {
    _id: `01JRETAG${String(n).padStart(8, '0')}`, tenant, kind: 'comment', source, externalId: `r-${n}`, text: '话费莫名其妙多扣了二十块',
    turns: null, customerId: null, occurredAt: null, at, metadata: null, contentHash: `h${n}`, status: 'done', error: null, attempts: 1,
    generation: 0, leaseUntil: null, normalizedText: '话费莫名其妙多扣了二十块', sentiment: 'negative', modelVersion: 'm-old', reviewed: false,
    minConfidence: null, tagCount: 0, suppressed: [], createdAt: at, updatedAt: at, processedAt: at,
  };
}

describe('re-tag marking in batches', () => {
  test('marks every matching document across batches, and only those, each once', async () => {
    const docs = Array.from({ length: 1300 }, (_, i) => doc(i, 'rb-a', i % 4 === 0 ? 'call-center' : 'app'));
    await rt.services.store.documents.insertMany(docs);
    const job = await rt.services.retag.start('rb-a', { channel: 'app' }, 'test');
    expect(job.total).toBe(975);
    const marked = await rt.services.store.documents.list({ retagJobId: job._id }, 2000, { _id: 1 });
    expect(marked).toHaveLength(975);
    expect(marked.every((d) => d.source === 'app' && d.status === 'queued' && d.generation === 1)).toBe(true);
    expect(await rt.services.store.documents.countWhere({ tenant: 'rb-a', source: 'call-center', status: 'done', generation: 0 })).toBe(325);
    expect(await rt.services.retag.progress('rb-a', job._id)).toMatchObject({ status: 'running', total: 975, done: 0 });
  });

  test('a job whose process died while marking is finished by the reconciler from where it stopped', async () => {
    const docs = Array.from({ length: 1200 }, (_, i) => doc(10_000 + i, 'rb-b', 'app'));
    await rt.services.store.documents.insertMany(docs);
    // as a process leaves it when it dies after marking the first 700: those queued under the job, the
    // cursor on the 700th, the claim run out
    const jobId = '01JRETAGJOBSTALLED00000000';
    const cursor = docs[699]!._id;
    await rt.services.store.documents.updateWhere({ tenant: 'rb-b', _id: { $lte: cursor } }, { $set: { status: 'queued', retagJobId: jobId, generation: 1 } });
    await rt.services.store.retagJobs.insert({
      _id: jobId, tenant: 'rb-b', filter: {}, total: 500, createdBy: 'test', createdAt: new Date(), marking: { after: cursor, until: new Date(Date.now() - 1000) },
    });
    expect((await rt.services.retag.progress('rb-b', jobId)).status).toBe('running');

    await rt.services.reconciler.runOnce();

    const job = await rt.services.store.retagJobs.findForTenant('rb-b', jobId);
    expect(job).toMatchObject({ total: 1200, marking: null });
    expect(await rt.services.store.documents.countWhere({ tenant: 'rb-b', retagJobId: jobId, status: 'queued' })).toBe(1200);
    // the 700 already marked were not marked twice
    expect(await rt.services.store.documents.countWhere({ tenant: 'rb-b', generation: 1 })).toBe(1200);
    // a claim still held by a live process is left to it
    await rt.services.store.retagJobs.insert({
      _id: '01JRETAGJOBLIVE000000000000', tenant: 'rb-b', filter: {}, total: 0, createdBy: 'test', createdAt: new Date(), marking: { after: '', until: new Date(Date.now() + 60_000) },
    });
    expect(await rt.services.retag.resumeStalled()).toBe(0);
  });
});
