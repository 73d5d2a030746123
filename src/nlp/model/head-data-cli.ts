/*
 * Builds the derived features a retrained head learns from and is checked against
 * (models/<name>/head/{base,regression}.bin), through the same classifier the worker runs.
 * Offline, after training/build_data.py (npm run train runs both):
 *   node --import tsx src/nlp/model/head-data-cli.ts [--model DIR] [--work training/work] [--data $GUANDIAN_DATA, default /work/shared/data as in training/common.py]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORY_IDS } from '../types.js';
import { createModelClassifier, resolveModelDir } from './classifier.js';
import { writeHeadData, type HeadDataSet } from './head-data.js';
import { arg, DATA_DIR, featurizeRows, readJsonl, shuffled, type ExampleRow as Row } from './head-offline.js';

// Per task and split; sized so the shipped files stay a few megabytes (see MODEL_CARD.md).
const BASE_SENTIMENT = 3000;
const BASE_CATEGORY = 6000;
const REGRESSION_SENTIMENT = 1000;
const REGRESSION_CATEGORY = 1000;
/** Two-class review corpora: their texts are scored positive-vs-negative. */
const BINARY_SOURCES = new Set(['chnsenticorp_htl', 'waimai_10k', 'online_shopping_10_cats']);

interface Gold {
  text: string;
  turns?: { speaker: string; text: string }[];
  opinions: { opinion: string; polarity: string; category: string }[];
}

/** The clause (between clause punctuation) holding each gold opinion, labelled with its polarity and category. */
function goldClauses(file: string): Row[] {
  const out: Row[] = [];
  for (const g of readJsonl<Gold>(file)) {
    const texts = g.turns ? g.turns.filter((t) => t.speaker === 'customer').map((t) => t.text) : [g.text];
    const clauses = texts.flatMap((t) => t.split(/[，,。.!！?？;；\n]+/)).filter((c) => c.trim());
    for (const o of g.opinions) {
      const clause = clauses.find((c) => c.includes(o.opinion));
      if (!clause) continue;
      const sent = { negative: 0, neutral: 1, positive: 2 }[o.polarity];
      const cat = (CATEGORY_IDS as readonly string[]).indexOf(o.category);
      if (sent !== undefined) out.push({ text: clause, sent, cat: -1, src: 'gold' });
      if (cat >= 0) out.push({ text: clause, sent: -1, cat, src: 'gold' });
    }
  }
  return out;
}

async function main() {
  const modelArg = arg('model', 'models/current');
  const dir = resolveModelDir(modelArg);
  if (!dir) throw new Error(`no model at ${modelArg}`);
  const work = arg('work', 'training/work');
  const data = arg('data', DATA_DIR);
  const trainFile = join(work, 'examples-train.jsonl');
  if (!existsSync(trainFile)) throw new Error(`${trainFile} is missing: run /usr/bin/python3 training/build_data.py first`);
  const classifier = await createModelClassifier(dir);
  if (!classifier) throw new Error(`${dir} holds no ONNX model`);

  const pick = (rows: Row[], nSent: number, nCat: number, seed: number) => [
    ...shuffled(rows.filter((r) => r.sent >= 0), seed).slice(0, nSent).map((r) => ({ ...r, cat: -1 })),
    ...shuffled(rows.filter((r) => r.cat >= 0), seed + 1).slice(0, nCat).map((r) => ({ ...r, sent: -1 })),
  ];
  const base = pick(readJsonl<Row>(trainFile), BASE_SENTIMENT, BASE_CATEGORY, 7);
  const regression = [...pick(readJsonl<Row>(join(work, 'examples-dev.jsonl')), REGRESSION_SENTIMENT, REGRESSION_CATEGORY, 11), ...goldClauses(join(data, 'gold', 'opinions-dev.jsonl'))];

  const build = async (rows: Row[]): Promise<HeadDataSet> => {
    const sources = [...new Set(rows.map((r) => r.src))].sort();
    const examples = await featurizeRows(
      classifier,
      rows,
      (r, task) => ({ source: sources.indexOf(r.src), binary: task === 'sentiment' && BINARY_SOURCES.has(r.src) }),
      (done) => process.stderr.write(`\r${done}/${rows.length}`),
    );
    process.stderr.write('\n');
    return { baseVersion: classifier.version, sources, examples };
  };
  mkdirSync(join(dir, 'head'), { recursive: true });
  for (const [name, rows] of [['base', base], ['regression', regression]] as const) {
    const set = await build(rows);
    writeHeadData(join(dir, 'head', `${name}.bin`), set);
    const count = (t: string) => set.examples.filter((e) => e.task === t).length;
    process.stdout.write(JSON.stringify({ file: `head/${name}.bin`, sentiment: count('sentiment'), category: count('category'), sources: set.sources }) + '\n');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
