/*
 * The rules' opinion tags for every line of some JSONL files, for offline experiments (training/experiments/span_tagger.py):
 *   node --import tsx scripts/rule-tags.ts OUT.jsonl FILE.jsonl...
 * Reads review lines ({text, label}) and gold lines ({id, kind, text, turns?, opinions}); runs the lexicon rules only
 * (no model: polarity and spans come from the rules alone), and writes per line the input, any gold, and the tags'
 * opinion and aspect spans in UTF-16 offsets of the part they point into.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createAnalyzer } from '../src/nlp/analyzer.js';
import { analyzeInputOf } from '../src/eval/task-opinions.js';
import type { AnalyzeInput, Turn } from '../src/nlp/types.js';

const [out, ...files] = process.argv.slice(2);
if (!out || !files.length) {
  process.stderr.write('usage: node --import tsx scripts/rule-tags.ts OUT.jsonl FILE.jsonl...\n');
  process.exit(2);
}
const analyzer = await createAnalyzer({ lexiconDir: 'lexicons' });
const lines: string[] = [];
for (const file of files) {
  const src = file.split('/').slice(-2).join('/');
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { id?: string; kind?: AnalyzeInput['kind']; text: string; turns?: Turn[]; label?: unknown; opinions?: unknown };
    const input = analyzeInputOf(d);
    const r = await analyzer.analyze(input);
    const tags = r.tags.map((t) => ({
      ti: t.turnIndex ?? null,
      s: t.opinionSpan!.start,
      e: t.opinionSpan!.end,
      pol: t.polarity,
      as: t.aspectSpan?.start ?? null,
      ae: t.aspectSpan?.end ?? null,
      opinion: t.opinion,
      aspect: t.aspect,
    }));
    lines.push(JSON.stringify({ src, id: d.id ?? null, input, label: d.label ?? null, gold: d.opinions ?? null, tags }));
  }
}
writeFileSync(out, lines.join('\n') + '\n');
process.stderr.write(`${lines.length} lines → ${out}\n`);
