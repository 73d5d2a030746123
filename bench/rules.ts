import path from 'node:path';
import { createAnalyzer } from '../src/nlp/analyzer.js';
import { customerParts } from '../src/nlp/customer-parts.js';
import { loadLexicon } from '../src/nlp/lexicon.js';
import { normalizeText } from '../src/nlp/normalize.js';
import { loadJieba, tokenize } from '../src/nlp/segment.js';
import type { AnalyzeInput } from '../src/nlp/types.js';
import { feedbackDocuments, type DocPayload } from './lib/documents.js';
import { ROOT, round, type BenchOptions, type BenchResult } from './lib/common.js';

// The rule stage of the analyzer (normalize, clauses, segmentation, extraction; no model) against its own
// segmentation step alone, on the pipeline benchmark's documents. The rules grew from 25 patterns to 192 and
// became 2-3 times slower without anyone noticing, because nothing measured them apart from the whole
// pipeline, whose absolute numbers move with the host. Segmentation is the yardstick that moves with the host
// but not with the rules: the ratio says what the rules cost per unit of segmentation.

const DOCS = 1600;
/** Segmentation is several times faster than the rules: repeated within a pass so both passes last about as long. */
const SEGMENT_REPEATS = 4;
const QUICK_DOCS = 200;

const toInput = (d: DocPayload): AnalyzeInput =>
  d.turns ? { kind: d.kind, text: d.turns.map((t) => t.text).join('\n'), turns: d.turns } : { kind: d.kind, text: d.text ?? '' };

export async function rulesBench(opts: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const lexiconDir = path.join(ROOT, 'lexicons');
  const analyzer = await createAnalyzer({ lexiconDir });
  const lex = loadLexicon(lexiconDir);
  const jieba = loadJieba(lex);
  const inputs = feedbackDocuments(opts.quick ? QUICK_DOCS : DOCS, 'rules').map(toInput);
  // what the analyzer segments: each customer part, normalized and lower-cased, as one range
  const texts = inputs.map((i) => customerParts(i).map((p) => normalizeText(p.text).text.replace(/[A-Z]/g, (c) => c.toLowerCase())));

  const rulesPass = async () => {
    const t0 = performance.now();
    for (const i of inputs) await analyzer.analyze(i);
    return (performance.now() - t0) / inputs.length;
  };
  const segmentPass = () => {
    const t0 = performance.now();
    for (let k = 0; k < SEGMENT_REPEATS; k++) for (const parts of texts) for (const t of parts) tokenize(jieba, t, 0, t.length, lex.taxonomy.aspectIndex, lex.sentiment);
    return (performance.now() - t0) / inputs.length / SEGMENT_REPEATS;
  };
  // a first pass of each compiles the hot code; then alternating passes, best of each, until the budget or 8 rounds
  await rulesPass();
  segmentPass();
  const rules: number[] = [];
  const segment: number[] = [];
  const rounds = opts.quick ? 2 : 8;
  for (let r = 0; r < rounds; r++) {
    if (r >= 2 && Date.now() > opts.deadline) break;
    if (r % 2 === 0) {
      rules.push(await rulesPass());
      segment.push(segmentPass());
    } else {
      segment.push(segmentPass());
      rules.push(await rulesPass());
    }
  }
  const best = (xs: number[]) => Math.min(...xs);
  const ours = 1000 / best(rules);
  const peer = 1000 / best(segment);
  const ratio = ours / peer;
  opts.log(`rules ${round(best(rules), 3)} ms/doc, segmentation alone ${round(best(segment), 3)} ms/doc over ${inputs.length} documents, ${rules.length} rounds`);
  return {
    bench: 'rules',
    unit: 'documents/s (rule stage, no model, one thread)',
    ours: round(ours, 1),
    peer: 'segmentation alone: tokenize() of the same normalized customer text (@node-rs/jieba + lexicons)',
    peerValue: round(peer, 1),
    ratio: round(ratio, 3),
    target: 'none set (a record: compare the ratio between commits; docs/benchmarks.md keeps the history)',
    targetMet: null,
    details: {
      documents: `${inputs.length} of the pipeline benchmark's documents (comments, social posts, transcripts; bench/lib/documents.ts)`,
      method: 'one process, a warm-up pass of each, then alternating passes over all documents; the best pass of each is reported',
      msPerDocument: { rules: round(best(rules), 4), segmentation: round(best(segment), 4) },
      passes: { rules: rules.map((x) => round(x, 4)), segmentation: segment.map((x) => round(x, 4)) },
    },
    seconds: round((Date.now() - started) / 1000, 1),
  };
}
