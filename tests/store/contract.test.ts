import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DuplicateKeyError } from '../../src/errors.js';
import type { StoreEngine } from '../../src/store/collection.js';
import { MongoEngine } from '../../src/store/mongo-engine.js';
import { NedbEngine } from '../../src/store/nedb-engine.js';
import { createStore, type Store } from '../../src/store/store.js';

// One contract, every engine: the embedded engine always, MongoDB when MONGODB_URL is set.
type Item = { _id: string; tenant: string; n: number; tag: string | null; at: Date; nested?: { x: number } };

const engines: [string, () => Promise<{ engine: StoreEngine; cleanup: () => Promise<void> }>][] = [
  [
    'embedded',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-store-'));
      const engine = await NedbEngine.open(dir);
      return { engine, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];
if (process.env.MONGODB_URL) {
  engines.push([
    'mongodb',
    async () => {
      const db = `guandian_test_${randomUUID().slice(0, 8)}`;
      const engine = await MongoEngine.open(process.env.MONGODB_URL!, db);
      return { engine, cleanup: async () => undefined };
    },
  ]);
}

describe.each(engines)('store contract: %s', (_name, open) => {
  let engine: StoreEngine;
  let cleanup: () => Promise<void>;
  const coll = () => engine.collection<Item>('items');

  beforeAll(async () => {
    ({ engine, cleanup } = await open());
    await coll().ensureIndex({ fields: { tenant: 1, n: 1 }, unique: true });
    const base = new Date('2026-11-01T00:00:00Z').getTime();
    for (let i = 0; i < 20; i++) {
      await coll().insertOne({ _id: `id-${String(i).padStart(2, '0')}`, tenant: i % 2 ? 'a' : 'b', n: i, tag: i % 3 === 0 ? null : `t${i % 3}`, at: new Date(base + i * 3600_000), nested: { x: i } });
    }
  });
  afterAll(async () => {
    await engine.close();
    await cleanup();
  });

  test('dropIndex removes an index an earlier version made, and is a no-op when it is absent', async () => {
    const c = engine.collection<Item>('dropped');
    await c.ensureIndex({ fields: { tenant: 1, n: -1 }, unique: true });
    await c.insertOne({ _id: 'x1', tenant: 'a', n: 1, tag: null, at: new Date() });
    await expect(c.insertOne({ _id: 'x2', tenant: 'a', n: 1, tag: null, at: new Date() })).rejects.toBeInstanceOf(DuplicateKeyError);
    await c.dropIndex({ tenant: 1, n: -1 });
    await c.insertOne({ _id: 'x2', tenant: 'a', n: 1, tag: null, at: new Date() });
    await c.dropIndex({ tenant: 1, n: -1 });
    await c.dropIndex({ never: 1 });
    expect(await c.count({ tenant: 'a' })).toBe(2);
  });

  test('unique indexes raise DuplicateKeyError', async () => {
    await expect(coll().insertOne({ _id: 'other', tenant: 'a', n: 1, tag: null, at: new Date() })).rejects.toBeInstanceOf(DuplicateKeyError);
    await expect(coll().insertOne({ _id: 'id-00', tenant: 'z', n: 999, tag: null, at: new Date() })).rejects.toBeInstanceOf(DuplicateKeyError);
  });

  test('concurrent inserts each get their own outcome, a duplicate among them included', async () => {
    const docs = Array.from({ length: 8 }, (_, i) => ({ _id: `conc-${i}`, tenant: 'd', n: i, tag: null, at: new Date() }));
    const results = await Promise.allSettled([
      ...docs.map((d) => coll().insertOne(d)),
      coll().insertOne({ _id: 'conc-dup', tenant: 'd', n: 3, tag: null, at: new Date() }),
      coll().insertOne({ _id: 'conc-2', tenant: 'e', n: 0, tag: null, at: new Date() }),
    ]);
    expect(results.slice(0, 8).every((r) => r.status === 'fulfilled')).toBe(true);
    for (const r of results.slice(8)) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateKeyError);
    }
    expect(await coll().count({ tenant: 'd' })).toBe(8);
    expect(await coll().count({ tenant: 'e' })).toBe(0);
    // and without a duplicate, all of them land
    await Promise.all(Array.from({ length: 5 }, (_, i) => coll().insertOne({ _id: `conc2-${i}`, tenant: 'f', n: i, tag: null, at: new Date() })));
    expect(await coll().count({ tenant: 'f' })).toBe(5);
    await coll().deleteMany({ tenant: { $in: ['d', 'f'] } });
  });

  test('insertManyIgnoreDuplicates inserts the new ones only', async () => {
    const n = await coll().insertManyIgnoreDuplicates([
      { _id: 'id-01', tenant: 'a', n: 1, tag: null, at: new Date() },
      { _id: 'new-1', tenant: 'c', n: 100, tag: 'x', at: new Date() },
      { _id: 'new-1', tenant: 'c', n: 101, tag: 'x', at: new Date() },
    ]);
    expect(n).toBe(1);
    expect(await coll().count({ tenant: 'c' })).toBe(1);
    await coll().deleteMany({ tenant: 'c' });
  });

  test('filters: equality, ranges, $in, $nin, $or, $regex, null, dotted paths', async () => {
    expect(await coll().count({ tenant: 'a' })).toBe(10);
    expect((await coll().find({ n: { $gte: 5, $lt: 8 } })).map((d) => d.n).sort((x, y) => x - y)).toEqual([5, 6, 7]);
    expect(await coll().count({ n: { $in: [1, 2, 3] } })).toBe(3);
    expect(await coll().count({ tenant: 'a', n: { $nin: [1, 3] } })).toBe(8);
    expect(await coll().count({ $or: [{ n: 0 }, { n: 19 }] })).toBe(2);
    expect(await coll().count({ tag: { $regex: /^t1$/ } })).toBe(7);
    expect(await coll().count({ tag: null })).toBe(7);
    expect(await coll().count({ 'nested.x': { $gt: 17 } })).toBe(2);
    expect(await coll().count({ at: { $gte: new Date('2026-11-01T10:00:00Z') } })).toBe(10);
  });

  test('sort, limit, skip', async () => {
    const page = await coll().find({ tenant: 'b' }, { sort: { n: -1 }, limit: 3, skip: 1 });
    expect(page.map((d) => d.n)).toEqual([16, 14, 12]);
    const byTwoKeys = await coll().find({}, { sort: { tag: 1, n: -1 }, limit: 2 });
    expect(byTwoKeys.map((d) => d.n)).toEqual([18, 15]);
  });

  test('updates: $set, $inc, $unset; findOneAndUpdate returns the new document', async () => {
    expect(await coll().updateOne({ _id: 'id-02' }, { $set: { tag: 'changed' }, $inc: { n: 1000 } })).toBe(1);
    const doc = await coll().findOne({ _id: 'id-02' });
    expect(doc).toMatchObject({ tag: 'changed', n: 1002 });
    expect(await coll().updateOne({ _id: 'missing' }, { $set: { tag: 'x' } })).toBe(0);
    const after = await coll().findOneAndUpdate({ _id: 'id-02', n: 1002 }, { $set: { n: 2 }, $unset: { nested: true } });
    expect(after).toMatchObject({ _id: 'id-02', n: 2 });
    expect(after!.nested).toBeUndefined();
    expect(await coll().findOneAndUpdate({ _id: 'id-02', n: 1002 }, { $set: { n: 3 } })).toBeNull();
    expect(await coll().updateMany({ tenant: 'a' }, { $set: { flag: true } } as never)).toBe(10);
  });

  test('aggregate: $match + $group + $sort + $limit behave the same', async () => {
    const rows = await coll().aggregate<{ _id: { tenant: string; tag: string | null }; n: number }>([
      { $match: { n: { $lt: 12 } } },
      { $group: { _id: { tenant: '$tenant', tag: '$tag' }, n: { $sum: 1 } } },
      { $sort: { n: -1, '_id.tenant': 1, '_id.tag': 1 } },
      { $limit: 2 },
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(rows[1]!.n);
    const total = await coll().aggregate<{ _id: null; n: number }>([{ $match: { n: { $lt: 12 } } }, { $group: { _id: null, n: { $sum: 1 } } }]);
    expect(total[0]!.n).toBe(12);
  });

  test('aggregate: $facet of counting groups, with sums of a field, equals a plain computation', async () => {
    const all = await coll().find({ n: { $lt: 20 } });
    const [facets] = await coll().aggregate<{ byTenant: { _id: { t: string }; c: number; s: number }[]; byTag: { _id: string | null; c: number }[] }>([
      { $match: { n: { $lt: 20 } } },
      {
        $facet: {
          byTenant: [{ $group: { _id: { t: '$tenant' }, c: { $sum: 1 }, s: { $sum: '$n' } } }, { $sort: { '_id.t': 1 } }],
          byTag: [{ $match: { tag: { $ne: null } } }, { $group: { _id: '$tag', c: { $sum: 1 } } }, { $sort: { _id: 1 } }],
        },
      },
    ]);
    const expected = ['a', 'b'].map((t) => ({ _id: { t }, c: all.filter((d) => d.tenant === t).length, s: all.filter((d) => d.tenant === t).reduce((x, d) => x + d.n, 0) }));
    expect(facets!.byTenant).toEqual(expected);
    const tags = [...new Set(all.map((d) => d.tag).filter((t): t is string => t !== null))].sort();
    expect(facets!.byTag).toEqual(tags.map((t) => ({ _id: t, c: all.filter((d) => d.tag === t).length })));
  });

  test('data survives close and reopen', async () => {
    if (engine.kind !== 'embedded') return;
    // Reopening needs the same directory: read it from a fresh engine over the same files.
    const dir = (engine as unknown as { dir: string }).dir;
    await engine.close();
    engine = await NedbEngine.open(dir);
    expect(await engine.collection<Item>('items').count({})).toBe(20);
  });

  describe('repositories', () => {
    let store: Store;
    beforeAll(async () => {
      store = await createStore(engine);
    });

    const doc = (id: string, externalId: string) => ({
      _id: id, tenant: 't', kind: 'comment' as const, source: 'app', externalId, text: '好', turns: null, customerId: null, occurredAt: null,
      metadata: null, contentHash: 'h', status: 'queued' as const, error: null, attempts: 0, generation: 0,
      leaseUntil: new Date(Date.now() - 1000), normalizedText: null, sentiment: null, modelVersion: null, reviewed: false,
      minConfidence: null, tagCount: 0, suppressed: [], createdAt: new Date(), updatedAt: new Date(), processedAt: null,
    });

    test('documents: (tenant, source, externalId) is unique', async () => {
      await store.documents.insert(doc('d1', 'e1'));
      await expect(store.documents.insert(doc('d2', 'e1'))).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    test('claim takes queued or processing documents, never done ones, and counts attempts', async () => {
      const claimed = await store.documents.claim('d1', 1000);
      expect(claimed).toMatchObject({ status: 'processing', attempts: 1 });
      expect(await store.documents.claim('d1', 1000)).toMatchObject({ attempts: 2 });
      await store.documents.setStatus('d1', 'done');
      expect(await store.documents.claim('d1', 1000)).toBeNull();
    });

    test('summary: top negative aspects group by canonical aspect, else by the aspect text', async () => {
      const at = new Date('2026-11-02T08:00:00Z');
      const tag = (id: string, aspect: string | null, canonicalAspect: string | null | undefined, category: 'network' | 'price' | 'app_experience', polarity: 'negative' | 'positive' = 'negative') => ({
        _id: id, tenant: 'sum', documentId: `doc-${id}`, aspect, ...(canonicalAspect !== undefined ? { canonicalAspect } : {}), opinion: '差', polarity, category,
        span: { start: 0, end: 1 }, aspectSpan: null, opinionSpan: null, sentence: '差', turnIndex: null, confidence: 0.8,
        source: 'rule' as const, modelVersion: 'm', kind: 'comment' as const, channel: 'app', at, day: '2026-11-02', createdAt: at, updatedAt: at,
      });
      for (const t of [
        tag('s1', '网速', '网络', 'network'), tag('s2', '宽带', '网络', 'network'), tag('s3', '网络', '网络', 'network'),
        tag('s4', null, '价格', 'price'), tag('s5', '房价', '价格', 'price'),
        tag('s6', 'ＡＰＰ', null, 'app_experience'), tag('s7', 'ＡＰＰ', undefined, 'app_experience'),
        tag('s8', null, null, 'price'), tag('s9', '网速', '网络', 'network', 'positive'),
      ]) await store.tags.insert(t);
      const { topNegativeAspects } = await store.tags.summary({ tenant: 'sum' }, 10);
      expect(topNegativeAspects).toEqual([
        { aspect: '网络', category: 'network', count: 3 },
        { aspect: '价格', category: 'price', count: 2 },
        { aspect: 'ＡＰＰ', category: 'app_experience', count: 2 },
      ]);
    });

    test('findExpired pages through expired leases by id', async () => {
      await store.documents.insert(doc('d3', 'e3'));
      await store.documents.insert(doc('d4', 'e4'));
      const first = await store.documents.findExpired(new Date(), 1);
      expect(first.map((d) => d._id)).toEqual(['d3']);
      const next = await store.documents.findExpired(new Date(), 10, 'd3');
      expect(next.map((d) => d._id)).toEqual(['d4']);
    });

    test('edit locks: one holder at a time, an expired lease is taken over, only its holder releases it', async () => {
      const now = new Date();
      const later = new Date(now.getTime() + 60_000);
      expect(await store.editLocks.tryAcquire('corrections:d9', 'a', later, now)).toBe(true);
      expect(await store.editLocks.tryAcquire('corrections:d9', 'b', later, now)).toBe(false);
      // another holder's release does nothing
      await store.editLocks.release('corrections:d9', 'b');
      expect(await store.editLocks.tryAcquire('corrections:d9', 'b', later, now)).toBe(false);
      // a's time is up at `later`: b takes it then
      expect(await store.editLocks.tryAcquire('corrections:d9', 'b', new Date(later.getTime() + 60_000), new Date(later.getTime() + 1))).toBe(true);
      await store.editLocks.release('corrections:d9', 'a');
      expect(await store.editLocks.tryAcquire('corrections:d9', 'c', later, now)).toBe(false);
      await store.editLocks.release('corrections:d9', 'b');
      expect(await store.editLocks.tryAcquire('corrections:d9', 'c', later, now)).toBe(true);
      // other keys are independent
      expect(await store.editLocks.tryAcquire('corrections:d10', 'a', later, now)).toBe(true);
    });

    test('re-tag jobs: a tenant\'s newest first, paged by id; documents counted per job as pending and failed', async () => {
      const job = (id: string, tenant: string) => ({ _id: id, tenant, filter: {}, total: 0, createdBy: 'k', createdAt: new Date() });
      for (const [id, tenant] of [['rj-1', 'ra'], ['rj-2', 'rb'], ['rj-3', 'ra'], ['rj-4', 'ra']] as const) await store.retagJobs.insert(job(id, tenant));
      expect((await store.retagJobs.listForTenant('ra', 10)).map((j) => j._id)).toEqual(['rj-4', 'rj-3', 'rj-1']);
      expect((await store.retagJobs.listForTenant('ra', 2)).map((j) => j._id)).toEqual(['rj-4', 'rj-3']);
      expect((await store.retagJobs.listForTenant('ra', 2, 'rj-3')).map((j) => j._id)).toEqual(['rj-1']);

      const statuses = { 'rj-1': ['done', 'failed', 'queued', 'processing', 'done'], 'rj-3': ['failed', 'failed'], 'rj-2': ['queued'] } as const;
      let n = 0;
      for (const [jobId, list] of Object.entries(statuses)) {
        for (const status of list) await store.documents.insert({ ...doc(`rd-${n}`, `re-${n++}`), tenant: 'ra', status, retagJobId: jobId });
      }
      const counts = await store.documents.retagCounts(['rj-1', 'rj-3', 'rj-4']);
      expect(Object.fromEntries(counts)).toEqual({ 'rj-1': { pending: 2, failed: 1 }, 'rj-3': { pending: 0, failed: 2 } });
      expect((await store.documents.retagCounts([])).size).toBe(0);
    });
  });
});

// Cancelling a re-tag job (RetagJobsRepository.cancel / released / claimStalled), on every engine: its own
// block and store, apart from the rest of the contract.
describe.each(engines)('store contract: %s: cancelled re-tag jobs', (_name, open) => {
  let engine: StoreEngine;
  let cleanup: () => Promise<void>;
  let store: Store;
  beforeAll(async () => {
    ({ engine, cleanup } = await open());
    store = await createStore(engine);
  });
  afterAll(async () => {
    await engine.close();
    await cleanup();
  });

  const job = (id: string, until: Date) => ({ _id: id, tenant: 'rc', filter: {}, total: 3, createdBy: 'k', createdAt: new Date(), marking: { after: 'd-3', until } });

  test('cancel sets it once and drops the claim; released counts; a cancelled job is never claimed as stalled', async () => {
    const past = new Date(Date.now() - 1000);
    await store.retagJobs.insert(job('rc-1', past));
    await store.retagJobs.insert(job('rc-2', past));
    const at = new Date('2026-11-30T10:00:00Z');
    const hold = new Date(Date.now() + 60_000);
    expect(await store.retagJobs.cancel('rc-1', at, 'k-admin', hold)).toBe(true);
    expect(await store.retagJobs.cancel('rc-1', new Date(), 'k-other', hold)).toBe(false);
    expect(await store.retagJobs.cancel('rc-none', new Date(), 'k-admin', hold)).toBe(false);
    await store.retagJobs.released('rc-1', 2);
    await store.retagJobs.released('rc-1', 1);
    await store.retagJobs.released('rc-1', 0);
    // only a cancelled job counts released documents
    await store.retagJobs.released('rc-2', 5);
    const cancelled = await store.retagJobs.findForTenant('rc', 'rc-1');
    expect(cancelled!.marking ?? null).toBeNull();
    expect(cancelled!.cancelled).toEqual({ at, by: 'k-admin', released: 3, until: hold });
    expect((await store.retagJobs.findForTenant('rc', 'rc-2'))!.cancelled).toBeUndefined();

    // a marker that had not seen the cancel sets its claim again; it still is not claimed
    await store.retagJobs.marked('rc-1', 3, 'd-3', past);
    const claimed = await store.retagJobs.claimStalled(new Date(), new Date(Date.now() + 60_000));
    expect(claimed?._id).toBe('rc-2');
    // rc-2 is held for a minute now; rc-1, whose claim ran out, is still never taken
    expect(await store.retagJobs.claimStalled(new Date(), new Date(Date.now() + 60_000))).toBeNull();
  });

  test('a release whose claim ran out is claimed once; a finished one never', async () => {
    await store.retagJobs.insert(job('rc-3', new Date(Date.now() + 60_000)));
    await store.retagJobs.insert(job('rc-4', new Date(Date.now() + 60_000)));
    await store.retagJobs.cancel('rc-3', new Date(), 'k', new Date(Date.now() - 1000));
    await store.retagJobs.cancel('rc-4', new Date(), 'k', new Date(Date.now() - 1000));
    await store.retagJobs.releaseDone('rc-4');
    // rc-1 above is still held by its releaser for a minute
    const later = new Date(Date.now() + 60_000);
    const claimed = await store.retagJobs.claimUnreleased(new Date(), later);
    expect(claimed?._id).toBe('rc-3');
    expect(claimed?.cancelled?.until).toEqual(later);
    expect(await store.retagJobs.claimUnreleased(new Date(), later)).toBeNull();
    await store.retagJobs.releaseDone('rc-3');
    await store.retagJobs.releaseDone('rc-1');
    expect(await store.retagJobs.claimUnreleased(new Date(Date.now() + 3_600_000), later)).toBeNull();
    expect((await store.retagJobs.findForTenant('rc', 'rc-4'))!.cancelled!.until).toBeUndefined();
  });

  test('uncancel takes back only the named cancel, and only while it has released nothing', async () => {
    const at = new Date('2026-11-30T11:00:00Z');
    for (const id of ['rc-5', 'rc-6']) {
      await store.retagJobs.insert({ ...job(id, new Date()), marking: null });
      await store.retagJobs.cancel(id, at, 'k', new Date(Date.now() + 60_000));
    }
    await store.retagJobs.released('rc-6', 1);
    expect(await store.retagJobs.uncancel('rc-5', new Date('2026-11-30T11:00:01Z'))).toBe(false);
    expect(await store.retagJobs.uncancel('rc-6', at)).toBe(false);
    expect(await store.retagJobs.uncancel('rc-5', at)).toBe(true);
    expect(await store.retagJobs.uncancel('rc-5', at)).toBe(false);
    expect((await store.retagJobs.findForTenant('rc', 'rc-5'))!.cancelled).toBeUndefined();
    expect((await store.retagJobs.findForTenant('rc', 'rc-6'))!.cancelled).toMatchObject({ at, released: 1 });
    // back to a job like any other: it can be cancelled again
    expect(await store.retagJobs.cancel('rc-5', new Date(), 'k', new Date())).toBe(true);
  });
});
