import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
