/*
 * Builds the derived features a retrained head learns from and is checked against
 * (models/<name>/head/{base,regression}.bin), through the same classifier the worker runs.
 * Offline, after training/build_data.py (npm run train runs both):
 *   node --import tsx src/nlp/model/head-data-cli.ts [--model DIR] [--work training/work] [--data $GUANDIAN_DATA, default /work/shared/data as in training/common.py]
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORY_IDS } from '../types.js';
import { createModelClassifier, resolveModelDir } from './classifier.js';
import { baseLogProbs, clauseFeatures } from './head.js';
import { writeHeadData, type HeadDataExample, type HeadDataSet } from './head-data.js';

// Per task and split; sized so the shipped files stay a few megabytes (see MODEL_CARD.md).
const BASE_SENTIMENT = 3000;
const BASE_CATEGORY = 6000;
const REGRESSION_SENTIMENT = 1000;
const REGRESSION_CATEGORY = 1000;
/** Two-class review corpora: their texts are scored positive-vs-negative. */
const BINARY_SOURCES = new Set(['chnsenticorp_htl', 'waimai_10k', 'online_shopping_10_cats']);

interface Row {
  text: string;
  sent: number;
  cat: number;
  src: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** mulberry32: the same files give the same sample on every machine. */
function shuffled<T>(items: T[], seed: number): T[] {
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

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

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
  const data = arg('data', process.env.GUANDIAN_DATA ?? '/work/shared/data');
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
    const examples: HeadDataExample[] = [];
    for (let i = 0; i < rows.length; i += 256) {
      const batch = rows.slice(i, i + 256);
      const probs = await classifier.classify(batch.map((r) => r.text));
      batch.forEach((r, j) => {
        const lp = baseLogProbs(probs[j]!);
        const f = clauseFeatures(r.text);
        const common = { ...f, weight: 1, source: sources.indexOf(r.src) };
        if (r.sent >= 0) examples.push({ ...common, task: 'sentiment', base: lp.sentiment, label: r.sent, binary: BINARY_SOURCES.has(r.src) });
        else examples.push({ ...common, task: 'category', base: lp.category, label: r.cat, binary: false });
      });
      process.stderr.write(`\r${Math.min(i + 256, rows.length)}/${rows.length}`);
    }
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
