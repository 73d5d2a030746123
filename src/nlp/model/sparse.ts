import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { modelChars } from './tokenizer.js';

export interface SparseMeta {
  vocab: string;
  weights: string;
  n_features: number;
  k: number;
  ngram_range: [number, number];
  sublinear_tf: boolean;
  intercept: number[];
  classes: string[];
  /** Sentiment only: the k columns are a pooled model, domain experts and a router (see `mixedSentiment`). */
  mixture?: SparseMixture;
}

export interface SparseMixture {
  /** columns of the domain experts, in the router's domain order */
  experts: number[];
  /** columns of the one-vs-rest router: the experts' domains, then "other" */
  router: number[];
  router_domains: string[];
}

/**
 * The served sentiment score from a mixture's decision columns (training/train_sparse.py `mixed_sentiment`):
 * pooled + sum over experts of p(domain) * (expert - pooled) / 2, with scikit-learn's one-vs-rest router
 * probabilities (each column's sigmoid, normalised). A clearly hotel text gets the mean of the pooled and
 * the hotel expert's score; a text of no expert's domain the pooled score. Without a mixture: column 0.
 */
export function mixedSentiment(scores: readonly number[], mixture?: SparseMixture): number {
  const pooled = scores[0]!;
  if (!mixture) return pooled;
  const p = routerProbabilities(scores, mixture);
  let out = pooled;
  mixture.experts.forEach((col, j) => {
    out += (p[j]! * (scores[col]! - pooled)) / 2;
  });
  return out;
}

/** p(domain | text) in `router_domains` order: each router column's sigmoid, normalised (scikit-learn one-vs-rest). */
export function routerProbabilities(scores: readonly number[], mixture: SparseMixture): number[] {
  const r = mixture.router.map((col) => 1 / (1 + Math.exp(-scores[col]!)));
  const total = r.reduce((a, b) => a + b, 0);
  return r.map((v) => v / total);
}

/** IEEE 754 half → double; Node 20 has no Float16Array. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Every half's value as a float32, computed once per thread. The weights stay halves in memory and are read
 * through it: converting the 3.4 million of them to a Float32Array took 0.18 s of every analyzer thread's start
 * and 13.6 MB of its memory (profiled 2026-12-02); a lookup gives the same float32 the conversion stored.
 */
let halfTable: Float32Array | null = null;
function halfValues(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** The little-endian halves of a weights file, as a Uint16Array over the file's bytes (copied only when misaligned). */
function halvesOf(buf: Buffer): Uint16Array {
  if (os.endianness() !== 'LE') throw new Error('sparse weights are little-endian halves; this host is big-endian');
  if (buf.byteOffset % 2 === 0) return new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  return new Uint16Array(Uint8Array.prototype.slice.call(buf).buffer);
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/**
 * A vocabulary's n-grams → feature ids, for the n-grams `charNgrams` cuts. An open-addressing table of FNV-1a
 * hashes over UTF-16 code units, kept over the vocabulary file's text, rather than a Map of 380,000 strings:
 * splitting the files and filling Maps took 0.43 s of every analyzer thread's start and some 30 MB of its heap
 * (2026-12-02). A hit is confirmed against the line's characters, so lookups answer exactly what a Map would;
 * a repeated line maps to its last occurrence, as Map.set left it.
 */
export class VocabIndex {
  private readonly starts: Uint32Array;
  private readonly hashes: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  readonly size: number;

  constructor(private readonly text: string) {
    let lines = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
    this.size = lines;
    this.starts = new Uint32Array(lines + 1);
    let capacity = 1;
    while (capacity < lines * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity);
    this.slots = new Int32Array(capacity).fill(-1);
    let line = 0;
    let start = 0;
    let h = FNV_OFFSET;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 10;
      if (c !== 10) {
        h = Math.imul(h ^ c, FNV_PRIME);
        continue;
      }
      this.starts[line] = start;
      this.starts[line + 1] = i + 1;
      let slot = h & this.mask;
      for (;;) {
        const held = this.slots[slot]!;
        if (held === -1) break;
        if (this.hashes[slot] === h && this.lineEquals(held, text, start, i)) break;
        slot = (slot + 1) & this.mask;
      }
      this.slots[slot] = line;
      this.hashes[slot] = h;
      line++;
      start = i + 1;
      h = FNV_OFFSET;
    }
  }

  /** The feature id of `gram`, or undefined when it is not in the vocabulary. */
  get(gram: string): number | undefined {
    let h = FNV_OFFSET;
    for (let i = 0; i < gram.length; i++) h = Math.imul(h ^ gram.charCodeAt(i), FNV_PRIME);
    let slot = h & this.mask;
    for (;;) {
      const line = this.slots[slot]!;
      if (line === -1) return undefined;
      if (this.hashes[slot] === h && this.lineEquals(line, gram, 0, gram.length)) return line;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Whether line `line` of the vocabulary is s[from, to). */
  private lineEquals(line: number, s: string, from: number, to: number): boolean {
    const start = this.starts[line]!;
    const end = this.starts[line + 1]! - 1;
    if (end - start !== to - from) return false;
    for (let i = 0; i < to - from; i++) if (this.text.charCodeAt(start + i) !== s.charCodeAt(from + i)) return false;
    return true;
  }
}

/**
 * scikit-learn's char analyzer over `modelChars` output: every n-gram for n = lo..hi, n ascending, then
 * by position. Strings are built by concatenation: slicing and joining an array per n-gram was a tenth of
 * the analyzer thread's time in a profile.
 */
export function charNgrams(chars: readonly string[], [lo, hi]: readonly [number, number]): string[] {
  const out: string[] = [];
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      let g = chars[i]!;
      for (let j = 1; j < n; j++) g += chars[i + j]!;
      out.push(g);
    }
  }
  return out;
}

/**
 * Character n-gram TF-IDF + linear model, identical to scikit-learn's TfidfVectorizer(analyzer='char',
 * sublinear_tf=True, norm='l2') followed by a logistic-regression decision function (training/train_sparse.py).
 */
export class SparseLinear {
  private readonly index: VocabIndex;
  /** idf (n_features halves), then the coefficients (n_features × k halves, feature-major): read through `half` */
  private readonly weights: Uint16Array;
  private readonly half = halfValues();

  constructor(
    dir: string,
    readonly meta: SparseMeta,
  ) {
    this.index = new VocabIndex(readFileSync(join(dir, meta.vocab), 'utf8'));
    if (this.index.size !== meta.n_features) throw new Error(`sparse vocab ${meta.vocab}: ${this.index.size} != ${meta.n_features}`);
    const buf = readFileSync(join(dir, meta.weights));
    const n = meta.n_features * (1 + meta.k);
    if (buf.length !== n * 2) throw new Error(`sparse weights ${meta.weights}: ${buf.length} bytes, want ${n * 2}`);
    this.weights = halvesOf(buf);
  }

  /** Decision scores (one per class for multi-class; one logit for binary). */
  score(text: string): number[] {
    return this.scoreGrams(charNgrams(modelChars(text), this.meta.ngram_range));
  }

  /**
   * `score` for n-grams already cut by `charNgrams` with this model's `ngram_range` or a wider one with
   * the same lower end (lengths outside the model's range are not in its vocabulary and count for
   * nothing), so two models share one pass over the text. Features are visited in first-occurrence
   * order, the order `score` always used, so the floating-point sums are unchanged.
   */
  scoreGrams(grams: readonly string[]): number[] {
    const counts = new Map<number, number>();
    for (const g of grams) {
      const id = this.index.get(g);
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const k = this.meta.k;
    const out = this.meta.intercept.slice();
    const ids: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (const [id, c] of counts) {
      const v = (this.meta.sublinear_tf ? 1 + Math.log(c) : c) * this.half[this.weights[id]!]!;
      norm += v * v;
      ids.push(id);
      values.push(v);
    }
    if (norm === 0) return out;
    const inv = 1 / Math.sqrt(norm);
    const coef = this.meta.n_features;
    for (let f = 0; f < ids.length; f++) {
      const x = values[f]! * inv;
      const base = coef + ids[f]! * k;
      for (let j = 0; j < k; j++) out[j]! += x * this.half[this.weights[base + j]!]!;
    }
    return out;
  }
}
