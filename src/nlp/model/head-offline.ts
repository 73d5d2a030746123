// Shared by the offline head tools (head-data-cli, the retraining experiment): reading the training
// pipeline's example files, seeded sampling, and turning labelled rows into head examples through the
// same classifier the worker runs.
import { readFileSync } from 'node:fs';
import type { ClauseClassifier } from '../types.js';
import { baseLogProbs, clauseFeatures } from './head.js';
import type { HeadExample } from './head-train.js';

/** A row of training/work/examples-*.jsonl (training/build_data.py): -1 = no label for that task. */
export interface ExampleRow {
  text: string;
  sent: number;
  cat: number;
  src: string;
}

/** Where the source corpora are, as the Python pipeline has it (training/common.py). */
export const DATA_DIR = process.env.GUANDIAN_DATA ?? '/work/shared/data';

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

export const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/** Fisher–Yates with mulberry32: the same seed gives the same sample on every machine. */
export function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * One head example per labelled task of each row, with the classifier's log-probabilities as the
 * frozen base. `extra` adds per-row fields (weight, binary, source …) and may override defaults.
 */
export async function featurizeRows<R extends ExampleRow, X extends object>(
  classifier: ClauseClassifier,
  rows: R[],
  extra: (row: R, task: 'sentiment' | 'category') => X & Partial<HeadExample>,
  onBatch?: (done: number) => void,
): Promise<(HeadExample & X)[]> {
  const out: (HeadExample & X)[] = [];
  for (let i = 0; i < rows.length; i += 256) {
    const batch = rows.slice(i, i + 256);
    const probs = await classifier.classify(batch.map((r) => r.text));
    batch.forEach((r, j) => {
      const lp = baseLogProbs(probs[j]!);
      const f = clauseFeatures(r.text);
      if (r.sent >= 0) out.push({ ...f, task: 'sentiment', base: lp.sentiment, label: r.sent, binary: false, weight: 1, ...extra(r, 'sentiment') } as HeadExample & X);
      if (r.cat >= 0) out.push({ ...f, task: 'category', base: lp.category, label: r.cat, binary: false, weight: 1, ...extra(r, 'category') } as HeadExample & X);
    });
    onBatch?.(Math.min(i + 256, rows.length));
  }
  return out;
}
