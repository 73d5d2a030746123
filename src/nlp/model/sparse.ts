import { readFileSync } from 'node:fs';
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
 * Every half's value, computed once: the weights are 3.4 million halves, and converting each one with
 * halfToFloat was a third of a second of every analyzer thread's start (profiled 2026-12-02).
 */
let halfTable: Float32Array | null = null;
function halvesToFloats(buf: Buffer): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  const table = halfTable;
  const n = buf.length / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = table[buf[2 * i]! | (buf[2 * i + 1]! << 8)]!;
  return out;
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
  private readonly index = new Map<string, number>();
  private readonly idf: Float32Array;
  private readonly coef: Float32Array;

  constructor(
    dir: string,
    readonly meta: SparseMeta,
  ) {
    const grams = readFileSync(join(dir, meta.vocab), 'utf8').split('\n');
    if (grams.length !== meta.n_features) throw new Error(`sparse vocab ${meta.vocab}: ${grams.length} != ${meta.n_features}`);
    for (let i = 0; i < grams.length; i++) this.index.set(grams[i]!, i);
    const buf = readFileSync(join(dir, meta.weights));
    const n = meta.n_features * (1 + meta.k);
    if (buf.length !== n * 2) throw new Error(`sparse weights ${meta.weights}: ${buf.length} bytes, want ${n * 2}`);
    const all = halvesToFloats(buf);
    this.idf = all.subarray(0, meta.n_features);
    this.coef = all.subarray(meta.n_features);
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
      const v = (this.meta.sublinear_tf ? 1 + Math.log(c) : c) * this.idf[id]!;
      norm += v * v;
      ids.push(id);
      values.push(v);
    }
    if (norm === 0) return out;
    const inv = 1 / Math.sqrt(norm);
    for (let f = 0; f < ids.length; f++) {
      const x = values[f]! * inv;
      const base = ids[f]! * k;
      for (let j = 0; j < k; j++) out[j]! += x * this.coef[base + j]!;
    }
    return out;
  }
}
