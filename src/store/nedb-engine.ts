import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type NedbModule from '@seald-io/nedb';
import { Aggregator } from 'mingo';
import { lockDataDir } from './data-dir-lock.js';
import { DuplicateKeyError } from '../errors.js';
import type { Collection, Filter, FindOptions, IndexSpec, StoreEngine, Update } from './collection.js';
import { closeNedbAppendHandles, installNedbAppendHandles } from './nedb-append.js';
import { installNedbIndexDeletes } from './nedb-index-delete.js';
import { installNedbInPlaceIndexUpdate } from './nedb-index-update.js';

// nedb is CommonJS with `export default` typings, which NodeNext resolution misreads; load it plainly.
const require = createRequire(import.meta.url);
const Datastore = require('@seald-io/nedb') as typeof NedbModule.default;
const nedbModel = require('@seald-io/nedb/lib/model.js') as {
  match(doc: unknown, query: unknown): boolean;
  getDotValue(doc: unknown, path: string): unknown;
  compareThings(a: unknown, b: unknown): number;
  deepCopy<D>(doc: D): D;
};

interface AvlNode {
  key?: unknown;
  data: Record<string, unknown>[];
  left?: AvlNode | null;
  right?: AvlNode | null;
}
interface NedbInternals {
  indexes: Record<string, { _fields: string[]; sparse: boolean; tree: { tree: AvlNode }; getMatching(value: unknown): Record<string, unknown>[] }>;
  ttlIndexes: Record<string, number>;
}

/**
 * Largest skip + limit served by walking an index in order; beyond it nedb's full sort is no worse. An
 * export's page (1,000 rows and one more to know whether another page follows) must be served by the
 * walk: through nedb's full sort every page cost as much as sorting the whole tenant.
 */
const ORDERED_SCAN_MAX = 5000;

/**
 * Most documents a filter that pins an index (an _id list, one documentId, a tenant's customer) may
 * select for them to be matched and sorted directly. Below it that is cheaper than a walk, which for a
 * handful of scattered documents (the tags a page of corrections names, one customer's documents to
 * erase) went through the whole collection.
 */
const PINNED_MAX = 5000;

/**
 * The documents matching `filter` in the order of `sort` when the filter pins an index to a few values:
 * a single-field index to values or an $in list of them (`{ _id: { $in: ids } }`, `{ documentId }`), a
 * compound index to one value per field (`{ tenant, customerId }`), at the top level or in an $and.
 * All candidates the index holds for them, matched and sorted. Null when nothing is pinned or the
 * candidates are too many.
 */
function pinnedScan(db: NedbInternals, filter: Filter, sort: Record<string, 1 | -1>): Record<string, unknown>[] | null {
  const conds = conjuncts(filter);
  // Only values an index finds exactly what nedb matches for: arrays are indexed by element, and a
  // sparse index leaves out only documents without the field, which no such value matches. (A compound
  // index keys an array field as a whole, as nedb's own lookup through it does.)
  const point = (field: string) => conds.find(([k, v]) => k === field && isPointValue(v))?.[1];
  const list = (field: string) => conds.find(([k, v]) => k === field && isPointList(v))?.[1] as { $in: unknown[] } | undefined;
  let candidates: Record<string, unknown>[] | null = null;
  for (const index of Object.values(db.indexes)) {
    const fields = index._fields;
    let key: unknown;
    if (fields.length === 1) key = point(fields[0]!) ?? list(fields[0]!)?.$in;
    else if (fields.every((f) => point(f) !== undefined)) key = Object.fromEntries(fields.map((f) => [f, point(f)]));
    if (key === undefined) continue;
    const docs = index.getMatching(key);
    if (!candidates || docs.length < candidates.length) candidates = docs;
  }
  if (!candidates || candidates.length > PINNED_MAX) return null;
  return candidates.filter((doc) => nedbModel.match(doc, filter)).sort(byCriteria(sort));
}

/** The field conditions every match must meet: the top level's and its $and clauses'. */
function conjuncts(filter: Filter, out: [string, unknown][] = []): [string, unknown][] {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) for (const clause of cond as Filter[]) conjuncts(clause, out);
    else if (!key.startsWith('$')) out.push([key, cond]);
  }
  return out;
}

const isPointList = (v: unknown) => !!v && typeof v === 'object' && Object.keys(v).length === 1 && Array.isArray((v as { $in?: unknown }).$in) && (v as { $in: unknown[] }).$in.every(isPointValue);
const isPointValue = (v: unknown) => typeof v === 'string' || typeof v === 'number' || v instanceof Date;

function byCriteria(sort: Record<string, 1 | -1>) {
  const criteria = Object.entries(sort);
  return (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const [key, dir] of criteria) {
      const c = dir * nedbModel.compareThings(nedbModel.getDotValue(a, key), nedbModel.getDotValue(b, key));
      if (c !== 0) return c;
    }
    return 0;
  };
}

/**
 * The first `need` documents matching `filter` in the order of `sort`, read by walking an index whose
 * keys are ordered by the sort's first field and stopping once enough have matched, instead of nedb's
 * match-everything-then-sort. For the tag feed (newest first, a few filters, 50 a page) that is the
 * difference between touching the page's neighbourhood and every tag of the tenant. Null when no
 * index fits, so the caller falls back to nedb's own cursor and results never differ.
 */
function orderedScan(db: NedbInternals, filter: Filter, sort: Record<string, 1 | -1>, need: number): Record<string, unknown>[] | null {
  const [field, direction] = Object.entries(sort)[0]!;
  if (need > ORDERED_SCAN_MAX) return null;
  // nedb compares compound keys field by field in alphabetical order of the field names, so a compound
  // index is ordered by its alphabetically first field. Sparse indexes leave documents out.
  const index = Object.values(db.indexes).find((ix) => !ix.sparse && [...ix._fields].sort()[0] === field);
  if (!index) return null;
  const primary = (key: unknown) => (index._fields.length > 1 ? (key as Record<string, unknown>)[field] : key);
  // A range on the sorted field itself (the feed's from/to on `at`, and a keyset cursor's "before this
  // tag") bounds the walk: keys before the range in walk order are skipped with their whole subtree, and
  // the walk ends at the first key past it, instead of stepping through every newer tag to reach last
  // month, or every earlier page to reach the next one. Keys outside the range can never match it
  // (nedb compares only values of one type), so pruning them changes no result.
  const range = boundsOf(filter, field);
  const cmp = (k: unknown, bound: unknown) => nedbModel.compareThings(primary(k), bound);
  const belowLow = (k: unknown) => range.low !== undefined && (range.lowStrict ? cmp(k, range.low) <= 0 : cmp(k, range.low) < 0);
  const aboveHigh = (k: unknown) => range.high !== undefined && (range.highStrict ? cmp(k, range.high) >= 0 : cmp(k, range.high) > 0);
  const notYet = direction === -1 ? aboveHigh : belowLow;
  const past = direction === -1 ? belowLow : aboveHigh;
  const found: Record<string, unknown>[] = [];
  const seen = new Set<Record<string, unknown>>();
  let boundary: unknown;
  let stop = false;
  const visit = (node: AvlNode | null | undefined): void => {
    if (!node || stop) return;
    const hasKey = Object.prototype.hasOwnProperty.call(node, 'key');
    // this key and everything before it in walk order lie outside the range: only the later side can match
    if (hasKey && notYet(node.key)) {
      visit(direction === -1 ? node.left : node.right);
      return;
    }
    visit(direction === -1 ? node.right : node.left);
    if (stop || !hasKey) return;
    if (past(node.key)) {
      stop = true;
      return;
    }
    // Enough matched: keep going only through keys tied with the last one, which the full sort orders.
    if (found.length >= need && nedbModel.compareThings(primary(node.key), boundary) !== 0) {
      stop = true;
      return;
    }
    for (const doc of node.data) {
      if (seen.has(doc) || !nedbModel.match(doc, filter)) continue;
      seen.add(doc);
      found.push(doc);
      if (found.length === need) boundary = primary(node.key);
    }
    visit(direction === -1 ? node.left : node.right);
  };
  visit(index.tree.tree);
  return found.sort(byCriteria(sort));
}

interface Bounds {
  low?: unknown;
  lowStrict?: boolean;
  high?: unknown;
  highStrict?: boolean;
}

/** The bounds a filter value puts on a field: { $gte: a, $lt: b } → low a, high b (strict); a plain value → both. */
function rangeOf(cond: unknown): Bounds {
  if (isPointValue(cond)) return { low: cond, lowStrict: false, high: cond, highStrict: false };
  if (cond === null || typeof cond !== 'object' || cond instanceof Date || Array.isArray(cond) || cond instanceof RegExp) return {};
  const c = cond as Record<string, unknown>;
  const out: Bounds = {};
  if ('$gt' in c) Object.assign(out, { low: c.$gt, lowStrict: true });
  else if ('$gte' in c) Object.assign(out, { low: c.$gte, lowStrict: false });
  if ('$lt' in c) Object.assign(out, { high: c.$lt, highStrict: true });
  else if ('$lte' in c) Object.assign(out, { high: c.$lte, highStrict: false });
  return out;
}

/**
 * The bounds a whole filter puts on `field`: every clause of an $and (and the top level) must hold, so
 * the tightest; one branch of an $or is enough, so the loosest, and none when a branch leaves the field
 * open. A keyset cursor, { $or: [{ at: { $lt: c } }, { at: c, _id: { $lt: i } }] }, bounds `at` to ≤ c.
 */
function boundsOf(filter: Filter, field: string): Bounds {
  let out = field in filter ? rangeOf(filter[field]) : {};
  const and = filter.$and;
  if (Array.isArray(and)) for (const clause of and as Filter[]) out = tighter(out, boundsOf(clause, field));
  const or = filter.$or;
  if (Array.isArray(or) && or.length > 0) out = tighter(out, (or as Filter[]).map((branch) => boundsOf(branch, field)).reduce(looser));
  return out;
}

type Side = { value?: unknown; strict?: boolean };
const low = (b: Bounds): Side => ({ value: b.low, strict: b.lowStrict });
const high = (b: Bounds): Side => ({ value: b.high, strict: b.highStrict });
const bounds = (l: Side, h: Side): Bounds => ({
  ...(l.value !== undefined ? { low: l.value, lowStrict: l.strict ?? false } : {}),
  ...(h.value !== undefined ? { high: h.value, highStrict: h.strict ?? false } : {}),
});

/** Of two bounds on one side, the one that admits less (`sign` 1 for low bounds, -1 for high ones). */
function narrower(a: Side, b: Side, sign: 1 | -1): Side {
  if (a.value === undefined) return b;
  if (b.value === undefined) return a;
  const c = sign * nedbModel.compareThings(a.value, b.value);
  return c > 0 ? a : c < 0 ? b : { value: a.value, strict: !!a.strict || !!b.strict };
}

/** Of two bounds on one side, the one that admits more; an open side stays open. */
function wider(a: Side, b: Side, sign: 1 | -1): Side {
  if (a.value === undefined || b.value === undefined) return {};
  const c = sign * nedbModel.compareThings(a.value, b.value);
  return c < 0 ? a : c > 0 ? b : { value: a.value, strict: !!a.strict && !!b.strict };
}

const tighter = (a: Bounds, b: Bounds): Bounds => bounds(narrower(low(a), low(b), 1), narrower(high(a), high(b), -1));
const looser = (a: Bounds, b: Bounds): Bounds => bounds(wider(low(a), low(b), 1), wider(high(a), high(b), -1));

type Row = Record<string, unknown>;
type Stage = Record<string, unknown>;

/** Reads a field path; undefined when missing (nedb's getDotValue splits the path on every call). */
function accessor(path: string): (d: Row) => unknown {
  if (!path.includes('.')) return (d) => d[path];
  return (d) => nedbModel.getDotValue(d, path);
}

/** A group key as a string, without JSON.stringify for the plain values dashboards group by. */
function keyPart(v: unknown): string {
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'number') return `n${v}`;
  if (v === null) return 'z';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v === undefined) return 'u';
  return `j${JSON.stringify(v)}`;
}

/**
 * Counting $group stages — an _id of field paths, accumulators `{$sum: 1}` or `{$sum: '$field'}` —
 * are what dashboards run over many documents; mingo's general evaluator takes ~10× a plain loop for
 * them (bench/query profile). Anything else returns null and goes to mingo, so results never differ.
 */
export function fastGroup(docs: Row[], spec: Record<string, unknown>): Row[] | null {
  const group = groupAccumulator(spec);
  if (!group) return null;
  for (const d of docs) group.add(d);
  return group.rows();
}

/** fastGroup one document at a time (aggregations fed in slices); null for the specs fastGroup refuses. */
function groupAccumulator(spec: Record<string, unknown>): { add(d: Row): void; rows(): Row[] } | null {
  const path = (v: unknown) => (typeof v === 'string' && v.startsWith('$') && !v.startsWith('$$') ? v.slice(1) : null);
  // A key part is a field path, or { $ifNull: [paths…] } (the first that is neither null nor missing,
  // as the summary groups aspects by canonical aspect, else the aspect itself).
  const getter = (v: unknown): ((d: Row) => unknown) | null => {
    if (path(v)) return accessor(path(v)!);
    const args = v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 ? (v as { $ifNull?: unknown }).$ifNull : undefined;
    if (!Array.isArray(args) || args.length < 2 || !args.every((a) => path(a))) return null;
    const gets = args.map((a) => accessor(path(a)!));
    return (d) => {
      let value: unknown;
      for (const get of gets) {
        value = get(d);
        if (value !== null && value !== undefined) return value;
      }
      return value;
    };
  };
  const id = spec._id;
  let fields: (readonly [string, (d: Row) => unknown])[] | null = null;
  let single: ((d: Row) => unknown) | null = null;
  if (id && typeof id === 'object' && !Array.isArray(id) && !('$ifNull' in id)) {
    fields = [];
    for (const [k, v] of Object.entries(id)) {
      const get = getter(v);
      if (!get) return null;
      fields.push([k, get]);
    }
  } else {
    single = getter(id);
    if (!single) return null;
  }
  const sums: [string, ((d: Row) => unknown) | 1][] = [];
  for (const [name, acc] of Object.entries(spec)) {
    if (name === '_id') continue;
    if (!acc || typeof acc !== 'object' || Object.keys(acc).length !== 1 || !('$sum' in acc)) return null;
    const arg = (acc as { $sum: unknown }).$sum;
    if (arg === 1) sums.push([name, 1]);
    else if (path(arg)) sums.push([name, accessor(path(arg)!)]);
    else return null;
  }
  const groups = new Map<string, Row>();
  const add = (d: Row) => {
    let key: string;
    if (fields) {
      key = '';
      for (const [, get] of fields) key += `${keyPart(get(d))}\u0000`;
    } else key = keyPart(single!(d) ?? null);
    let row = groups.get(key);
    if (!row) {
      // as in MongoDB: a missing field is left out of a compound _id, and is null as a whole _id
      const keyValue = fields ? Object.fromEntries(fields.map(([k, get]) => [k, get(d)]).filter(([, v]) => v !== undefined)) : (single!(d) ?? null);
      row = { _id: keyValue };
      for (const [n] of sums) row[n] = 0;
      groups.set(key, row);
    }
    for (const [n, get] of sums) {
      const value = get === 1 ? 1 : get(d);
      if (typeof value === 'number') row[n] = (row[n] as number) + value;
    }
  };
  return { add, rows: () => [...groups.values()] };
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte', '$ne']);

/**
 * A matcher for the filters dashboards send (top-level fields equal to a plain value, or within a
 * string/number range), mirroring nedb's semantics; null for anything else, which nedb's matcher
 * evaluates. A document whose field holds an array or object goes to nedb's matcher too (nedb
 * matches arrays by element), so results never differ.
 */
export function compileMatch(filter: Filter): ((d: Row) => boolean) | null {
  const tests: ((v: unknown) => boolean)[] = [];
  const keys: string[] = [];
  for (const [key, q] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.')) return null;
    if (q === null || typeof q === 'string' || typeof q === 'number' || typeof q === 'boolean') {
      tests.push((v) => v === q);
    } else if (q && typeof q === 'object' && !Array.isArray(q) && !(q instanceof Date) && !(q instanceof RegExp)) {
      const ops = Object.entries(q as Record<string, unknown>);
      // $nin of plain values: the live-tag clause every tag read carries (TagsRepository)
      const nin = ops.length === 1 && ops[0]![0] === '$nin' ? ops[0]![1] : undefined;
      if (Array.isArray(nin) && nin.every((b) => b === null || ['string', 'number', 'boolean'].includes(typeof b))) {
        tests.push((v) => !nin.includes(v));
        keys.push(key);
        continue;
      }
      if (ops.length === 0 || ops.some(([op, b]) => !RANGE_OPS.has(op) || (op === '$ne' ? b !== null && typeof b !== 'string' && typeof b !== 'number' && typeof b !== 'boolean' : typeof b !== 'string' && typeof b !== 'number'))) return null;
      tests.push((v) =>
        ops.every(([op, b]) => {
          if (op === '$ne') return v === undefined || v !== b;
          if (typeof v !== typeof b) return false; // nedb's areComparable
          const a = v as string | number;
          const c = b as string | number;
          return op === '$gt' ? a > c : op === '$gte' ? a >= c : op === '$lt' ? a < c : a <= c;
        }),
      );
    } else return null;
    keys.push(key);
  }
  return (d) => {
    for (let i = 0; i < keys.length; i++) {
      const v = d[keys[i]!];
      // arrays, objects and dates: nedb's own rules
      if (v !== null && typeof v === 'object') return nedbModel.match(d, filter);
      if (!tests[i]!(v)) return false;
    }
    return true;
  };
}

const matcher = (filter: Filter) => compileMatch(filter) ?? ((d: Row) => nedbModel.match(d, filter));

/** A pipeline fed one document at a time; `finish` gives what the stages would have returned. */
interface Sink {
  add(doc: Row): void;
  finish(): Row[];
}

/**
 * The pipeline as a Sink, so the documents can be fed in slices with turns of the event loop between
 * them: $match, counting $group and a final $facet take each document as it comes (what follows a
 * $group runs on its grouped rows); any other stage collects the documents that reach it and runs
 * with the rest of its pipeline at the end. Fed in the same order, it returns what runPipeline returns.
 */
function pipelineSink(stages: Stage[]): Sink {
  const [stage, ...rest] = stages;
  if (stage && '$match' in stage) {
    const test = matcher(stage.$match as Filter);
    const next = pipelineSink(rest);
    return { add: (d) => void (test(d) && next.add(d)), finish: () => next.finish() };
  }
  if (stage && '$facet' in stage && rest.length === 0) {
    const facets = Object.entries(stage.$facet as Record<string, Stage[]>).map(([name, sub]) => [name, pipelineSink(sub)] as const);
    return {
      add: (d) => facets.forEach(([, sink]) => sink.add(d)),
      finish: () => [Object.fromEntries(facets.map(([name, sink]) => [name, sink.finish()]))],
    };
  }
  const group = stage && '$group' in stage ? groupAccumulator(stage.$group as Record<string, unknown>) : null;
  if (group) return { add: group.add, finish: () => (rest.length ? (new Aggregator(rest).run(group.rows()) as Row[]) : group.rows()) };
  // anything else is mingo's, on the documents that reached it, at the end
  const docs: Row[] = [];
  return { add: (d) => void docs.push(d), finish: () => runPipeline(docs, stages) };
}

/** Documents fed to an aggregation between two turns of the event loop. */
const AGGREGATE_SLICE = 10_000;

function runPipeline(docs: Row[], stages: Stage[]): Row[] {
  const [stage, ...rest] = stages;
  if (!stage) return docs;
  if ('$match' in stage) return runPipeline(docs.filter(matcher(stage.$match as Filter)), rest);
  if ('$facet' in stage && rest.length === 0) {
    const facets = stage.$facet as Record<string, Stage[]>;
    return [Object.fromEntries(Object.entries(facets).map(([name, sub]) => [name, runPipeline(docs, sub)]))];
  }
  if ('$group' in stage) {
    const grouped = fastGroup(docs, stage.$group as Record<string, unknown>);
    if (grouped) return rest.length ? (new Aggregator(rest).run(grouped) as Row[]) : grouped;
  }
  return new Aggregator(stages).run(docs) as Row[];
}
type Datastore<T = Record<string, unknown>> = NedbModule.default<T>;

/**
 * Reads that can touch many documents wait for the event loop's next turn first, as each write already
 * does (nedb-append.ts) and as every MongoDB round trip does. nedb answers from memory through promises
 * alone, so a loop of awaited reads (an export's pages, an erasure collecting ids, training collecting
 * corrections) otherwise never let a timer, a signal or another request's socket run until it ended.
 */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

// The embedded engine: one append-only nedb file per collection under DATA_DIR, fully in memory.
// Good for first runs and small installs (see README for the measured ceiling); MongoDB beyond it.

const isUniqueViolation = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { errorType?: string }).errorType === 'uniqueViolated';

class NedbCollection<T extends { _id: string }> implements Collection<T> {
  constructor(
    readonly name: string,
    private readonly db: Datastore<T>,
  ) {}

  async ensureIndex(spec: IndexSpec): Promise<void> {
    const fields = Object.keys(spec.fields);
    await this.db.ensureIndexAsync({
      fieldName: fields.length === 1 ? fields[0]! : fields,
      unique: spec.unique ?? false,
      sparse: spec.sparse ?? false,
      ...(spec.expireAfterSeconds !== undefined ? { expireAfterSeconds: spec.expireAfterSeconds } : {}),
    });
  }

  async dropIndex(fields: Record<string, 1 | -1>): Promise<void> {
    // nedb names an index by its field names, sorted and comma-joined
    const name = Object.keys(fields).sort().join(',');
    if ((this.db as unknown as NedbInternals).indexes[name]) await this.db.removeIndexAsync(name);
  }

  async insertOne(doc: T): Promise<void> {
    try {
      await this.db.insertAsync(doc);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name);
      throw err;
    }
  }

  async insertManyIgnoreDuplicates(docs: T[]): Promise<number> {
    if (docs.length === 0) return 0;
    // One array insert is one append to the data file. nedb rolls the whole array back on a unique
    // violation, so only then fall back to one insert per document.
    try {
      await this.db.insertAsync(docs);
      return docs.length;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    let inserted = 0;
    for (const doc of docs) {
      try {
        await this.db.insertAsync(doc);
        inserted++;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    return inserted;
  }

  async findOne(filter: Filter): Promise<T | null> {
    return (await this.db.findOneAsync(filter)) ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    await yieldToLoop();
    const db = this.db as unknown as NedbInternals;
    // A total order (the sort ends in _id), so ties between equal keys cannot come out in another order
    // than nedb's; and no TTL index, whose expired documents only nedb's own path removes.
    if (options.sort && '_id' in options.sort && options.limit !== undefined && options.limit > 0) {
      await this.db.autoloadPromise;
      if (Object.keys(db.ttlIndexes).length === 0) {
        const skip = options.skip ?? 0;
        const sort = options.sort as Record<string, 1 | -1>;
        const docs = pinnedScan(db, filter, sort) ?? orderedScan(db, filter, sort, skip + options.limit);
        // find() hands out copies, as nedb's own cursor does
        if (docs) return docs.slice(skip, skip + options.limit).map((d) => nedbModel.deepCopy(d) as unknown as T);
      }
    }
    let cursor = this.db.findAsync(filter);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    return cursor.execAsync();
  }

  async count(filter: Filter): Promise<number> {
    await yieldToLoop();
    return this.db.countAsync(filter).execAsync();
  }

  async updateOne(filter: Filter, update: Update): Promise<number> {
    try {
      const { numAffected } = await this.db.updateAsync(filter, update, { multi: false });
      return numAffected;
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name);
      throw err;
    }
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    const { numAffected } = await this.db.updateAsync(filter, update, { multi: true });
    return numAffected;
  }

  async findOneAndUpdate(filter: Filter, update: Update): Promise<T | null> {
    // nedb runs commands one at a time through its executor, so find-then-update by _id inside one
    // update call is atomic with respect to other commands on this datastore.
    const { affectedDocuments } = await this.db.updateAsync(filter, update, {
      multi: false,
      returnUpdatedDocs: true,
    });
    return (affectedDocuments as T | null) ?? null;
  }

  async deleteMany(filter: Filter): Promise<number> {
    return this.db.removeAsync(filter, { multi: true });
  }

  async aggregate<R>(pipeline: Record<string, unknown>[]): Promise<R[]> {
    await yieldToLoop();
    // A leading $match runs in nedb (which can use its indexes); mingo does the rest in memory.
    const [first, ...rest] = pipeline;
    const match = first && '$match' in first ? (first.$match as Filter) : null;
    // find() deep-copies every matching document, which was half the cost of a dashboard query
    // (bench/query profile). Aggregation stages only read, so hand mingo the stored objects: the
    // index-backed candidates, filtered with nedb's own matcher. (_getCandidatesAsync is internal to
    // nedb; the version is pinned by the lock file and the store contract tests cover this path.)
    const internal = this.db as unknown as { _getCandidatesAsync(query: Filter): Promise<Row[]> };
    const candidates = await internal._getCandidatesAsync(match ?? {});
    const stages = match ? rest : pipeline;
    const test = match ? matcher(match) : null;
    // A dashboard summary over a million tags is seconds of work: fed in slices, with a turn of the
    // event loop between them, it no longer holds every other request and timer for all of it. The
    // candidates are a fresh array of the stored objects as they were when it began (nedb replaces an
    // updated document rather than changing it), so the answer is the same as in one go.
    if (candidates.length <= AGGREGATE_SLICE) return runPipeline(test ? candidates.filter(test) : candidates, stages) as R[];
    const sink = pipelineSink(stages);
    for (let start = 0; start < candidates.length; start += AGGREGATE_SLICE) {
      if (start > 0) await yieldToLoop();
      const end = Math.min(start + AGGREGATE_SLICE, candidates.length);
      for (let i = start; i < end; i++) {
        const doc = candidates[i]!;
        if (!test || test(doc)) sink.add(doc);
      }
    }
    return sink.finish() as R[];
  }
}

export class NedbEngine implements StoreEngine {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<string, NedbCollection<never>>();
  private readonly stores: Datastore[] = [];
  private readonly byName = new Map<string, Datastore>();

  private constructor(
    private readonly dir: string,
    private readonly unlock: () => void,
  ) {}

  static async open(dir: string): Promise<NedbEngine> {
    fs.mkdirSync(dir, { recursive: true });
    // before any collection loads: loading rewrites the files another process may be appending to
    const unlock = lockDataDir(dir);
    installNedbAppendHandles();
    installNedbInPlaceIndexUpdate();
    installNedbIndexDeletes();
    return new NedbEngine(dir, unlock);
  }

  /** Collections load lazily but synchronously usable: callers await ready() through ensureIndex. */
  collection<T extends { _id: string }>(name: string): Collection<T> {
    let existing = this.collections.get(name);
    if (!existing) {
      const db = new Datastore<T>({ filename: path.join(this.dir, `${name}.db`), autoload: true });
      // Compaction rewrites the append-only file; hourly keeps it bounded without stalling writes often.
      db.setAutocompactionInterval(60 * 60 * 1000);
      this.stores.push(db as unknown as Datastore);
      this.byName.set(name, db as unknown as Datastore);
      existing = new NedbCollection<T>(name, db) as unknown as NedbCollection<never>;
      this.collections.set(name, existing);
    }
    return existing as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    await Promise.all(this.stores.map((s) => s.autoloadPromise));
  }

  /**
   * Rewrites collections' files without their superseded lines (also what close() ends with). Only
   * the named ones when given: erasure must not leave a deleted customer's lines in the append-only
   * files until the hourly autocompaction, and rewriting every file for that would cost far more.
   */
  async compact(collections?: string[]): Promise<void> {
    const dbs = collections ? collections.flatMap((n) => this.byName.get(n) ?? []) : this.stores;
    for (const db of dbs) {
      await db.autoloadPromise;
      await db.compactDatafileAsync();
    }
  }

  async close(): Promise<void> {
    for (const db of this.stores) db.stopAutocompaction();
    try {
      await this.compact();
      closeNedbAppendHandles(this.dir);
    } finally {
      this.unlock();
    }
  }
}
