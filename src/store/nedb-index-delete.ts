import { createRequire } from 'node:module';

// An index key shared by many documents (every finished document has status 'done' and no lease; most
// have no customerId; a re-tag gives thousands the same retagJobId and lease) keeps them all in one
// tree node. nedb removes one document from such a node by copying the node's array without it, so
// deleting or re-keying documents one by one costs the size of the group each time: a retention
// purge of 10,000 of 45,000 documents (three tenants interleaved) took 148 s, the event loop blocked
// ~15 ms per document; 2.6-3.2 s with this (2026-11-29, measured by hand). Here the one entry is
// spliced out of the array in place instead: the same result, without the copy and its garbage.
//
// In place is safe because nothing outside a synchronous call holds a node's array: nedb hands out
// candidates as a fresh array (_getCandidatesAsync copies), and this project's ordered scans read
// nodes without yielding (nedb-engine.ts). A node whose last entry goes still takes nedb's own path,
// which removes the node and rebalances the tree.

// resolved from nedb itself: the tree module nedb loads, whichever copy that is
const require = createRequire(createRequire(import.meta.url).resolve('@seald-io/nedb/package.json'));
type Doc = Record<string, unknown>;
interface AvlNode {
  key?: unknown;
  data: Doc[];
  left?: AvlNode | null;
  right?: AvlNode | null;
  compareKeys(a: unknown, b: unknown): number;
  delete(key: unknown, value?: Doc): AvlNode | undefined;
}
const AVLTree = require('@seald-io/binary-search-tree').AVLTree as { _AVLTree: { prototype: AvlNode & { __inPlaceDelete?: true } } };

function nodeOf(root: AvlNode, key: unknown): AvlNode | null {
  let node: AvlNode | null | undefined = root;
  while (node && Object.prototype.hasOwnProperty.call(node, 'key')) {
    const c = node.compareKeys(key, node.key);
    if (c === 0) return node;
    node = c < 0 ? node.left : node.right;
  }
  return null;
}

/** Installs the in-place value delete into the AVL tree nedb's indexes use; idempotent. */
export function installNedbInPlaceValueDelete(): void {
  const proto = AVLTree._AVLTree.prototype;
  if (proto.__inPlaceDelete) return;
  proto.__inPlaceDelete = true;
  const original = proto.delete;
  proto.delete = function (this: AvlNode, key: unknown, value?: Doc) {
    if (value !== undefined) {
      const node = nodeOf(this, key);
      // nedb drops every entry equal (===) to the value and keeps the node, even emptied, when it held more than one
      if (node && node.data.length > 1) {
        for (let at = node.data.indexOf(value); at >= 0; at = node.data.indexOf(value, at)) node.data.splice(at, 1);
        return this;
      }
    }
    return original.call(this, key, value);
  };
}
