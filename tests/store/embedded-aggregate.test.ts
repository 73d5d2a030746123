import { createRequire } from 'node:module';
import { Aggregator } from 'mingo';
import { describe, expect, test } from 'vitest';
import type { Filter } from '../../src/store/collection.js';
import { compileMatch, fastGroup } from '../../src/store/nedb-engine.js';

// The embedded engine's shortcuts for dashboard queries must agree with the general evaluators they
// bypass: compileMatch with nedb's own matcher, fastGroup with mingo's $group. Checked on random
// documents that include the awkward cases (missing fields, nulls, arrays, dates, mixed types).
const require = createRequire(import.meta.url);
const nedbModel = require('@seald-io/nedb/lib/model.js') as { match(doc: unknown, query: unknown): boolean };

let seed = 5;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const VALUES = ['network', 'price', '网络', '资费', '', 0, 3, 7.5, -1, null, undefined, true, false, ['network', 'price'], [], new Date('2026-10-03T00:00:00Z'), { x: 1 }, '2026-10-01', '2026-10-15', '2026-11-02'] as const;

function randomDoc(i: number): Record<string, unknown> {
  const d: Record<string, unknown> = { _id: `d${i}` };
  for (const f of ['category', 'polarity', 'day', 'score', 'aspect']) {
    const v = pick(VALUES);
    if (v !== undefined) d[f] = v;
  }
  return d;
}

function randomFilter(): Filter {
  const f: Filter = {};
  for (const key of ['category', 'polarity', 'day', 'score', 'aspect']) {
    const r = random();
    if (r < 0.5) continue;
    const operand = () => pick(['network', '网络', '', 0, 3, '2026-10-01', '2026-10-15', null, true] as const);
    if (r < 0.7) f[key] = operand();
    else {
      const ops: Record<string, unknown> = {};
      for (const op of ['$gt', '$gte', '$lt', '$lte', '$ne']) if (random() < 0.35) ops[op] = operand();
      f[key] = Object.keys(ops).length ? ops : { $ne: null };
    }
  }
  return f;
}

describe('embedded aggregation shortcuts', () => {
  test('compileMatch agrees with nedb on 20,000 random (document, filter) pairs', () => {
    const docs = Array.from({ length: 400 }, (_, i) => randomDoc(i));
    let compiled = 0;
    for (let k = 0; k < 50; k++) {
      const filter = randomFilter();
      const fn = compileMatch(filter);
      if (!fn) continue;
      compiled++;
      for (const d of docs) expect(fn(d), `${JSON.stringify(filter)} on ${JSON.stringify(d)}`).toBe(nedbModel.match(d, filter));
    }
    expect(compiled).toBeGreaterThan(30);
  });

  test('fastGroup agrees with mingo for field-path keys and $sum accumulators', () => {
    const docs = Array.from({ length: 2000 }, (_, i) => ({ ...randomDoc(i), n: pick([1, 2, 0.5, null, 'x'] as const) }));
    const specs: Record<string, unknown>[] = [
      { _id: { key: '$category', polarity: '$polarity' }, n: { $sum: 1 } },
      { _id: '$day', count: { $sum: 1 }, total: { $sum: '$n' } },
      { _id: { aspect: '$aspect', category: '$category' }, count: { $sum: 1 } },
      // the summary's top aspects: canonical aspect, else the aspect
      { _id: { aspect: { $ifNull: ['$score', '$aspect'] }, category: '$category' }, count: { $sum: 1 } },
      { _id: { $ifNull: ['$aspect', '$day', '$polarity'] }, n: { $sum: 1 } },
    ];
    const canon = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
    for (const spec of specs) {
      const ours = fastGroup(docs, spec);
      expect(ours).not.toBeNull();
      const theirs = new Aggregator([{ $group: spec }]).run(docs) as unknown[];
      expect(canon(ours!)).toEqual(canon(theirs));
    }
  });
});
