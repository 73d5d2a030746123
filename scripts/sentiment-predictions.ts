/*
 * p(positive | positive or negative) from the served model for every line of a {text, label} JSONL file, one number per
 * line, in order: for offline experiments on what the model gets right (training/experiments/near_duplicates.py).
 *   node --import tsx scripts/sentiment-predictions.ts MODEL_DIR FILE.jsonl > OUT.txt
 * The same classifier and calls as `guandian eval --task sentiment` (int8, one text per call).
 */
import { readFileSync } from 'node:fs';
import { createModelClassifier } from '../src/nlp/model/index.js';

const [modelDir, file] = process.argv.slice(2);
if (!modelDir || !file) {
  process.stderr.write('usage: node --import tsx scripts/sentiment-predictions.ts MODEL_DIR FILE.jsonl\n');
  process.exit(2);
}
const classifier = await createModelClassifier(modelDir);
if (!classifier) {
  process.stderr.write(`no model in ${modelDir}\n`);
  process.exit(1);
}
const texts = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text);
const out = await classifier.classify(texts);
process.stdout.write(out.map((o) => String(o.sentiment.positive / (o.sentiment.positive + o.sentiment.negative))).join('\n') + '\n');
