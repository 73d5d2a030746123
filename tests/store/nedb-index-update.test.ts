import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { installNedbIndexDeletes } from '../../src/store/nedb-index-delete.js';
import { installNedbInPlaceIndexUpdate } from '../../src/store/nedb-index-update.js';

// The in-place index update (src/store/nedb-index-update.ts) must leave every index exactly as a
// rebuild from the stored documents would: each indexed document found under its current key, as
// the very object the datastore holds, and nothing else. Checked after many random updates that
// change indexed fields, leave them alone, or break a unique constraint (which nedb rolls back).
// With the in-place value delete (nedb-index-delete.ts) installed too, as NedbEngine.open does: four
// statuses over a few hundred documents keep many documents under each key.

const require = createRequire(import.meta.url);
type Doc = { _id: string; tenant: string; status: string; lease: number | null; ext: string; batch?: string; tags: string[] };
interface Index {
  fieldName: string;
  sparse: boolean;
  _fields: string[];
  getAll(): Doc[];
  getMatching(key: unknown): Doc[];
}
const Datastore = require('@seald-io/nedb') as new (o: object) => {
  ensureIndexAsync(o: object): Promise<void>;
  insertAsync(d: object): Promise<unknown>;
  updateAsync(q: object, u: object, o?: object): Promise<unknown>;
  removeAsync(q: object, o?: object): Promise<number>;
  getAllData(): Doc[];
  indexes: Record<string, Index>;
};
const model = require('@seald-io/nedb/lib/model.js') as { getDotValues(doc: object, fields: string[]): unknown };

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('nedb in-place index update', () => {
  test('every index matches the stored documents after 3,000 random commands', async () => {
    installNedbInPlaceIndexUpdate();
    installNedbIndexDeletes();
    const db = new Datastore({ inMemoryOnly: true });
    await db.ensureIndexAsync({ fieldName: ['tenant', 'ext'], unique: true });
    await db.ensureIndexAsync({ fieldName: ['status', 'lease'] });
    await db.ensureIndexAsync({ fieldName: 'batch', sparse: true });
    await db.ensureIndexAsync({ fieldName: 'tags' });
    const random = rng(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const statuses = ['queued', 'processing', 'done', 'failed'];
    let uniqueErrors = 0;
    for (let i = 0; i < 3000; i++) {
      const id = `d${Math.floor(random() * 300)}`;
      const r = random();
      try {
        if (r < 0.3) {
          await db.insertAsync({ _id: `n${i}`, tenant: pick(['t1', 't2']), status: 'queued', lease: null, ext: `e${Math.floor(random() * 400)}`, tags: [pick(['网络', '资费', '客服'])] });
        } else if (r < 0.6) {
          // indexed fields unchanged: the in-place path
          await db.updateAsync({ _id: { $in: [id, `n${Math.floor(random() * i)}`] } }, { $set: { note: `备注${i}` } }, { multi: true });
        } else if (r < 0.8) {
          await db.updateAsync({ _id: id }, { $set: { status: pick(statuses), lease: random() < 0.5 ? null : i } });
        } else if (r < 0.9) {
          // may collide with another document's (tenant, ext): nedb must roll the whole update back
          await db.updateAsync({ status: pick(statuses) }, { $set: { ext: `e${Math.floor(random() * 400)}`, batch: random() < 0.5 ? `b${i % 5}` : undefined } }, { multi: random() < 0.3 });
        } else if (r < 0.94) {
          await db.updateAsync({ _id: id }, { $push: { tags: pick(['网络', '资费', '客服']) } });
        } else if (r < 0.96) {
          // many documents leave a crowded (status, lease) key at once: the batched path
          await db.updateAsync({ tenant: pick(['t1', 't2']), status: pick(statuses) }, { $set: { status: pick(statuses), lease: random() < 0.7 ? null : i } }, { multi: true });
        } else if (r < 0.965) {
          await db.removeAsync({ tenant: pick(['t1', 't2']), status: pick(statuses), lease: null }, { multi: true });
        } else {
          await db.removeAsync({ _id: id });
        }
      } catch (err) {
        if ((err as { errorType?: string }).errorType !== 'uniqueViolated') throw err;
        uniqueErrors++;
      }
      if (i === 0) for (let k = 0; k < 300; k++) await db.insertAsync({ _id: `d${k}`, tenant: 't1', status: 'queued', lease: null, ext: `x${k}`, tags: [] }).catch(() => undefined);
    }
    expect(uniqueErrors).toBeGreaterThan(0);
    const docs = db.getAllData();
    for (const index of Object.values(db.indexes)) {
      const indexed = new Set(index.getAll());
      for (const doc of docs) {
        const key = model.getDotValues(doc, index._fields);
        const keys = Array.isArray(key) ? key : [key];
        // nedb leaves out a sparse index's missing keys and an array field's empty arrays
        if ((index.sparse && key === undefined) || (Array.isArray(key) && key.length === 0)) {
          expect(indexed.has(doc)).toBe(false);
          continue;
        }
        expect(indexed.has(doc)).toBe(true);
        for (const k of keys) expect(index.getMatching(k)).toContain(doc);
      }
      // no stale object left behind: everything in the index is a live document
      const live = new Set(docs);
      for (const d of indexed) expect(live.has(d)).toBe(true);
    }
  });
});
