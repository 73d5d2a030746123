// Throughput of the shipped classifier: onnxruntime-node direct (int8 and fp32) against
// @huggingface/transformers 3 running the same ONNX file, on real clause lengths.
//   node --import tsx src/nlp/model/bench-cli.ts [modelDir] [clauses.jsonl] [n]
// Prints one JSON object per run; training/write_model_card.py reads training/work/bench.json
// ({clauses: {...ort, ...hf}, reviews: {...}}) into MODEL_CARD.md.
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { ModelClassifier } from './classifier.js';
import { resolveModelDir } from './model-dir.js';
import { CharTokenizer } from './tokenizer.js';

/** Best of `reps` timed runs after one warm-up: the box is shared, so the minimum is the least disturbed. */
async function timeIt(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

async function main() {
  const dir = resolveModelDir(resolve(process.argv[2] ?? 'models/current'));
  if (!dir) throw new Error('no model');
  const file = process.argv[3] ?? 'training/work/examples-dev.jsonl';
  const n = Number(process.argv[4] ?? 2000);
  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, n)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const meanChars = texts.reduce((a, t) => a + Array.from(t).length, 0) / texts.length;
  // int8 as served (one clause per call, see ModelClassifierOptions); fp32 and transformers.js in batches of 32
  const result: Record<string, unknown> = { n: texts.length, meanChars: Math.round(meanChars), batch: { ortInt8: 1, ortFp32: 32, transformersJs: 32 }, threads: 1 };

  // transformers.js bundles its own onnxruntime-node build; two builds cannot share one process, so each
  // runtime is measured in its own run: `... bench-cli.ts DIR FILE N ort` and `... hf`.
  const mode = process.argv[5] ?? 'ort';
  if (mode === 'ort') for (const quantized of [true, false]) {
    const { createModelClassifier } = await import('./classifier.js');
    const clf = (await createModelClassifier(dir, { quantized, threads: 1, batchSize: quantized ? 1 : 32 })) as ModelClassifier;
    const encS = await timeIt(() => clf.encoderLogits(texts), 3);
    const fullS = await timeIt(() => clf.classify(texts), 3);
    result[quantized ? 'ortInt8' : 'ortFp32'] = {
      encoderClausesPerSec: Math.round(texts.length / encS),
      ensembleClausesPerSec: Math.round(texts.length / fullS),
    };
  }

  if (mode !== 'hf') {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  // transformers.js with the same graph: its own tokenizer.json pipeline, padding, int8 weights.
  const hf = await import('@huggingface/transformers');
  hf.env.allowRemoteModels = false;
  hf.env.localModelPath = dirname(dir) + '/';
  const id = basename(dir);
  const tokenizer = await hf.AutoTokenizer.from_pretrained(id);
  const model = await hf.AutoModelForSequenceClassification.from_pretrained(id, {
    dtype: 'q8',
    session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 },
  });
  const cfg = JSON.parse(readFileSync(resolve(dir, 'config.json'), 'utf8')) as { guandian: { max_len: number } };
  const tok = JSON.parse(readFileSync(resolve(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const ours = new CharTokenizer(tok.model.vocab);
  let same = 0;
  const short = texts.filter((t) => Array.from(t).length < cfg.guandian.max_len - 2);
  for (const t of short) {
    const enc = tokenizer(t) as { input_ids: { data: BigInt64Array } };
    const a = Array.from(enc.input_ids.data, Number);
    if (JSON.stringify(a) === JSON.stringify(ours.encode(t, cfg.guandian.max_len))) same++;
  }
  // All texts (long ones truncated by HF to max_len, head only) so the work matches the ORT runs.
  const sorted = [...texts].sort((a, b) => a.length - b.length);
  const hfS = await timeIt(async () => {
    for (let s = 0; s < sorted.length; s += 32) {
      const inputs = tokenizer(sorted.slice(s, s + 32), { padding: true, truncation: true, max_length: cfg.guandian.max_len });
      await model(inputs);
    }
  }, 3);
  result.transformersJsInt8 = {
    encoderClausesPerSec: Math.round(sorted.length / hfS),
    tokenizerAgreement: `${same}/${short.length}`,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
