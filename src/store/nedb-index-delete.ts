import { createRequire } from 'node:module';

// An index key shared by many documents (every finished document has status 'done' and no lease; most
// have no customerId; a re-tag gives thousands the same retagJobId) keeps them all in one tree node's
// array. nedb removes a document from such a node by copying the array without it, one document at a
// time, so deleting or re-keying n documents of a group of k costs n·k: a retention purge of 10,000 of
// 45,000 documents (three tenants interleaved) took 148 s, the event loop blocked ~15 ms per document
// (2026-11-29, measured by hand). Two changes here:
//
// - Many documents at once (a multi-document remove, or an update that re-keys many, as a purge or a
//   re-tag does): each node they leave is filtered once for all of them, in place.
// - One document (a worker moving one document on): its entry is spliced out in place, no copy.
//
// In place is safe because nothing outside a synchronous call holds a node's array: nedb hands out
// candidates as a fresh array (_getCandidatesAsync copies), and this project's ordered scans read
// nodes without yielding (nedb-engine.ts). A node whose last entry goes still takes nedb's own path,
// which removes the node and rebalances the tree.

// resolved from nedb itself: the tree module nedb loads, whichever copy that is
const nedbRequire = createRequire(createRequire(import.meta.url).resolve('@seald-io/nedb/package.json'));
type Doc = Record<string, unknown>;
interface AvlNode {
  key?: unknown;
  data: Doc[];
  left?: AvlNode | null;
  right?: AvlNode | null;
  compareKeys(a: unknown, b: unknown): number;
  delete(key: unknown, value?: Doc): AvlNode | undefined;
}
export interface IndexLike {
  _fields: string[];
  sparse: boolean;
  tree: { search(key: unknown): Doc[] };
  remove(doc: Doc | Doc[]): void;
}
interface DatastoreLike {
  indexes: Record<string, IndexLike>;
  persistence: { persistNewStateAsync(docs: Doc[]): Promise<void> };
  _getCandidatesAsync(query: Doc, dontExpireStaleDocs?: boolean): Promise<Doc[]>;
}
const AVLTree = nedbRequire('@seald-io/binary-search-tree').AVLTree as { _AVLTree: { prototype: AvlNode & { __inPlaceDelete?: true } } };
const Datastore = nedbRequire('@seald-io/nedb') as { prototype: DatastoreLike & { __batchedRemove?: true; _removeAsync(query: Doc, options?: { multi?: boolean }): Promise<number> } };
const model = nedbRequire('@seald-io/nedb/lib/model.js') as { getDotValues(doc: Doc, fields: string[]): unknown; match(doc: Doc, query: Doc): boolean };

/**
 * Where `doc` sits in a node's entries, searched from both ends at once. Crowded keys (every document of a tenant
 * without a customerId) hold tens of thousands of entries; the worker moves on documents just added (at the end) or,
 * working off a backlog, the oldest (at the start), so either is found in a few steps where indexOf walked the whole
 * node for the newest: 0.84 ms per claim-and-finish at 100,000 documents against 0.43 at 2,000.
 */
export function entryIndex(entries: readonly Doc[], doc: Doc): number {
  for (let i = 0, j = entries.length - 1; i <= j; i++, j--) {
    if (entries[i] === doc) return i;
    if (entries[j] === doc) return j;
  }
  return -1;
}

function nodeOf(root: AvlNode, key: unknown): AvlNode | null {
  let node: AvlNode | null | undefined = root;
  while (node && Object.prototype.hasOwnProperty.call(node, 'key')) {
    const c = node.compareKeys(key, node.key);
    if (c === 0) return node;
    node = c < 0 ? node.left : node.right;
  }
  return null;
}

/**
 * Removes these documents from one index, as index.remove(doc) for each would: the entries of each
 * crowded node in one pass. Documents under array keys, and nodes left with no entry, go through nedb.
 */
export function removeManyFromIndex(index: IndexLike, docs: Doc[]): void {
  if (docs.length < 2) {
    for (const d of docs) index.remove(d);
    return;
  }
  const byNode = new Map<Doc[], Set<Doc>>();
  const one: Doc[] = [];
  for (const d of docs) {
    const key = model.getDotValues(d, index._fields);
    if (key === undefined && index.sparse) continue;
    const entries = Array.isArray(key) ? null : index.tree.search(key);
    if (!entries || entries.length < 2) {
      one.push(d);
      continue;
    }
    let leaving = byNode.get(entries);
    if (!leaving) byNode.set(entries, (leaving = new Set()));
    leaving.add(d);
  }
  for (const [entries, leaving] of byNode) {
    // every entry leaving: keep one for nedb to remove with its node
    let last: Doc | null = null;
    if (entries.every((d) => leaving.has(d))) {
      last = entries[entries.length - 1]!;
      leaving.delete(last);
    }
    let kept = 0;
    for (const d of entries) if (!leaving.has(d)) entries[kept++] = d;
    entries.length = kept;
    if (last) one.push(last);
  }
  for (const d of one) index.remove(d);
}

/** Installs both into nedb (the tree's value delete, the datastore's remove); idempotent. */
export function installNedbIndexDeletes(): void {
  const tree = AVLTree._AVLTree.prototype;
  if (!tree.__inPlaceDelete) {
    tree.__inPlaceDelete = true;
    const original = tree.delete;
    tree.delete = function (this: AvlNode, key: unknown, value?: Doc) {
      if (value !== undefined) {
        const node = nodeOf(this, key);
        // nedb drops the entries equal (===) to the value and keeps the node when it held more than
        // one. A document is under a key once (an array field's keys are made unique first), so the
        // search stops at the first.
        if (node && node.data.length > 1) {
          const at = entryIndex(node.data, value);
          if (at >= 0) node.data.splice(at, 1);
          return this;
        }
      }
      return original.call(this, key, value);
    };
  }
  const ds = Datastore.prototype;
  if (!ds.__batchedRemove) {
    ds.__batchedRemove = true;
    // nedb's own _removeAsync (4.1), with the documents taken out of each index together
    ds._removeAsync = async function (this: DatastoreLike, query: Doc, options: { multi?: boolean } = {}) {
      const multi = options.multi ?? false;
      const removed: Doc[] = [];
      for (const d of await this._getCandidatesAsync(query, true)) {
        if (model.match(d, query) && (multi || removed.length === 0)) removed.push(d);
      }
      for (const index of Object.values(this.indexes)) removeManyFromIndex(index, removed);
      await this.persistence.persistNewStateAsync(removed.map((d) => ({ $$deleted: true, _id: d._id })));
      return removed.length;
    };
  }
}
