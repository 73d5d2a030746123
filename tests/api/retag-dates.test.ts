import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, waitRetagJob, type TestRuntime } from '../helpers/runtime.js';

// A re-tag job's from/to mean what they mean everywhere else: when the feedback happened (occurredAt,
// else when it was received), dates without an offset read in TIME_ZONE; an inverted range is a 400
// naming `from`, not an empty job.

let rt: TestRuntime;
let ingest: string;
beforeAll(async () => {
  // Beijing days: 2020-03-10 starts at 2020-03-09T16:00Z
  rt = await startRuntime({ TIME_ZONE: 'Asia/Shanghai' });
  ingest = await createKey(rt, ['ingest']);
});
afterAll(async () => rt.close());

let seq = 0;
async function ingestDoc(channel: string, occurredAt?: string): Promise<string> {
  const res = await rt.http
    .post('/v1/documents')
    .set(bearer(ingest))
    .send({ kind: 'comment', source: channel, externalId: `rd-${++seq}`, text: '信号很差，网络卡顿', ...(occurredAt ? { occurredAt } : {}) })
    .expect(202);
  await waitForStatus(rt, res.body.id as string);
  return res.body.id as string;
}

const waitJob = (id: string) => waitRetagJob(rt, id);

const retag = (body: Record<string, unknown>) => rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send(body);
const retagged = async (id: string) => (await rt.services.store.documents.findById(id))!.retagJobId ?? null;

describe('re-tag date range', () => {
  test('selects documents by when the feedback happened, in TIME_ZONE days, not by when they were ingested', async () => {
    const inside = await ingestDoc('rd-when', '2020-03-10T12:00:00+08:00');
    // 01:00 on 2020-03-10 in Beijing, still 2020-03-09 in UTC
    const earlyMorning = await ingestDoc('rd-when', '2020-03-09T17:00:00Z');
    const before = await ingestDoc('rd-when', '2020-03-09T12:00:00+08:00');
    const after = await ingestDoc('rd-when', '2020-03-12T00:00:01+08:00');
    // received now, happened then: only its occurredAt counts
    const received = await ingestDoc('rd-when');

    const job = await retag({ channel: 'rd-when', from: '2020-03-10', to: '2020-03-12' }).expect(202);
    expect(job.body.total).toBe(2);
    await waitJob(job.body.id);
    expect(await retagged(inside)).toBe(job.body.id);
    expect(await retagged(earlyMorning)).toBe(job.body.id);
    for (const id of [before, after, received]) expect(await retagged(id)).toBeNull();
  });

  test('a document without occurredAt is selected by when it was received', async () => {
    const received = await ingestDoc('rd-received');
    const dated = await ingestDoc('rd-received', '2020-03-10T12:00:00+08:00');
    const now = Date.now();
    const job = await retag({ channel: 'rd-received', from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 3_600_000).toISOString() }).expect(202);
    expect(job.body.total).toBe(1);
    await waitJob(job.body.id);
    expect(await retagged(received)).toBe(job.body.id);
    expect(await retagged(dated)).toBeNull();
  });

  test('documents stored before `at` was kept on them are selected by occurredAt, else by receipt', async () => {
    const old = await ingestDoc('rd-legacy', '2020-03-10T12:00:00+08:00');
    const oldReceived = await ingestDoc('rd-legacy');
    const outside = await ingestDoc('rd-legacy', '2019-01-01T12:00:00+08:00');
    for (const id of [old, oldReceived, outside]) await rt.services.store.documents.update(id, { $unset: { at: true } });

    const byOccurred = await retag({ channel: 'rd-legacy', from: '2020-03-10', to: '2020-03-11' }).expect(202);
    expect(byOccurred.body.total).toBe(1);
    await waitJob(byOccurred.body.id);
    expect(await retagged(old)).toBe(byOccurred.body.id);

    const now = Date.now();
    const byReceipt = await retag({ channel: 'rd-legacy', from: new Date(now - 3_600_000).toISOString() }).expect(202);
    expect(byReceipt.body.total).toBe(1);
    await waitJob(byReceipt.body.id);
    expect(await retagged(oldReceived)).toBe(byReceipt.body.id);
    expect(await retagged(outside)).toBeNull();
  });

  test('from after to is a 400 naming from, for re-tag jobs and for the re-tag a promotion or rollback starts', async () => {
    const res = await retag({ from: '2026-11-22', to: '2026-11-20' }).expect(400);
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'from' })]));
    // refused before anything changes: no version is switched and no job is started
    const rollback = await rt.http.post('/v1/models/rollback').set(bearer(ADMIN_KEY)).send({ from: '2026-11-22T00:00:00+08:00', to: '2026-11-21T23:59:59+08:00' }).expect(400);
    expect(rollback.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'from' })]));
    // and the date rules every from/to has still hold
    for (const from of ['2024-W18', '2026-02-31', '20261120']) {
      const bad = await retag({ from, to: '2026-11-22' }).expect(400);
      expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['from']);
    }
    // the same instant on both ends is a range, not an inversion
    await retag({ channel: 'rd-none', from: '2026-11-20', to: '2026-11-20T00:00:00+08:00' }).expect(202);
  });
});
