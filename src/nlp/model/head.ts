import { CATEGORY_IDS, type CategoryId, type ClauseClassification } from '../types.js';
import { modelChars } from './tokenizer.js';

/*
 * The retrainable part of the model: a residual head over the frozen shipped ensemble.
 *
 *   logits = log p_base(clause) + W · x(clause) + b
 *
 * x is the clause's hashed character 1–3-grams (binary, L2-normalised). W has rows only for the
 * n-grams that occur in labelers' corrections, so a head is small (kilobytes) and a clause without
 * any of them keeps exactly the base model's answer apart from the learned bias. Zero weights
 * reproduce the base model, which is where training starts; base training examples (shipped as derived
 * features, never raw text) keep the head from learning more than the corrections justify.
 */

export const SENTIMENT_CLASSES = ['negative', 'neutral', 'positive'] as const;
export type HeadTask = 'sentiment' | 'category';
export const TASK_CLASSES: Record<HeadTask, number> = { sentiment: SENTIMENT_CLASSES.length, category: CATEGORY_IDS.length };

const EPS = 1e-6;

/** 32-bit FNV-1a over UTF-16 code units: stable across processes and versions, no table to ship. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface ClauseFeatures {
  /** distinct hashed n-grams, ascending */
  keys: Uint32Array;
  /** value of each present n-gram (1/sqrt(number of distinct n-grams)) */
  scale: number;
}

/** Characters the features look at: the encoder's own head+tail window, so long reviews stay cheap. */
const FEATURE_WINDOW = 96;

export function clauseFeatures(text: string): ClauseFeatures {
  const all = modelChars(text);
  const half = FEATURE_WINDOW / 2;
  const cs = all.length > FEATURE_WINDOW ? all.slice(0, half).concat(all.slice(all.length - half)) : all;
  const set = new Set<number>();
  for (let n = 1; n <= 3; n++) {
    for (let i = 0; i + n <= cs.length; i++) set.add(fnv1a(`${n}\u0001${cs.slice(i, i + n).join('')}`));
  }
  const keys = Uint32Array.from(set).sort();
  return { keys, scale: keys.length ? 1 / Math.sqrt(keys.length) : 0 };
}

/** Log-probabilities in head class order from a classification. */
export function baseLogProbs(c: ClauseClassification): { sentiment: Float32Array; category: Float32Array } {
  const s = c.sentiment;
  return {
    sentiment: Float32Array.from([s.negative, s.neutral, s.positive], (p) => Math.log(p + EPS)),
    category: Float32Array.from(CATEGORY_IDS, (id) => Math.log((c.category[id] ?? 0) + EPS)),
  };
}

export interface TaskWeights {
  /** n-gram hash → row index */
  keys: Uint32Array;
  /** rows × classes, row-major */
  w: Float32Array;
  bias: Float32Array;
}

export interface HeadWeights {
  version: string;
  sentiment: TaskWeights;
  category: TaskWeights;
}

/** How a head travels: through the store (JSON) and to analyzer threads (structured clone). */
export interface SerializedTask {
  keys: string;
  w: string;
  bias: number[];
}
export interface SerializedHead {
  /** Shown in tags' modelVersion; the same name can exist in several tenants. */
  version: string;
  /** Unique across tenants (`tenant:version`): what caches key heads by. */
  id?: string;
  sentiment: SerializedTask;
  category: SerializedTask;
}

const b64 = (a: Uint32Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromB64<T extends Uint32Array | Float32Array>(s: string, Ctor: { new (b: ArrayBuffer): T }): T {
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.length);
  new Uint8Array(copy).set(buf);
  return new Ctor(copy);
}

export function serializeHead(h: HeadWeights): SerializedHead {
  const task = (t: TaskWeights): SerializedTask => ({ keys: b64(t.keys), w: b64(t.w), bias: Array.from(t.bias) });
  return { version: h.version, sentiment: task(h.sentiment), category: task(h.category) };
}

/** The key a head is cached under: versions are per tenant, so the name alone is not unique. */
export const headKey = (h: SerializedHead): string => h.id ?? h.version;

export function deserializeHead(s: SerializedHead): HeadWeights {
  const task = (t: SerializedTask, k: number): TaskWeights => {
    const keys = fromB64(t.keys, Uint32Array);
    const w = fromB64(t.w, Float32Array);
    if (w.length !== keys.length * k || t.bias.length !== k) throw new Error(`head ${s.version}: malformed weights`);
    return { keys, w, bias: Float32Array.from(t.bias) };
  };
  return { version: s.version, sentiment: task(s.sentiment, TASK_CLASSES.sentiment), category: task(s.category, TASK_CLASSES.category) };
}

/** Binary search: rows are sorted by key. */
export function rowOf(t: TaskWeights, key: number): number {
  let lo = 0;
  let hi = t.keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = t.keys[mid]!;
    if (v === key) return mid;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** What the head's n-gram weights (not its bias) add to each class's logit for a clause. */
export function weightDelta(t: TaskWeights, k: number, f: ClauseFeatures): Float64Array {
  const d = new Float64Array(k);
  for (const key of f.keys) {
    const r = rowOf(t, key);
    if (r < 0) continue;
    for (let j = 0; j < k; j++) d[j]! += f.scale * t.w[r * k + j]!;
  }
  return d;
}

/**
 * How far the head's n-gram weights spread a clause's logits apart (max minus min of weightDelta);
 * the bias is left out because it moves every clause alike.
 */
export const spread = (delta: Float64Array): number => Math.max(...delta) - Math.min(...delta);

/**
 * Where the head's learned weights move a clause by at least this many logits, the corrections taught
 * something about clauses like it, and the analyzer lets the model's answer replace its rules' answer.
 */
export const HEAD_INFLUENCE = 0.5;

/** base + bias + delta, where delta is weightDelta (computed here when not given). */
export function taskLogits(t: TaskWeights, base: Float32Array, f: ClauseFeatures, delta = weightDelta(t, base.length, f)): Float64Array {
  return Float64Array.from(base, (v, j) => v + t.bias[j]! + delta[j]!);
}

export function softmaxInPlace(z: Float64Array): Float64Array {
  let m = -Infinity;
  for (const v of z) if (v > m) m = v;
  let s = 0;
  for (let j = 0; j < z.length; j++) s += z[j] = Math.exp(z[j]! - m);
  for (let j = 0; j < z.length; j++) z[j]! /= s;
  return z;
}

export const argmax = (a: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};

/**
 * The base classification with the head applied. `adjusted` says where the head changed the base
 * model's decision or moved it by HEAD_INFLUENCE: the analyzer trusts those over its rules, because
 * that is what labelers taught.
 */
export function applyHead(base: ClauseClassification, text: string, head: HeadWeights): ClauseClassification {
  const lp = baseLogProbs(base);
  const f = clauseFeatures(text);
  const ds = weightDelta(head.sentiment, TASK_CLASSES.sentiment, f);
  const dc = weightDelta(head.category, TASK_CLASSES.category, f);
  const s = softmaxInPlace(taskLogits(head.sentiment, lp.sentiment, f, ds));
  const c = softmaxInPlace(taskLogits(head.category, lp.category, f, dc));
  const category: Partial<Record<CategoryId, number>> = {};
  CATEGORY_IDS.forEach((id, k) => (category[id] = c[k]!));
  const hasCategory = Object.keys(base.category).length > 0;
  return {
    sentiment: { negative: s[0]!, neutral: s[1]!, positive: s[2]! },
    category: hasCategory ? category : base.category,
    adjusted: {
      sentiment: argmax(s) !== argmax(lp.sentiment) || spread(ds) >= HEAD_INFLUENCE,
      category: hasCategory && (argmax(c) !== argmax(lp.category) || spread(dc) >= HEAD_INFLUENCE),
    },
  };
}
