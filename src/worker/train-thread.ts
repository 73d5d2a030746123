import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createModelClassifier, resolveModelDir } from '../nlp/model/classifier.js';
import { baseLogProbs, clauseFeatures, deserializeHead, serializeHead, type SerializedHead } from '../nlp/model/head.js';
import { buildCandidate, type CorrectionExample, type Phase } from '../nlp/model/head-candidate.js';
import { readHeadData } from '../nlp/model/head-data.js';
import { shareNativeGuard } from '../nlp/model/native-guard.js';
import { DEFAULT_CORRECTION_WEIGHT } from '../nlp/model/head-train.js';
import { CATEGORY_IDS } from '../nlp/types.js';

// Training a head is seconds of CPU-bound work (ONNX features, then many passes over ~10,000
// examples): it runs here so the worker's main thread keeps renewing job locks meanwhile.

export interface TrainCorrection {
  text: string;
  polarity: 'positive' | 'negative' | 'neutral';
  category: string;
  at: number;
  /** The machine tag's polarity/category before the labeler touched it; null when the labeler added the tag. */
  before: { polarity: string; category: string } | null;
  /**
   * update: a machine tag relabelled; add: a tag the rules did not find (trained on, never gated: the
   * head cannot create tags); delete: a machine tag deleted as a false positive, learned as "no opinion
   * of that polarity here", i.e. neutral sentiment (its category says nothing, so only sentiment).
   * Absent (older callers): update when `before` is set, add when it is null.
   */
  kind?: 'update' | 'add' | 'delete';
}

/** A machine tag a labeler accepted as it was: judged on, never trained on. */
export interface TrainConfirmed {
  text: string;
  polarity: 'positive' | 'negative' | 'neutral';
  category: string;
  at: number;
}

export interface TrainRequest {
  modelDir: string;
  version: string;
  corrections: TrainCorrection[];
  confirmed?: TrainConfirmed[];
  parent: SerializedHead | null;
  parentCutoff: number;
  /** Base-model log-probabilities already computed for clauses (by text): [sentiment, category]. */
  cached: Record<string, [number[], number[]]>;
  /** Shared with the owner, who may terminate this thread on shutdown (native-guard.ts); absent in direct calls. */
  guard?: SharedArrayBuffer;
}

export type TrainMessage =
  | { type: 'progress'; phase: 'features' | Phase; fraction: number }
  | {
      type: 'done';
      head: SerializedHead;
      baseVersion: string;
      metrics: ReturnType<typeof buildCandidate>['metrics'];
      parentMetrics: ReturnType<typeof buildCandidate>['parentMetrics'];
      gate: ReturnType<typeof buildCandidate>['gate'];
      counts: {
        baseExamples: number;
        corrections: number;
        confirmed: number;
        sentimentExamples: number;
        categoryExamples: number;
        /** corrections that are added tags / deleted machine tags (both included in `corrections`) */
        added: number;
        deleted: number;
        /** new added tags left out of the gate: no version can produce a tag the rules did not find */
        addedNotGated: number;
      };
      /** Features computed in this job, for the caller's cache. */
      computed: Record<string, [number[], number[]]>;
    }
  | { type: 'error'; message: string };

const req = workerData as TrainRequest;
// before the model loads: a shutdown must never terminate this thread inside an onnxruntime call
if (req.guard) shareNativeGuard(new Int32Array(req.guard));
const port = parentPort!;
const send = (m: TrainMessage) => port.postMessage(m);
const SENTIMENT = { negative: 0, neutral: 1, positive: 2 } as const;

try {
  const dir = resolveModelDir(req.modelDir);
  const classifier = dir ? await createModelClassifier(dir) : null;
  if (!dir || !classifier) throw new Error(`no model at ${req.modelDir}: retraining needs the shipped model`);
  const baseData = readHeadData(join(dir, 'head', 'base.bin'));
  const regression = readHeadData(join(dir, 'head', 'regression.bin'));
  if (baseData.baseVersion !== classifier.version) throw new Error(`head features were built for ${baseData.baseVersion}, the model is ${classifier.version}`);
  // The model is frozen, so a clause's base features never change: only new clauses go through it.
  const computed: Record<string, [number[], number[]]> = {};
  const confirmedIn = req.confirmed ?? [];
  const missing = [...new Set([...req.corrections, ...confirmedIn].map((c) => c.text).filter((t) => !req.cached[t]))];
  const CHUNK = 64;
  for (let i = 0; i < missing.length; i += CHUNK) {
    const batch = missing.slice(i, i + CHUNK);
    const probs = await classifier.classify(batch);
    batch.forEach((t, j) => {
      const lp = baseLogProbs(probs[j]!);
      computed[t] = [Array.from(lp.sentiment), Array.from(lp.category)];
    });
    send({ type: 'progress', phase: 'features', fraction: Math.min(1, (i + CHUNK) / missing.length) });
  }
  /** A labelled clause as head examples; `before` is what the pipeline had said there (-1: no tag). */
  const toExamples = (c: TrainCorrection, weight: number): CorrectionExample[] => {
    const [s, cat] = req.cached[c.text] ?? computed[c.text]!;
    const common = { ...clauseFeatures(c.text), weight, binary: false, at: c.at };
    const beforeSentiment = c.before ? (SENTIMENT[c.before.polarity as keyof typeof SENTIMENT] ?? -1) : -1;
    const added = (c.kind ?? (c.before ? 'update' : 'add')) === 'add';
    const out: CorrectionExample[] = [{ ...common, task: 'sentiment', base: Float32Array.from(s), label: SENTIMENT[c.polarity], before: beforeSentiment, ...(added ? { added } : {}) }];
    // a deletion says the clause holds no opinion of that polarity, nothing about its category
    if (c.kind === 'delete') return out;
    const catIndex = (CATEGORY_IDS as readonly string[]).indexOf(c.category);
    const beforeCategory = c.before ? (CATEGORY_IDS as readonly string[]).indexOf(c.before.category) : -1;
    if (catIndex >= 0) out.push({ ...common, task: 'category', base: Float32Array.from(cat), label: catIndex, before: beforeCategory, ...(added ? { added } : {}) });
    return out;
  };
  const examples = req.corrections.flatMap((c) => toExamples(c, DEFAULT_CORRECTION_WEIGHT));
  // A confirmed tag is what the pipeline said and the labeler kept, so it is its own `before`: the parent
  // is judged on what it did. Never trained on, so its weight does not matter.
  const confirmed = confirmedIn.flatMap((c) => toExamples({ ...c, before: { polarity: c.polarity, category: c.category } }, 1));
  let last = 0;
  const cand = buildCandidate({
    version: req.version,
    base: baseData.examples,
    regression: regression.examples,
    corrections: examples,
    confirmed,
    parent: req.parent ? deserializeHead(req.parent) : null,
    parentCutoff: req.parentCutoff,
    onProgress: (phase, fraction) => {
      const now = Date.now();
      if (now - last > 200 || fraction >= 1) {
        last = now;
        send({ type: 'progress', phase, fraction });
      }
    },
  });
  send({
    type: 'done',
    head: serializeHead(cand.head),
    baseVersion: classifier.version,
    metrics: cand.metrics,
    parentMetrics: cand.parentMetrics,
    gate: cand.gate,
    counts: {
      baseExamples: baseData.examples.length,
      corrections: req.corrections.length,
      confirmed: confirmedIn.length,
      sentimentExamples: examples.filter((e) => e.task === 'sentiment').length,
      categoryExamples: examples.filter((e) => e.task === 'category').length,
      added: req.corrections.filter((c) => (c.kind ?? (c.before ? 'update' : 'add')) === 'add').length,
      deleted: req.corrections.filter((c) => c.kind === 'delete').length,
      addedNotGated: cand.addedNotGated,
    },
    computed,
  });
} catch (err) {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
