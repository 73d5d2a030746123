import { detectPii } from '../nlp/pii.js';
import { EvalInputError, objectLine, ratio, readJsonl, round } from './jsonl.js';

interface PiiLine {
  id: string;
  text: string;
  pii: { type: string; start: number; end: number }[];
}

/** Character-level precision/recall over PII spans (a character counts when both sides cover it). */
export async function run(file: string, args: Record<string, string | boolean>): Promise<object> {
  const lines = readJsonl(file, (value): PiiLine => {
    const l = objectLine(value);
    if (typeof l.text !== 'string' || !Array.isArray(l.pii)) throw new EvalInputError('a pii line needs "text" (a string) and "pii" (an array of {type,start,end})');
    return l as unknown as PiiLine;
  });
  let goldChars = 0;
  let predChars = 0;
  let hit = 0;
  let typedHit = 0;
  for (const l of lines) {
    const gold = new Map<number, string>();
    for (const g of l.pii) for (let i = g.start; i < g.end; i++) gold.set(i, g.type);
    const pred = detectPii(l.text);
    const predMap = new Map<number, string>();
    for (const p of pred) for (let i = p.start; i < p.end; i++) predMap.set(i, p.type);
    goldChars += gold.size;
    predChars += predMap.size;
    for (const [i, type] of predMap) {
      if (gold.has(i)) {
        hit++;
        if (gold.get(i) === type) typedHit++;
      }
    }
    if (args.verbose === true) {
      const g = l.pii.map((x) => `${x.type}:${l.text.slice(x.start, x.end)}`).join(' ');
      const p = pred.map((x) => `${x.type}:${l.text.slice(x.start, x.end)}`).join(' ');
      if (g !== p) process.stderr.write(`${l.id} ${l.text}\n  gold: ${g}\n  pred: ${p}\n`);
    }
  }
  return {
    task: 'pii',
    n: lines.length,
    precision: round(ratio(hit, predChars)),
    recall: round(ratio(hit, goldChars)),
    typedAccuracy: round(ratio(typedHit, hit)),
  };
}
