import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { entryIndex, installNedbIndexDeletes } from '../../src/store/nedb-index-delete.js';

// src/store/nedb-index-delete.ts: documents leave a key many documents share in place, many at once in
// one pass, not by a copy of the key's entries per document (which made purges and re-tags quadratic). Whether every
// index still matches the stored documents afterwards is checked with the in-place update, under
// random commands, in nedb-index-update.test.ts.

const require = createRequire(import.meta.url);
type Doc = { _id: string; status: string; customerId: string | null };
const Datastore = require('@seald-io/nedb') as new (o: object) => {
  ensureIndexAsync(o: object): Promise<void>;
  insertAsync(d: object): Promise<unknown>;
  updateAsync(q: object, u: object, o?: object): Promise<unknown>;
  removeAsync(q: object, o?: object): Promise<number>;
  findAsync(q: object): Promise<Doc[]>;
  indexes: Record<string, { tree: { search(key: unknown): Doc[] } }>;
};

async function crowded() {
  installNedbIndexDeletes();
  const db = new Datastore({ inMemoryOnly: true });
  await db.ensureIndexAsync({ fieldName: 'status' });
  await db.insertAsync(Array.from({ length: 1000 }, (_, i) => ({ _id: `d${String(i).padStart(4, '0')}`, status: 'done', customerId: null })));
  return db;
}

describe('nedb in-place value delete', () => {
  test("removing one document from a crowded key splices it out of the key's entries instead of copying them", async () => {
    const db = await crowded();
    const entries = db.indexes.status!.tree.search('done');
    expect(entries).toHaveLength(1000);
    await db.removeAsync({ _id: 'd0500' });
    expect(db.indexes.status!.tree.search('done')).toBe(entries);
    expect(entries).toHaveLength(999);
    expect(entries.some((d) => d._id === 'd0500')).toBe(false);
    // re-keyed: leaves 'done' the same way, joins 'queued'
    await db.updateAsync({ _id: 'd0001' }, { $set: { status: 'queued' } });
    expect(db.indexes.status!.tree.search('done')).toBe(entries);
    expect(entries).toHaveLength(998);
    expect((await db.findAsync({ status: 'queued' })).map((d) => d._id)).toEqual(['d0001']);
  });

  test('many documents leaving a crowded key at once (a purge, a re-tag) leave it in one pass, in place', async () => {
    const db = await crowded();
    const entries = db.indexes.status!.tree.search('done');
    const some = Array.from({ length: 300 }, (_, i) => `d${String(i * 3).padStart(4, '0')}`);
    expect(await db.removeAsync({ _id: { $in: some } }, { multi: true })).toBe(300);
    expect(db.indexes.status!.tree.search('done')).toBe(entries);
    expect(entries).toHaveLength(700);
    const more = Array.from({ length: 200 }, (_, i) => `d${String(i * 3 + 1).padStart(4, '0')}`);
    await db.updateAsync({ _id: { $in: more } }, { $set: { status: 'queued' } }, { multi: true });
    expect(db.indexes.status!.tree.search('done')).toBe(entries);
    expect(entries).toHaveLength(500);
    expect(await db.findAsync({ status: 'queued' })).toHaveLength(200);
    expect(entries.every((d) => d.status === 'done')).toBe(true);
  });

  test('a key emptied one document at a time is gone from the index, as nedb leaves it', async () => {
    const db = await crowded();
    expect(await db.removeAsync({ status: 'done' }, { multi: true })).toBe(1000);
    expect(db.indexes.status!.tree.search('done')).toEqual([]);
    expect(await db.findAsync({ status: 'done' })).toEqual([]);
    await db.insertAsync({ _id: 'again', status: 'done', customerId: null });
    expect((await db.findAsync({ status: 'done' })).map((d) => d._id)).toEqual(['again']);
  });

  test('candidates a query already returned are not changed by a later removal', async () => {
    const db = await crowded();
    const before = await db.findAsync({ status: 'done' });
    await db.removeAsync({ _id: { $in: ['d0000', 'd0999'] } }, { multi: true });
    expect(before).toHaveLength(1000);
    expect(await db.findAsync({ status: 'done' })).toHaveLength(998);
  });
});

describe('entryIndex', () => {
  test('finds a document anywhere in a crowded key, by identity, or says it is not there', () => {
    const docs = Array.from({ length: 7 }, (_, i) => ({ _id: `d${i}` }));
    docs.forEach((d, i) => expect(entryIndex(docs, d)).toBe(i));
    expect(entryIndex(docs, { _id: 'd3' })).toBe(-1);
    expect(entryIndex([], docs[0]!)).toBe(-1);
    expect(entryIndex(docs.slice(0, 1), docs[0]!)).toBe(0);
    expect(entryIndex(docs.slice(0, 2), docs[1]!)).toBe(1);
  });

  test('reaches the newest and the oldest entry in one step each, where the worker moves documents on', () => {
    const docs = Array.from({ length: 10_000 }, (_, i) => ({ _id: `d${i}` }));
    let reads = 0;
    const counted = new Proxy(docs, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    expect(entryIndex(counted, docs[9_999]!)).toBe(9_999);
    expect(reads).toBeLessThanOrEqual(2);
    reads = 0;
    expect(entryIndex(counted, docs[0]!)).toBe(0);
    expect(reads).toBeLessThanOrEqual(2);
  });
});
