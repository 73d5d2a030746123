import { createRequire } from 'node:module';

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
  const at = entries.indexOf(from);
  if (at < 0) return false;
  entries[at] = to;
  return true;
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
      original.call(this, rest);
    } catch (err) {
      for (const pair of swapped) swap(this, pair.newDoc, pair.oldDoc);
      throw err;
    }
  };
}
