import { createRequire } from 'node:module';
import { entryIndex, removeManyFromIndex, type IndexLike as RemovableIndex } from './nedb-index-delete.js';

// nedb updates a document in every index by deleting it and inserting the new version, even when
// the indexed fields did not change: each status change of a document rebalanced seven AVL trees
// (the documents collection's indexes), ~7% of the main thread under the pipeline benchmark.
// Indexes hold the document objects themselves, so an unchanged key still needs its entry pointed at
// the new object: done here in place, in the node found by one search. Anything else (changed keys,
// array keys, documents missing from the node) goes through nedb's own update, and a failure there
// puts the in-place swaps back before rethrowing, so nedb's rollback sees the index as it left it.

const require = createRequire(import.meta.url);
type Doc = Record<string, unknown>;
type Pair = { oldDoc: Doc; newDoc: Doc };
interface IndexLike {
  _fields: string[];
  tree: { search(key: unknown): Doc[]; tree: { compareKeys(a: unknown, b: unknown): number } };
  update(oldDoc: Doc | Pair[], newDoc?: Doc): void;
}
const Index = require('@seald-io/nedb/lib/indexes.js') as { prototype: IndexLike & { __inPlace?: true } };
const model = require('@seald-io/nedb/lib/model.js') as { getDotValues(doc: Doc, fields: string[]): unknown };

function swap(index: IndexLike, from: Doc, to: Doc): boolean {
  const key = model.getDotValues(from, index._fields);
  const next = model.getDotValues(to, index._fields);
  if (Array.isArray(key) || Array.isArray(next) || key === undefined || next === undefined) return false;
  if (index.tree.tree.compareKeys(key, next) !== 0) return false;
  const entries = index.tree.search(key);
  const at = entryIndex(entries, from);
  if (at < 0) return false;
  entries[at] = to;
  return true;
}

/**
 * nedb's updateMultipleDocs, with the old documents taken out of the index together
 * (nedb-index-delete.ts: one at a time, a re-tag of n documents of a crowded key cost n times its
 * size). The same rollback: a unique violation puts every old document back and rethrows.
 */
function reKeyMany(index: RemovableIndex & { insert(doc: Doc): void }, pairs: Pair[]): void {
  removeManyFromIndex(index, pairs.map((p) => p.oldDoc));
  const inserted: Doc[] = [];
  try {
    for (const { newDoc } of pairs) {
      index.insert(newDoc);
      inserted.push(newDoc);
    }
  } catch (err) {
    removeManyFromIndex(index, inserted);
    for (const { oldDoc } of pairs) index.insert(oldDoc);
    throw err;
  }
}

/** Installs the in-place index update into nedb's Index class; idempotent. */
export function installNedbInPlaceIndexUpdate(): void {
  const proto = Index.prototype;
  if (proto.__inPlace) return;
  proto.__inPlace = true;
  const original = proto.update;
  proto.update = function (this: IndexLike, oldDoc: Doc | Pair[], newDoc?: Doc) {
    const pairs = Array.isArray(oldDoc) ? oldDoc : [{ oldDoc, newDoc: newDoc! }];
    const swapped: Pair[] = [];
    const rest: Pair[] = [];
    for (const pair of pairs) (swap(this, pair.oldDoc, pair.newDoc) ? swapped : rest).push(pair);
    if (rest.length === 0) return;
    try {
      if (rest.length === 1) original.call(this, rest);
      else reKeyMany(this as unknown as RemovableIndex & { insert(doc: Doc): void }, rest);
    } catch (err) {
      for (const pair of swapped) swap(this, pair.newDoc, pair.oldDoc);
      throw err;
    }
  };
}
