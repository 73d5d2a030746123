import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Collection, Filter } from '../../src/store/collection.js';
import { NedbEngine } from '../../src/store/nedb-engine.js';

// find() with a sort ending in _id and a small limit walks an index in order and stops early
// (src/store/nedb-engine.ts, orderedScan). It must return exactly what nedb's full match-and-sort
// returns: here compared page by page against the same query without a limit (nedb's own path).
type Row = { _id: string; tenant: string; createdAt: Date; day: string; category: string; polarity: string; opinion: string; documentId: string };

const CATEGORIES = ['network', 'price', 'service_attitude', 'logistics', 'app_experience'];
const OPINIONS = ['网速太慢', '资费太贵', '客服态度很好', '快递很快', '系统卡顿', '办理效率高'];
let dir: string;
let engine: NedbEngine;
let rows: Collection<Row>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-scan-'));
  engine = await NedbEngine.open(dir);
  rows = engine.collection<Row>('rows');
  // the tag collection's indexes (src/store/tags-repository.ts)
  await rows.ensureIndex({ fields: { documentId: 1 } });
  await rows.ensureIndex({ fields: { tenant: 1, createdAt: -1 } });
  await rows.ensureIndex({ fields: { tenant: 1, day: 1 } });
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const docs: Row[] = [];
  for (let i = 0; i < 3000; i++) {
    // few distinct timestamps: many ties, which the _id tiebreak must order the same way
    const at = new Date(Date.UTC(2026, 9, 1) + Math.floor(random() * 400) * 3_600_000);
    docs.push({
      _id: `t${String(i).padStart(5, '0')}`,
      tenant: random() < 0.7 ? 'telecom' : 'bank',
      createdAt: at,
      day: at.toISOString().slice(0, 10),
      category: CATEGORIES[Math.floor(random() * CATEGORIES.length)]!,
      polarity: random() < 0.6 ? 'negative' : 'positive',
      opinion: OPINIONS[Math.floor(random() * OPINIONS.length)]!,
      documentId: `d${Math.floor(i / 3)}`,
    });
  }
  await rows.insertManyIgnoreDuplicates(docs);
});

afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// an hour on the data's grid: several rows share it
const TIE = new Date('2026-10-08T05:00:00Z');

const filters: [string, Filter][] = [
  ['tenant', { tenant: 'telecom' }],
  ['tenant + category + polarity', { tenant: 'telecom', category: 'network', polarity: 'negative' }],
  ['rare match', { tenant: 'bank', category: 'price', polarity: 'positive', opinion: '快递很快' }],
  ['no match', { tenant: 'insurance' }],
  ['date range', { tenant: 'telecom', createdAt: { $gte: new Date('2026-10-05T00:00:00Z'), $lt: new Date('2026-10-09T00:00:00Z') } }],
  // the walk is bounded by a range on the sorted field: every kind of bound, and ranges outside the data
  ['date range, strict low, inclusive high', { tenant: 'telecom', createdAt: { $gt: new Date('2026-10-05T03:00:00Z'), $lte: new Date('2026-10-09T07:00:00Z') } }],
  ['one instant', { createdAt: { $gte: new Date('2026-10-06T05:00:00Z'), $lte: new Date('2026-10-06T05:00:00Z') } }],
  ['upper bound only', { tenant: 'bank', createdAt: { $lt: new Date('2026-10-04T00:00:00Z') } }],
  ['lower bound only', { tenant: 'bank', createdAt: { $gte: new Date('2026-10-14T00:00:00Z') } }],
  ['range after the data', { createdAt: { $gte: new Date('2027-01-01T00:00:00Z') } }],
  ['range before the data', { createdAt: { $lt: new Date('2026-01-01T00:00:00Z') } }],
  ['empty range', { createdAt: { $gt: new Date('2026-10-06T05:00:00Z'), $lt: new Date('2026-10-06T05:00:00Z') } }],
  ['range and other fields', { tenant: 'telecom', polarity: 'positive', createdAt: { $gte: new Date('2026-10-02T00:00:00Z'), $lte: new Date('2026-10-15T00:00:00Z') } }],
  ['text search', { tenant: 'telecom', opinion: { $regex: /太/ } }],
  ['$in', { tenant: { $in: ['telecom', 'bank'] }, category: { $in: ['price', 'logistics'] } }],
  // a keyset cursor (query-service's afterCursor) bounds the walk through $and and $or: ties at the
  // cursor's instant continue by _id, and every branch of the $or counts
  ['keyset cursor in $and', { tenant: 'telecom', $and: [{ $or: [{ createdAt: { $lt: TIE } }, { createdAt: TIE, _id: { $lt: 't01500' } }] }] }],
  ['keyset cursor with a date range', { tenant: 'bank', createdAt: { $gte: new Date('2026-10-03T00:00:00Z') }, $or: [{ createdAt: { $lt: TIE } }, { createdAt: TIE, _id: { $lt: 't02000' } }] }],
  ['ascending keyset cursor', { $or: [{ createdAt: { $gt: TIE } }, { createdAt: TIE, _id: { $gt: 't00500' } }] }],
  ['$or with a branch that leaves the date open', { tenant: 'telecom', $or: [{ createdAt: { $lt: TIE } }, { polarity: 'positive' }] }],
  ['one instant by equality', { createdAt: TIE }],
  ['$and of ranges', { $and: [{ createdAt: { $gte: new Date('2026-10-04T00:00:00Z') } }, { createdAt: { $lt: TIE } }, { tenant: 'bank' }] }],
  // a filter that pins a field with its own index: a document's rows, a list of ids
  ['one document', { documentId: 'd40' }],
  ['some documents', { documentId: { $in: ['d1', 'd2', 'd999', 'nope'] }, polarity: 'negative' }],
  ['an id list', { _id: { $in: ['t00001', 't00002', 't01234', 't02999', 'missing'] }, tenant: 'telecom' }],
  ['a compound index pinned', { tenant: 'bank', day: '2026-10-05' }],
  ['pins inside $and', { $and: [{ tenant: 'telecom' }, { day: '2026-10-07' }, { documentId: { $in: ['d10', 'd11', 'd700', 'd701'] } }], polarity: 'negative' }],
  ['one document in $and', { $and: [{ documentId: 'd12' }, { tenant: 'telecom' }] }],
];

describe('ordered index scan for sorted, limited finds', () => {
  test.each(filters)('%s: every page equals nedb’s full sort', async (_name, filter) => {
    for (const sort of [{ createdAt: -1, _id: -1 }, { createdAt: 1, _id: 1 }, { createdAt: -1, _id: 1 }] as const) {
      const all = await rows.find(filter, { sort: { ...sort } });
      for (const [skip, limit] of [[0, 1], [0, 50], [50, 50], [0, 1000], [2990, 20]] as const) {
        const page = await rows.find(filter, { sort: { ...sort }, skip, limit });
        expect(page.map((r) => r._id)).toEqual(all.slice(skip, skip + limit).map((r) => r._id));
      }
    }
  });

  test('cursor pagination by (createdAt, _id) walks the whole feed without gaps or repeats', async () => {
    const all = await rows.find({ tenant: 'telecom' }, { sort: { createdAt: -1, _id: -1 } });
    const pages: string[] = [];
    let after: Row | null = null;
    for (;;) {
      const filter: Filter = after
        ? { tenant: 'telecom', $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after._id } }] }
        : { tenant: 'telecom' };
      const page = await rows.find(filter, { sort: { createdAt: -1, _id: -1 }, limit: 97 });
      if (page.length === 0) break;
      pages.push(...page.map((r) => r._id));
      after = page[page.length - 1]!;
    }
    expect(pages).toEqual(all.map((r) => r._id));
  });

  test('returns copies: changing a result does not change the store', async () => {
    const [first] = await rows.find({ tenant: 'bank' }, { sort: { createdAt: -1, _id: -1 }, limit: 1 });
    first!.opinion = '改动';
    const [again] = await rows.find({ tenant: 'bank' }, { sort: { createdAt: -1, _id: -1 }, limit: 1 });
    expect(again!._id).toBe(first!._id);
    expect(again!.opinion).not.toBe('改动');
  });
});

// How many documents a query tests against its filter, counted on nedb's matcher (which both the walk
// and nedb's own path call once per document considered): the work a page costs, independent of the
// machine's speed.
const nedbModel = createRequire(import.meta.url)('@seald-io/nedb/lib/model.js') as { match: (...args: unknown[]) => boolean };

async function matched<R>(query: () => Promise<R>): Promise<{ result: R; tested: number }> {
  const spy = vi.spyOn(nedbModel, 'match');
  try {
    const result = await query();
    return { result, tested: spy.mock.calls.length };
  } finally {
    spy.mockRestore();
  }
}

describe('what a page costs', () => {
  test('the rows tied at the cursor instant exist (the tie cases above test something)', async () => {
    expect((await rows.find({ createdAt: TIE })).length).toBeGreaterThan(2);
  });

  // An export pages through everything by keyset cursor. Each page must cost about its own size: it
  // cost everything before it (a walk from the newest row down to the cursor), or, at an export's page
  // size, everything matching (nedb's full sort, which the walk did not serve above 1,000 rows).
  test.each([100, 1001])('keyset pages of %i test about as many rows as they return, however deep', async (limit) => {
    const all = await rows.find({ tenant: 'telecom' }, { sort: { createdAt: -1, _id: -1 } });
    const seen: string[] = [];
    let after: Row | null = null;
    for (;;) {
      const cursor: Filter = after ? { $and: [{ $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after._id } }] }] } : {};
      const { result: page, tested } = await matched(() => rows.find({ tenant: 'telecom', ...cursor }, { sort: { createdAt: -1, _id: -1 }, limit }));
      // telecom is ~70% of the rows, and rows tied with the page's last instant are read too
      expect(tested).toBeGreaterThanOrEqual(page.length);
      expect(tested).toBeLessThanOrEqual(2 * limit + 20);
      if (page.length === 0) break;
      seen.push(...page.map((r) => r._id));
      after = page[page.length - 1]!;
    }
    expect(seen).toEqual(all.map((r) => r._id));
  });

  test('a page of rows named by id tests those rows, not the collection', async () => {
    const ids = ['t00007', 't00512', 't01999', 't02998', 'missing'];
    const { result, tested } = await matched(() => rows.find({ _id: { $in: ids } }, { sort: { createdAt: -1, _id: -1 }, limit: 1000 }));
    expect(result.map((r) => r._id).sort()).toEqual(ids.slice(0, 4));
    expect(tested).toBeGreaterThanOrEqual(4);
    expect(tested).toBeLessThanOrEqual(ids.length);
  });

  test("a tenant's day is found through the compound index, not by walking the tenant", async () => {
    const day = (await rows.find({ tenant: 'bank', day: '2026-10-05' })).length;
    expect(day).toBeGreaterThan(0);
    const { result, tested } = await matched(() => rows.find({ $and: [{ tenant: 'bank' }, { day: '2026-10-05' }] }, { sort: { createdAt: -1, _id: -1 }, limit: 50 }));
    expect(result.length).toBe(Math.min(day, 50));
    expect(tested).toBeGreaterThanOrEqual(result.length);
    expect(tested).toBeLessThanOrEqual(day);
  });

  test("a document's rows are found through its index, not by walking the tenant", async () => {
    const { result, tested } = await matched(() => rows.find({ tenant: 'telecom', documentId: 'd500' }, { sort: { createdAt: -1, _id: -1 }, limit: 50 }));
    expect(result.length).toBeGreaterThan(0);
    expect(result.every((r) => r.documentId === 'd500')).toBe(true);
    expect(tested).toBeGreaterThanOrEqual(result.length);
    expect(tested).toBeLessThanOrEqual(3);
  });
});
