import { resolve } from 'node:path';
import { createModelClassifier } from '../nlp/model/index.js';
import type { ClauseClassifier } from '../nlp/types.js';
import { EvalInputError, objectLine, readJsonl, round } from './jsonl.js';

function macroF1(gold: string[], pred: string[]): number {
  const labels = [...new Set(gold)];
  const f1s = labels.map((l) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      const p = pred[i];
      if (p === l && g === l) tp++;
      else if (p === l) fp++;
      else if (g === l) fn++;
    });
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0;
}

function sentimentLabel(label: number | string | undefined): 'positive' | 'negative' | 'neutral' {
  if (label === 1 || label === '1' || label === 'positive' || label === 'pos') return 'positive';
  if (label === 0 || label === '0' || label === 'negative' || label === 'neg') return 'negative';
  if (label === 'neutral') return 'neutral';
  throw new EvalInputError(`unknown sentiment label ${JSON.stringify(label) ?? '(none)'}; a sentiment line is {text, label} with label positive|negative|neutral or 1|0`);
}

/**
 * `--task sentiment` ({text,label}) and `--task category` ({text,category}), through the same
 * classifier the analyzer worker loads (int8, one clause per call). Optional: --model DIR (default
 * $MODEL_DIR or models/current), --fp32 for the float32 graph, --batch N.
 */
export async function run(file: string, args: Record<string, string | boolean>, classifier?: ClauseClassifier): Promise<object> {
  const task = args.task === 'category' ? 'category' : 'sentiment';
  // The file is checked before the model is loaded: a wrong file fails at once, with its line.
  const lines = readJsonl(file, (value) => {
    const l = objectLine(value);
    if (typeof l.text !== 'string') throw new EvalInputError(`a ${task} line needs "text" (a string)`);
    if (task === 'sentiment') return { text: l.text, gold: sentimentLabel(l.label as number | string | undefined) as string };
    if (typeof l.category !== 'string') throw new EvalInputError('the category task needs {text, category} lines');
    return { text: l.text, gold: l.category };
  });
  const modelDir = typeof args.model === 'string' ? args.model : (process.env.MODEL_DIR ?? 'models/current');
  const clf =
    classifier ??
    (await createModelClassifier(resolve(modelDir), {
      quantized: args.fp32 !== true,
      ...(typeof args.batch === 'string' ? { batchSize: Number(args.batch) } : {}),
    }));
  if (!clf) throw new EvalInputError(`no model found in ${resolve(modelDir)} (pass --model DIR or set MODEL_DIR)`, false);
  const t0 = performance.now();
  const out = await clf.classify(lines.map((l) => l.text));
  const seconds = (performance.now() - t0) / 1000;
  const gold = lines.map((l) => l.gold);
  let pred: string[];
  if (task === 'sentiment') {
    // Binary data sets: compare positive against negative only; neutral competes only when gold has it.
    const hasNeutral = gold.includes('neutral');
    pred = out.map((o) => {
      const s = o.sentiment;
      if (hasNeutral && s.neutral > s.positive && s.neutral > s.negative) return 'neutral';
      return s.positive >= s.negative ? 'positive' : 'negative';
    });
  } else {
    pred = out.map((o) => {
      let best = 'other';
      let bp = -1;
      for (const [k, p] of Object.entries(o.category)) if (p !== undefined && p > bp) [best, bp] = [k, p];
      return best;
    });
  }
  const correct = gold.filter((g, i) => g === pred[i]).length;
  process.stderr.write(`${task}: ${lines.length} texts in ${seconds.toFixed(2)} s (${Math.round(lines.length / seconds)}/s), model ${clf.version}\n`);
  return {
    task,
    n: lines.length,
    accuracy: round(lines.length ? correct / lines.length : 0),
    macroF1: round(macroF1(gold, pred)),
  };
}
