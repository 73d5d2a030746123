import { resolve } from 'node:path';
import { createAnalyzer } from '../nlp/analyzer.js';
import type { AnalyzeInput, CategoryId, DocSentiment, ExtractedTag, Polarity, Turn } from '../nlp/types.js';
import { EvalInputError, f1, objectLine, ratio, readJsonl, round } from './jsonl.js';

interface GoldOpinion {
  aspect: string | null;
  opinion: string;
  polarity: Polarity;
  category: string | null;
  /** position when the source gives it (zhijiang); otherwise located by search */
  opinionStart?: number;
}

interface GoldDoc {
  id: string;
  input: AnalyzeInput;
  opinions: GoldOpinion[];
  sentiment: DocSentiment | null;
  /** whether categories are from the project taxonomy (false for foreign data sets) */
  ownCategories: boolean;
}

interface ProjectLine {
  id: string;
  kind: AnalyzeInput['kind'];
  text: string;
  turns?: Turn[];
  opinions: { aspect: string | null; opinion: string; polarity: Polarity; category: CategoryId }[];
  sentiment: DocSentiment;
}

interface ZhijiangLine {
  id: string;
  text: string;
  aspects: { aspect: string | null; opinion: string; opinion_start: number; polarity: string; category: string }[];
}

/** What the analyzer reads of a project gold line (or a review line: a comment): the API stores transcripts as
 * turns, and the flattened "客户：…" text is only for humans. */
export function analyzeInputOf(l: { kind?: AnalyzeInput['kind']; text: string; turns?: Turn[] }): AnalyzeInput {
  return l.kind === 'transcript' && l.turns?.length ? { kind: 'transcript', turns: l.turns } : { kind: l.kind ?? 'comment', text: l.text };
}

/** Accept the project gold schema and the 之江 AOPE schema (spans given, foreign categories). */
export function toGold(line: unknown): GoldDoc {
  const l = objectLine(line) as Partial<ProjectLine & ZhijiangLine>;
  if (Array.isArray(l.opinions)) {
    const p = l as ProjectLine;
    return { id: String(p.id), input: analyzeInputOf(p), opinions: p.opinions, sentiment: p.sentiment ?? null, ownCategories: true };
  }
  if (Array.isArray(l.aspects)) {
    const z = l as ZhijiangLine;
    const pol = (x: string): Polarity => (x === 'positive' || x === '1' ? 'positive' : x === 'negative' || x === '-1' ? 'negative' : 'neutral');
    return {
      id: String(z.id),
      input: { kind: 'comment', text: z.text },
      opinions: z.aspects.map((a) => ({ aspect: a.aspect, opinion: a.opinion, polarity: pol(String(a.polarity)), category: a.category, opinionStart: a.opinion_start })),
      sentiment: null,
      ownCategories: false,
    };
  }
  throw new EvalInputError('unrecognised line schema: neither "opinions" (the project gold) nor "aspects" (之江 AOPE) is an array');
}

function partText(input: AnalyzeInput, turnIndex: number | undefined): string {
  if (input.kind === 'transcript' && input.turns && turnIndex !== undefined) return input.turns[turnIndex]?.text ?? '';
  return input.text ?? '';
}

/** Positions of a gold string in the parts the analyzer reads (customer turns or the text). */
function locate(input: AnalyzeInput, needle: string | null): { part: number | undefined; start: number; end: number }[] {
  if (!needle) return [];
  const parts: (number | undefined)[] = input.kind === 'transcript' && input.turns ? input.turns.map((t, i) => (t.speaker === 'customer' ? i : -1)).filter((i) => i >= 0) : [undefined];
  const out: { part: number | undefined; start: number; end: number }[] = [];
  for (const part of parts) {
    const text = partText(input, part);
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) out.push({ part, start: at, end: at + needle.length });
  }
  return out;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

function exactMatch(g: GoldOpinion, t: ExtractedTag): boolean {
  return g.polarity === t.polarity && g.opinion === t.opinion && (g.aspect === null || g.aspect === t.aspect);
}

function relaxedMatch(g: GoldOpinion, t: ExtractedTag, input: AnalyzeInput): boolean {
  if (g.polarity !== t.polarity) return false;
  const near = (needle: string | null, span: { start: number; end: number } | null | undefined, fallback: string | null) => {
    if (!needle || !fallback) return false;
    if (needle.includes(fallback) || fallback.includes(needle)) return true;
    if (!span) return false;
    return locate(input, needle).some((loc) => loc.part === t.turnIndex && overlaps(loc, span));
  };
  if (!near(g.opinion, t.opinionSpan ?? t.span, t.opinion)) return false;
  if (g.aspect === null) return true;
  return near(g.aspect, t.aspectSpan, t.aspect);
}

/** Greedy one-to-one matching, gold in order; returns pairs [goldIndex, tagIndex]. */
function match(gold: GoldOpinion[], tags: ExtractedTag[], pred: (g: GoldOpinion, t: ExtractedTag) => boolean): [number, number][] {
  const used = new Set<number>();
  const pairs: [number, number][] = [];
  gold.forEach((g, gi) => {
    const ti = tags.findIndex((t, k) => !used.has(k) && pred(g, t));
    if (ti >= 0) {
      used.add(ti);
      pairs.push([gi, ti]);
    }
  });
  return pairs;
}

export async function run(file: string, args: Record<string, string | boolean>): Promise<object> {
  const lexiconDir = typeof args.lexicons === 'string' ? args.lexicons : resolve(process.cwd(), 'lexicons');
  // Same default as the worker (MODEL_DIR, else models/current): the eval measures what the service runs.
  const modelDir = typeof args.model === 'string' ? args.model : (process.env.MODEL_DIR ?? resolve(process.cwd(), 'models/current'));
  const docs = readJsonl(file, toGold);
  const analyzer = await createAnalyzer({ lexiconDir, ...(modelDir ? { modelDir } : {}) });
  // The lexicon scorer scores lower than the model: a result from it must not pass for the service's.
  if (analyzer.modelVersion.startsWith('lexicon-')) {
    process.stderr.write(
      `WARNING: no model in ${modelDir || '(none given)'}; scoring with the lexicon fallback (${analyzer.modelVersion}), not the model the service runs. Pass --model DIR or set MODEL_DIR.\n`,
    );
  }
  let nGold = 0;
  let nPred = 0;
  let exact = 0;
  let relaxedGold = 0;
  let relaxedPred = 0;
  let catMatched = 0;
  let catCorrect = 0;
  let sentN = 0;
  let sentCorrect = 0;
  const verbose = args.verbose === true;
  for (const [i, d] of docs.entries()) {
    const res = await analyzer.analyze(d.input);
    nGold += d.opinions.length;
    nPred += res.tags.length;
    const ex = match(d.opinions, res.tags, exactMatch);
    exact += ex.length;
    const rel = match(d.opinions, res.tags, (g, t) => relaxedMatch(g, t, d.input));
    relaxedGold += rel.length;
    relaxedPred += rel.length;
    if (d.ownCategories) {
      for (const [gi, ti] of ex) {
        catMatched++;
        if (d.opinions[gi]!.category === res.tags[ti]!.category) catCorrect++;
      }
    }
    if (d.sentiment) {
      sentN++;
      if (d.sentiment === res.sentiment) sentCorrect++;
    }
    if (verbose) {
      const gs = d.opinions.map((o) => `${o.aspect ?? '∅'}|${o.opinion}|${o.polarity[0]}|${o.category}`).join('  ');
      const ps = res.tags.map((t) => `${t.aspect ?? '∅'}|${t.opinion}|${t.polarity[0]}|${t.category}`).join('  ');
      const ok = ex.length === d.opinions.length && ex.length === res.tags.length ? 'OK ' : 'XX ';
      process.stderr.write(`${ok}${d.id} ${d.sentiment ?? ''}/${res.sentiment}\n   gold: ${gs}\n   pred: ${ps}\n`);
    }
    if ((i + 1) % 200 === 0) process.stderr.write(`opinions: ${i + 1}/${docs.length}\n`);
  }
  const precision = ratio(exact, nPred);
  const recall = ratio(exact, nGold);
  const rp = ratio(relaxedPred, nPred);
  const rr = ratio(relaxedGold, nGold);
  return {
    task: 'opinions',
    n: docs.length,
    precision: round(precision),
    recall: round(recall),
    f1: round(f1(precision, recall)),
    relaxedF1: round(f1(rp, rr)),
    categoryAccuracy: catMatched ? round(catCorrect / catMatched) : null,
    docSentimentAccuracy: sentN ? round(sentCorrect / sentN) : null,
    gold: nGold,
    predicted: nPred,
    modelVersion: analyzer.modelVersion,
    lexiconVersion: analyzer.lexiconVersion,
  };
}
