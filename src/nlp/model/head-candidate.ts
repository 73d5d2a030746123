import type { HeadWeights } from './head.js';
import {
  commonKeys,
  crossValidate,
  DEFAULT_TRAIN_OPTIONS,
  evaluate,
  gateReasons,
  type GateReason,
  predictPipeline,
  sliceMetrics,
  trainHead,
  vocabularyOf,
  type HeadExample,
  type SliceMetrics,
  type TrainOptions,
} from './head-train.js';

/** A correction as a training example; `at` orders them and says which ones the parent saw. */
export interface CorrectionExample extends HeadExample {
  at: number;
  /** The pipeline's answer before the correction (-1: it had no tag there); see predictPipeline. */
  before?: number;
  /**
   * A tag the labeler added where the rules found no opinion. Trained on (it teaches the clause's
   * sentiment and category, used when the rules later find an opinion in a similar clause) but never
   * scored by the gate: the head only adjusts tags the rules extracted, so no version can produce it.
   */
  added?: boolean;
}

export interface CandidateMetrics {
  regression: SliceMetrics;
  corrections: SliceMetrics;
  /** Machine tags labelers accepted as right; never trained on, so scored directly. */
  confirmed: SliceMetrics;
  /** New corrections and confirmed tags together: what labelers reviewed, right answers and wrong ones. */
  reviewed: SliceMetrics;
}

export interface Candidate {
  head: HeadWeights;
  metrics: CandidateMetrics;
  parentMetrics: CandidateMetrics;
  gate: { passes: boolean; reasons: GateReason[] };
  /** New added tags (made after the parent's cutoff) left out of the gated slices; see CorrectionExample.added. */
  addedNotGated: number;
}

export type Phase = 'cross-validate' | 'fit' | 'evaluate';

/**
 * Trains a head on the base features plus every correction and measures it against its parent:
 *  - on the fixed regression set (project gold + a sample of base dev data);
 *  - on the corrections the parent did not learn from (made after `parentCutoff`), where the
 *    candidate's predictions are out-of-fold (k-fold over all corrections) so it is never scored on
 *    what it trained on;
 *  - on the confirmed tags (machine answers labelers accepted, `before` = that answer). Corrections
 *    alone are the model's errors, so a head that fixes some and breaks right answers elsewhere would
 *    look only better on them; together they are the reviewed traffic, where breaking counts.
 */
export function buildCandidate(input: {
  version: string;
  base: HeadExample[];
  regression: HeadExample[];
  corrections: CorrectionExample[];
  confirmed?: CorrectionExample[];
  parent: HeadWeights | null;
  /** corrections at or before this time were in the parent's training data (0 for the base model) */
  parentCutoff: number;
  folds?: number;
  options?: TrainOptions;
  onProgress?: (phase: Phase, fraction: number) => void;
}): Candidate {
  const opts = input.options ?? DEFAULT_TRAIN_OPTIONS;
  const corrections = input.corrections.slice().sort((a, b) => a.at - b.at);
  const common = commonKeys(input.base);
  const oof = crossValidate(corrections, input.base, input.folds ?? 5, opts, (x) => input.onProgress?.('cross-validate', x), common);
  const head = trainHead(input.version, [...input.base, ...corrections], vocabularyOf(corrections, common), opts, (x) => input.onProgress?.('fit', x));
  input.onProgress?.('evaluate', 0);
  const newer = corrections.map((e, i) => ({ e, p: oof[i]! })).filter((x) => x.e.at > input.parentCutoff);
  // Added tags are opinions the rules missed: no head can make the pipeline produce them, so the
  // corrected slice (and the reviewed one) counts only what the running pipeline can change.
  const fresh = newer.filter((x) => !x.e.added && x.p >= 0);
  const addedNotGated = newer.filter((x) => x.e.added && x.e.task === 'sentiment').length;
  const freshExamples = fresh.map((x) => x.e);
  const confirmed = input.confirmed ?? [];
  const candidateFresh = fresh.map((x) => x.p);
  // What the running pipeline actually answered before each correction, where that is known.
  const parentFresh = freshExamples.map((e) => (e.before !== undefined ? e.before : predictPipeline(input.parent, e)));
  const candidateConfirmed = confirmed.map((e) => predictPipeline(head, e));
  const parentConfirmed = confirmed.map((e) => predictPipeline(input.parent, e));
  const reviewed = [...freshExamples, ...confirmed];
  const metrics: CandidateMetrics = {
    regression: evaluate(head, input.regression),
    corrections: sliceMetrics(freshExamples, candidateFresh),
    confirmed: sliceMetrics(confirmed, candidateConfirmed),
    reviewed: sliceMetrics(reviewed, [...candidateFresh, ...candidateConfirmed]),
  };
  const parentMetrics: CandidateMetrics = {
    regression: evaluate(input.parent, input.regression),
    corrections: sliceMetrics(freshExamples, parentFresh),
    confirmed: sliceMetrics(confirmed, parentConfirmed),
    reviewed: sliceMetrics(reviewed, [...parentFresh, ...parentConfirmed]),
  };
  const reasons = gateReasons({
    regression: metrics.regression,
    parentRegression: parentMetrics.regression,
    corrections: metrics.corrections,
    parentCorrections: parentMetrics.corrections,
    addedNotGated,
    ...(confirmed.length ? { reviewed: metrics.reviewed, parentReviewed: parentMetrics.reviewed } : {}),
  });
  input.onProgress?.('evaluate', 1);
  return { head, metrics, parentMetrics, gate: { passes: reasons.length === 0, reasons }, addedNotGated };
}
