import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Aggregator } from 'mingo';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { benchTag } from '../../bench/lib/tags.js';
import type { Collection } from '../../src/store/collection.js';
import { NedbEngine } from '../../src/store/nedb-engine.js';
import type { TagRecord } from '../../src/store/records.js';

// An aggregation over many documents (the dashboard summary) is fed to its stages in slices, with a
// turn of the event loop between them: in one go, a million tags held every other request, timer and
// signal for seconds. Checked by ordering (the turns the loop took while it ran), not by time, and
// against mingo's general evaluator over the same documents.
const TAGS = 50_000;
let dir: string;
let engine: NedbEngine;
let tags: Collection<TagRecord>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-aggregate-'));
  engine = await NedbEngine.open(dir);
  tags = engine.collection<TagRecord>('tags');
  await tags.ensureIndex({ fields: { tenant: 1, at: -1 } });
  await tags.insertManyIgnoreDuplicates(Array.from({ length: TAGS }, (_, i) => benchTag(i)));
}, 60_000);

afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const byPolarity = (field: string) => [{ $group: { _id: { key: `$${field}`, polarity: '$polarity' }, n: { $sum: 1 } } }];
// the shape of TagsRepository.summary (its top facet with a total order and a filter mingo reads as nedb does)
const SUMMARY = [
  { $match: { tenant: 'default', at: { $gte: new Date('2026-09-15T00:00:00Z') } } },
  {
    $facet: {
      category: byPolarity('category'),
      day: byPolarity('day'),
      channel: byPolarity('channel'),
      top: [
        { $match: { polarity: 'negative', aspect: { $ne: null } } },
        { $group: { _id: { aspect: { $ifNull: ['$canonicalAspect', '$aspect'] }, category: '$category' }, count: { $sum: 1 } } },
        { $sort: { count: -1, '_id.aspect': 1, '_id.category': 1 } },
        { $limit: 10 },
      ],
    },
  },
];

/** Turns of the event loop (check phases) that pass while `run` is pending. */
async function turnsDuring<R>(run: () => Promise<R>): Promise<{ result: R; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = () => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await run();
  done = true;
  return { result, turns };
}

const sorted = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

describe('aggregations in slices', () => {
  test('a summary over 50,000 tags lets the event loop turn while it runs, and equals mingo over the same tags', async () => {
    const { result, turns } = await turnsDuring(() => tags.aggregate<Record<string, Record<string, unknown>[]>>(SUMMARY));
    // ~33,000 candidates after the date filter is several slices; in one go there was no turn at all
    expect(turns).toBeGreaterThanOrEqual(3);

    const docs = await tags.find(SUMMARY[0]!.$match as Record<string, unknown>);
    expect(docs.length).toBeGreaterThan(20_000);
    const [expected] = new Aggregator(SUMMARY.slice(1)).run(docs) as Record<string, Record<string, unknown>[]>[];
    const [facets] = result;
    for (const name of ['category', 'day', 'channel']) expect(sorted(facets![name]!), name).toEqual(sorted(expected![name]!));
    expect(facets!.top).toEqual(expected!.top);
    expect(facets!.category!.reduce((n, r) => n + (r.n as number), 0)).toBe(docs.length);
  });

  test('a pipeline the slices cannot feed (mingo stages on the documents) gives the same answer in one go', async () => {
    const pipeline = [{ $match: { tenant: 'acme' } }, { $project: { category: 1 } }, { $group: { _id: '$category', n: { $sum: 1 } } }];
    const result = await tags.aggregate<Record<string, unknown>>(pipeline);
    const expected = new Aggregator(pipeline.slice(1)).run(await tags.find({ tenant: 'acme' })) as Record<string, unknown>[];
    expect(sorted(result)).toEqual(sorted(expected));
  });
});
