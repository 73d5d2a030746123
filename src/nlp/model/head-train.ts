import { CATEGORY_IDS } from '../types.js';
import {
  argmax,
  HEAD_INFLUENCE,
  rowOf,
  spread,
  weightDelta,
  softmaxInPlace,
  taskLogits,
  TASK_CLASSES,
  type ClauseFeatures,
  type HeadTask,
  type HeadWeights,
  type TaskWeights,
} from './head.js';

/** One labelled clause as the head sees it: frozen base log-probabilities plus its n-gram features. */
export interface HeadExample extends ClauseFeatures {
  task: HeadTask;
  base: Float32Array;
  label: number;
  /** Sentiment label from a two-class corpus: scored positive-vs-negative, neutral not an option. */
  binary: boolean;
  weight: number;
  /** Base-data example: anchors the n-gram weights but not the bias, which is the tenant's own prior. */
  anchor?: boolean;
}

export interface TrainOptions {
  /** L2 penalty on the head's weights; the loss is summed over weighted examples, not averaged. */
  l2: number;
  iterations: number;
  learningRate: number;
  /** Learn a per-class bias too (a domain that is mostly neutral needs one); L2-penalised like the weights. */
  bias: boolean;
}

/*
 * Chosen, not tuned on evaluation data: with a summed loss, L2 = 1 lets one correction of weight 5
 * move an n-gram it alone contains by about half a logit per feature, so a handful of consistent
 * corrections flip a confident base decision while n-grams seen in thousands of base examples stay put.
 * No bias by default: corrections are not a sample of the tenant's traffic (labelers fix what is
 * wrong, and mostly complaints), so a class prior learned from them pushes every clause one way. With
 * a bias, twelve negative corrections of one slang word put +1.1 on "negative" for all of the tenant's
 * clauses and left the word itself nearly unlearned.
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { l2: 1, iterations: 120, learningRate: 0.08, bias: false };
export const DEFAULT_CORRECTION_WEIGHT = 5;

const emptyTask = (k: number): TaskWeights => ({ keys: new Uint32Array(0), w: new Float32Array(0), bias: new Float32Array(k) });

export function emptyHead(version: string): HeadWeights {
  return { version, sentiment: emptyTask(TASK_CLASSES.sentiment), category: emptyTask(TASK_CLASSES.category) };
}

/**
 * Fits one task's residual weights by full-batch Adam. Only n-grams in `vocab` (those of the
 * corrections) get weights; the bias stays zero so clauses without them keep the base answer.
 */
export function trainTask(task: HeadTask, examples: HeadExample[], vocab: Uint32Array, opts: TrainOptions = DEFAULT_TRAIN_OPTIONS, onIteration?: (i: number) => void): TaskWeights {
  const k = TASK_CLASSES[task];
  const keys = Uint32Array.from(new Set(vocab)).sort();
  const shape: TaskWeights = { keys, w: new Float32Array(keys.length * k), bias: new Float32Array(k) };
  const exs = examples.filter((e) => e.task === task);
  // Rows each example touches; an example touching none has a constant loss and is dropped.
  const rows: Int32Array[] = [];
  const active: HeadExample[] = [];
  for (const e of exs) {
    const r: number[] = [];
    for (const key of e.keys) {
      const i = rowOf(shape, key);
      if (i >= 0) r.push(i);
    }
    if (r.length || opts.bias) {
      rows.push(Int32Array.from(r));
      active.push(e);
    }
  }
  // The bias lives in the last row of the parameter vector, with feature value 1.
  const B = keys.length * k;
  const w = new Float64Array(B + k);
  const m = new Float64Array(w.length);
  const v = new Float64Array(w.length);
  const g = new Float64Array(w.length);
  const z = new Float64Array(k);
  const [b1, b2] = [0.9, 0.999];
  for (let it = 1; it <= opts.iterations; it++) {
    g.fill(0);
    for (let n = 0; n < active.length; n++) {
      const e = active[n]!;
      const r = rows[n]!;
      for (let j = 0; j < k; j++) z[j] = e.base[j]! + w[B + j]!;
      for (const i of r) for (let j = 0; j < k; j++) z[j]! += e.scale * w[i * k + j]!;
      softmaxInPlace(z);
      z[e.label]! -= 1;
      for (const i of r) for (let j = 0; j < k; j++) g[i * k + j]! += e.weight * e.scale * z[j]!;
      if (opts.bias && !e.anchor) for (let j = 0; j < k; j++) g[B + j]! += e.weight * z[j]!;
    }
    const lr = (opts.learningRate * Math.sqrt(1 - b2 ** it)) / (1 - b1 ** it);
    for (let p = 0; p < w.length; p++) {
      const gp = g[p]! + opts.l2 * w[p]!;
      m[p] = b1 * m[p]! + (1 - b1) * gp;
      v[p] = b2 * v[p]! + (1 - b2) * gp * gp;
      w[p]! -= (lr * m[p]!) / (Math.sqrt(v[p]!) + 1e-8);
    }
    onIteration?.(it);
  }
  shape.w.set(w.subarray(0, B));
  shape.bias.set(w.subarray(B));
  return shape;
}

export function trainHead(version: string, examples: HeadExample[], vocab: Uint32Array, opts: TrainOptions = DEFAULT_TRAIN_OPTIONS, onProgress?: (fraction: number) => void): HeadWeights {
  const total = opts.iterations * 2;
  return {
    version,
    sentiment: trainTask('sentiment', examples, vocab, opts, (i) => onProgress?.(i / total)),
    // Never a category bias, even when asked for one: it cost 3 points of regression-set category
    // accuracy when tried (which categories labelers correct says what they reviewed, not how often each occurs).
    category: trainTask('category', examples, vocab, { ...opts, bias: false }, (i) => onProgress?.((opts.iterations + i) / total)),
  };
}

/**
 * Vocabulary of a head: the n-grams of the given (correction) examples, minus `common` ones. N-grams
 * found in a large share of the base data (的, 了, 很 …) carry no domain signal, would be pinned near
 * zero by the base examples anyway, and are what makes training slow. At most `max` n-grams are kept,
 * the most frequent first, so a version stays well under a store document's size limit (20,000 rows ×
 * 18 classes × 4 bytes ≈ 1.4 MB).
 */
export const MAX_HEAD_VOCABULARY = 20_000;

export function vocabularyOf(examples: HeadExample[], common?: Set<number>, max = MAX_HEAD_VOCABULARY): Uint32Array {
  const df = new Map<number, number>();
  for (const e of examples) for (const key of e.keys) if (!common?.has(key)) df.set(key, (df.get(key) ?? 0) + 1);
  let keys = [...df.keys()];
  if (keys.length > max) keys = keys.sort((a, b) => df.get(b)! - df.get(a)! || a - b).slice(0, max);
  return Uint32Array.from(keys).sort();
}

/** N-grams present in at least `share` of the examples. */
export function commonKeys(examples: HeadExample[], share = 0.01): Set<number> {
  const df = new Map<number, number>();
  for (const e of examples) for (const key of e.keys) df.set(key, (df.get(key) ?? 0) + 1);
  const min = Math.max(2, Math.ceil(share * examples.length));
  return new Set([...df].filter(([, n]) => n >= min).map(([key]) => key));
}

/** The class logits pick for an example: positive vs negative only for two-class sentiment labels. */
function decide(e: HeadExample, z: ArrayLike<number>): number {
  if (e.task === 'sentiment' && e.binary) return z[2]! >= z[0]! ? 2 : 0;
  return argmax(z);
}

/** Class the head (or the base model, without one) picks for an example. */
export function predict(head: HeadWeights | null, e: HeadExample): number {
  return decide(e, head ? taskLogits(head[e.task], e.base, e) : e.base);
}

/**
 * What the tagging pipeline answers for a corrected clause: the head's class where the head has
 * learned something about the clause (the analyzer's override rule), else what the pipeline said
 * before the correction (`before`, -1 when it had no tag there). Without `before` (labelled data
 * outside the pipeline) it is the classifier's answer.
 */
export function predictPipeline(head: HeadWeights | null, e: HeadExample & { before?: number }): number {
  if (e.before === undefined) return predict(head, e);
  if (!head) return e.before;
  const t = head[e.task];
  const delta = weightDelta(t, TASK_CLASSES[e.task], e);
  const withHead = decide(e, taskLogits(t, e.base, e, delta));
  return withHead !== decide(e, e.base) || spread(delta) >= HEAD_INFLUENCE ? withHead : e.before;
}

export interface SliceMetrics {
  n: number;
  nSentiment: number;
  nCategory: number;
  sentimentAccuracy: number | null;
  categoryAccuracy: number | null;
  categoryMacroF1: number | null;
  /** Mean of the sentiment and category accuracies that exist. */
  overall: number | null;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function sliceMetrics(examples: HeadExample[], predictions: number[]): SliceMetrics {
  let sOk = 0;
  let sN = 0;
  let cOk = 0;
  let cN = 0;
  const k = CATEGORY_IDS.length;
  const tp = new Array<number>(k).fill(0);
  const fp = new Array<number>(k).fill(0);
  const fn = new Array<number>(k).fill(0);
  examples.forEach((e, i) => {
    const p = predictions[i]!;
    if (e.task === 'sentiment') {
      sN++;
      if (p === e.label) sOk++;
    } else {
      cN++;
      if (p === e.label) {
        cOk++;
        tp[p]!++;
      } else {
        fp[p]!++;
        fn[e.label]!++;
      }
    }
  });
  const present = tp.map((_, c) => c).filter((c) => tp[c]! + fn[c]! > 0);
  const f1 = present.map((c) => (2 * tp[c]!) / (2 * tp[c]! + fp[c]! + fn[c]! || 1));
  const sAcc = sN ? sOk / sN : null;
  const cAcc = cN ? cOk / cN : null;
  const parts = [sAcc, cAcc].filter((x): x is number => x !== null);
  return {
    n: examples.length,
    nSentiment: sN,
    nCategory: cN,
    sentimentAccuracy: sAcc === null ? null : round4(sAcc),
    categoryAccuracy: cAcc === null ? null : round4(cAcc),
    categoryMacroF1: f1.length ? round4(f1.reduce((a, b) => a + b, 0) / f1.length) : null,
    overall: parts.length ? round4(parts.reduce((a, b) => a + b, 0) / parts.length) : null,
  };
}

export function evaluate(head: HeadWeights | null, examples: HeadExample[]): SliceMetrics {
  return sliceMetrics(examples, examples.map((e) => predict(head, e)));
}

/**
 * Out-of-fold pipeline answers for the corrections: each fold is predicted by a head trained on the
 * base examples and the other folds, so the corrected-slice score is one the candidate did not train on.
 * Folds are assigned by position in `corrections`, which callers order deterministically.
 */
export function crossValidate(
  corrections: HeadExample[],
  base: HeadExample[],
  folds: number,
  opts: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  onProgress?: (fraction: number) => void,
  common?: Set<number>,
): number[] {
  const k = Math.max(2, Math.min(folds, corrections.length));
  const out = new Array<number>(corrections.length).fill(-1);
  if (corrections.length < 2) return out;
  for (let f = 0; f < k; f++) {
    const train = corrections.filter((_, i) => i % k !== f);
    const head = trainHead('fold', [...base, ...train], vocabularyOf(train, common), opts, (x) => onProgress?.((f + x) / k));
    corrections.forEach((e, i) => {
      if (i % k === f) out[i] = predictPipeline(head, e);
    });
  }
  return out;
}

export interface GateInput {
  regression: SliceMetrics;
  parentRegression: SliceMetrics;
  corrections: SliceMetrics;
  parentCorrections: SliceMetrics;
  /** New added tags left out of the corrected slice (no version can produce them); only worded in a reason. */
  addedNotGated?: number;
  /** New corrections plus confirmed tags; given only when labelers have confirmed some tags. */
  reviewed?: SliceMetrics;
  parentReviewed?: SliceMetrics;
}

/** Overall regression accuracy may move within this much (noise on ~2,000 examples); each task within 1 point. */
export const GATE_OVERALL_TOLERANCE = 0.005;
export const GATE_TASK_TOLERANCE = 0.01;

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/**
 * One reason a candidate may not replace its parent: `code` and `params` let a client word it in its
 * own language (the UI's zh-CN); `message` is the English sentence the API and CLI show.
 */
export interface GateReason {
  field: string;
  code: 'no_corrections' | 'only_added' | 'corrections_not_better' | 'reviewed_not_better' | 'reviewed_fell' | 'regression_overall_fell' | 'regression_task_fell';
  /** Accuracies as percentages with one decimal; `task` is sentimentAccuracy or categoryAccuracy. */
  params: Record<string, string | number>;
  message: string;
}

const pct1 = (x: number) => Math.round(x * 1000) / 10;

/** Why a candidate may not replace its parent; empty when it may. */
export function gateReasons(m: GateInput): GateReason[] {
  const out: GateReason[] = [];
  if ((m.corrections.n === 0 || m.corrections.overall === null) && (m.addedNotGated ?? 0) > 0) {
    const n = m.addedNotGated!;
    out.push({
      field: 'metrics.corrections',
      code: 'only_added',
      params: { added: n },
      message:
        `the ${n} new correction${n === 1 ? ' is an added tag' : 's are added tags'} (opinions the rules missed), which no version can produce: ` +
        'a version only adjusts the polarity and category of opinions the rules found, so there is nothing to judge it on; ' +
        'teach missed opinions with the tenant lexicon (PUT /v1/taxonomy: aspects and sentiment words)',
    });
  } else if (m.corrections.n === 0 || m.corrections.overall === null) {
    out.push({ field: 'metrics.corrections', code: 'no_corrections', params: {}, message: 'no new corrections since the parent version, so there is nothing to show it learned' });
  } else if (m.parentCorrections.overall !== null && m.corrections.overall <= m.parentCorrections.overall) {
    out.push({
      field: 'metrics.corrections.overall',
      code: 'corrections_not_better',
      params: { candidate: pct1(m.corrections.overall), parent: pct1(m.parentCorrections.overall) },
      message: `not better on the corrected slice: ${pct(m.corrections.overall)} (cross-validated) vs ${pct(m.parentCorrections.overall)} for the parent`,
    });
  }
  // Fixing corrections must not cost more right answers than it gains: on everything labelers reviewed
  // (their corrections, cross-validated, and the tags they confirmed) the candidate must be better
  // overall, as it must be on the corrections alone, and may not be worse at either task. These are
  // labelers' own verdicts on real traffic, so there is no noise tolerance.
  const rv = m.reviewed;
  const prv = m.parentReviewed;
  if (rv && prv && rv.overall !== null && prv.overall !== null && rv.overall <= prv.overall) {
    out.push({
      field: 'metrics.reviewed.overall',
      code: 'reviewed_not_better',
      // n counts judgments (a tag's sentiment and its category are one each), nSentiment/nCategory per task
      params: { candidate: pct1(rv.overall), parent: pct1(prv.overall), n: rv.n, nSentiment: rv.nSentiment, nCategory: rv.nCategory },
      message: `not better on the reviewed tags (corrections and confirmed tags: ${rv.nSentiment} sentiment and ${rv.nCategory} category judgments): ${pct(rv.overall)} vs ${pct(prv.overall)} for the parent`,
    });
  }
  for (const key of ['sentimentAccuracy', 'categoryAccuracy'] as const) {
    const a = rv?.[key] ?? null;
    const b = prv?.[key] ?? null;
    if (a !== null && b !== null && a < b) {
      const n = key === 'sentimentAccuracy' ? rv!.nSentiment : rv!.nCategory;
      out.push({
        field: `metrics.reviewed.${key}`,
        code: 'reviewed_fell',
        params: { task: key, candidate: pct1(a), parent: pct1(b), n },
        message: `reviewed tags (corrections and confirmed tags, ${n} ${key === 'sentimentAccuracy' ? 'sentiment' : 'category'} judgments): ${key} fell from ${pct(b)} to ${pct(a)}`,
      });
    }
  }
  const r = m.regression;
  const p = m.parentRegression;
  if (r.overall !== null && p.overall !== null && r.overall < p.overall - GATE_OVERALL_TOLERANCE) {
    out.push({
      field: 'metrics.regression.overall',
      code: 'regression_overall_fell',
      params: { parent: pct1(p.overall), candidate: pct1(r.overall), allowed: GATE_OVERALL_TOLERANCE * 100 },
      message: `regression set overall fell from ${pct(p.overall)} to ${pct(r.overall)} (allowed: ${GATE_OVERALL_TOLERANCE * 100} points)`,
    });
  }
  for (const key of ['sentimentAccuracy', 'categoryAccuracy'] as const) {
    const a = r[key];
    const b = p[key];
    if (a !== null && b !== null && a < b - GATE_TASK_TOLERANCE) {
      out.push({
        field: `metrics.regression.${key}`,
        code: 'regression_task_fell',
        params: { task: key, parent: pct1(b), candidate: pct1(a), allowed: GATE_TASK_TOLERANCE * 100 },
        message: `regression set ${key} fell from ${pct(b)} to ${pct(a)} (allowed: ${GATE_TASK_TOLERANCE * 100} point)`,
      });
    }
  }
  return out;
}
