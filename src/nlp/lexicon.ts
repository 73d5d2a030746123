import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CATEGORY_IDS, type CategoryId } from './types.js';
import { PatternPrefilter, requiredLiterals } from './pattern-literals.js';

/** Everything the rule pipeline reads from lexicons/, validated at load so a bad edit fails fast. */
export interface Lexicon {
  version: string;
  /** word (lower-case, simplified) → strength in [-2, 2] */
  sentiment: Map<string, number>;
  negations: Set<string>;
  degrees: Map<string, number>;
  adverbs: Set<string>;
  contrasts: Map<string, 'contrast' | 'concession'>;
  /** `negatesRest`: the score is the negation of the sentiment word inside the match's `rest` group, and
   * `score` only when that group holds none (完全不卡 is praise, 根本不理人 a complaint). `freeTail`: the match
   * ends on a run of any characters ({1,4}, a `rest` group), so its end is moved to a word boundary. */
  patterns: { re: RegExp; score: number; category: CategoryId | null; negatesRest: boolean; freeTail: boolean; role: PatternRole }[];
  /** Which patterns a clause may match, from the literal text each one needs (src/nlp/pattern-literals.ts). */
  patternFilter: PatternPrefilter;
  userDict: { word: string; freq: number; tag: string }[];
  taxonomy: Taxonomy;
}

/**
 * What a pattern's match is to the sentence around it (`role` in patterns.tsv; empty for a verdict):
 * `evidence` is a fact that backs a complaint (只开了一个窗口, 多扣了50块), dropped when the same sentence
 * states a verdict, which is then the opinion (柜台只开两个窗口，效率真低; 多花了50块…很值 accepts it); `effort`
 * counts trips, calls or days (跑了三趟, 打了四五次电话) or an absence (连…都没有), a complaint on its own but the
 * proof of good service when the same sentence praises (装维师傅不怕麻烦，跑了三趟; 连一根头发都没有，很干净).
 * Both, and `event` (any other pattern that reads what happened rather than a fixed phrase of judgement), are
 * dropped like evaluation words in wishes and conditions (要是第二天就发货就好了) and in questions (请问是不是只能退
 * 一半？); rhetorical patterns (就不能…吗) have no role and stay.
 */
export type PatternRole = 'evidence' | 'effort' | 'event' | null;

export interface TaxonomyCategory {
  id: CategoryId;
  zh: string;
  en: string;
  /** canonical aspect → its surface terms */
  aspects: Record<string, string[]>;
}

export interface Taxonomy {
  version: string;
  categories: TaxonomyCategory[];
  /** surface term (lower-case) → category + canonical aspect */
  aspectIndex: Map<string, { category: CategoryId; canonical: string }>;
  /** opinion core word → implied category + canonical aspect */
  implicitIndex: Map<string, { category: CategoryId; aspect: string }>;
  scalar: { higher: Set<string>; lower: Set<string>; benefit: Set<string>; cost: Set<string> };
  /** canonical aspects whose category yields to the one the opinion implies (外卖太慢 → efficiency) */
  weakAspects: Set<string>;
  /** praise words that also name products, rooms and plans (豪华大床房, 超值套餐): not a verdict right before a noun */
  nameWords: Set<string>;
}

export type TsvRow = Record<string, string>;

/** Parse a headed TSV; every row must carry every header column and a non-empty `source`. */
export function readTsv(path: string, required: string[]): TsvRow[] {
  const raw = readFileSync(path, 'utf8');
  const lines = raw.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = (lines.shift() ?? '').split('\t');
  for (const col of [...required, 'source']) {
    if (!header.includes(col)) throw new Error(`${path}: missing column "${col}"`);
  }
  return lines.map((line, i) => {
    const cells = line.split('\t');
    const row: TsvRow = {};
    header.forEach((h, k) => (row[h] = (cells[k] ?? '').trim()));
    for (const col of [...required, 'source']) {
      if (!row[col]) throw new Error(`${path}:${i + 2}: empty "${col}"`);
    }
    return row;
  });
}

function isCategory(x: unknown): x is CategoryId {
  return typeof x === 'string' && (CATEGORY_IDS as readonly string[]).includes(x);
}

function score(path: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < -2 || n > 2) throw new Error(`${path}: bad score "${v}"`);
  return n;
}

export function loadTaxonomy(lexiconDir: string): Taxonomy {
  const path = join(lexiconDir, 'taxonomy.yaml');
  const doc = parseYaml(readFileSync(path, 'utf8')) as {
    version?: string;
    categories?: { id: string; zh: string; en: string; source?: string; aspects?: Record<string, string[]> }[];
    implicit?: { words: string[]; category: string; aspect: string; source?: string }[];
    scalar?: { higher_words: string[]; lower_words: string[]; benefit_aspects: string[]; cost_aspects: string[] };
    weak_aspects?: string[];
    name_words?: string[];
  };
  const cats = doc.categories ?? [];
  const ids = cats.map((c) => c.id);
  if (ids.length !== CATEGORY_IDS.length || !CATEGORY_IDS.every((id) => ids.includes(id))) {
    throw new Error(`${path}: categories must be exactly ${CATEGORY_IDS.join(',')}`);
  }
  const aspectIndex = new Map<string, { category: CategoryId; canonical: string }>();
  const categories: TaxonomyCategory[] = cats.map((c) => {
    if (!isCategory(c.id) || !c.zh || !c.en || !c.source) throw new Error(`${path}: bad category ${c.id}`);
    const aspects = c.aspects ?? {};
    for (const [canonical, terms] of Object.entries(aspects)) {
      for (const t of terms) {
        const key = String(t).toLowerCase();
        if (!aspectIndex.has(key)) aspectIndex.set(key, { category: c.id, canonical });
      }
    }
    return { id: c.id, zh: c.zh, en: c.en, aspects };
  });
  const implicitIndex = new Map<string, { category: CategoryId; aspect: string }>();
  for (const rule of doc.implicit ?? []) {
    if (!isCategory(rule.category) || !rule.source) throw new Error(`${path}: bad implicit rule`);
    for (const w of rule.words) {
      const key = String(w).toLowerCase();
      if (!implicitIndex.has(key)) implicitIndex.set(key, { category: rule.category, aspect: rule.aspect });
    }
  }
  const canonicals = new Set([...aspectIndex.values()].map((v) => v.canonical));
  for (const w of doc.weak_aspects ?? []) if (!canonicals.has(w)) throw new Error(`${path}: weak aspect ${w} is no canonical aspect`);
  const sc = doc.scalar ?? { higher_words: [], lower_words: [], benefit_aspects: [], cost_aspects: [] };
  return {
    version: String(doc.version ?? 'unknown'),
    categories,
    aspectIndex,
    implicitIndex,
    scalar: {
      higher: new Set(sc.higher_words),
      lower: new Set(sc.lower_words),
      benefit: new Set(sc.benefit_aspects.map((s) => s.toLowerCase())),
      cost: new Set(sc.cost_aspects.map((s) => s.toLowerCase())),
    },
    weakAspects: new Set(doc.weak_aspects ?? []),
    nameWords: new Set((doc.name_words ?? []).map((w) => String(w).toLowerCase())),
  };
}

export function loadLexicon(lexiconDir: string): Lexicon {
  const p = (f: string) => join(lexiconDir, f);
  const versionFile = p('VERSION');
  const version = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : 'unknown';
  const sentiment = new Map<string, number>();
  for (const r of readTsv(p('sentiment.tsv'), ['word', 'score'])) {
    sentiment.set(r.word!.toLowerCase(), score('sentiment.tsv', r.score!));
  }
  for (const r of readTsv(p('slang.tsv'), ['word', 'score'])) {
    sentiment.set(r.word!.toLowerCase(), score('slang.tsv', r.score!));
  }
  const negations = new Set(readTsv(p('negation.tsv'), ['word']).map((r) => r.word!));
  const degrees = new Map(readTsv(p('degree.tsv'), ['word', 'weight']).map((r) => [r.word!, Number(r.weight)] as const));
  const adverbs = new Set(readTsv(p('adverbs.tsv'), ['word']).map((r) => r.word!));
  const contrasts = new Map<string, 'contrast' | 'concession'>();
  for (const r of readTsv(p('contrast.tsv'), ['word', 'type'])) {
    if (r.type !== 'contrast' && r.type !== 'concession') throw new Error(`contrast.tsv: bad type ${r.type}`);
    contrasts.set(r.word!, r.type);
  }
  const patterns = readTsv(p('patterns.tsv'), ['pattern', 'score', 'category']).map((r) => {
    const cat = r.category === '-' ? null : r.category;
    if (cat !== null && !isCategory(cat)) throw new Error(`patterns.tsv: bad category ${cat}`);
    const negatesRest = r.score === 'neg';
    if (negatesRest && !r.pattern!.includes('(?<rest>')) throw new Error(`patterns.tsv: score "neg" needs a (?<rest>…) group: ${r.pattern}`);
    const role: PatternRole = r.role === 'evidence' || r.role === 'effort' || r.role === 'event' ? r.role : null;
    if (r.role && role === null) throw new Error(`patterns.tsv: bad role ${r.role}`);
    return { re: new RegExp(r.pattern!, 'gud'), freeTail: /\}\)?$/.test(r.pattern!) || r.pattern!.includes('(?<rest>'), score: negatesRest ? -1 : score('patterns.tsv', r.score!), category: cat, negatesRest, role };
  });
  const userDict = readTsv(p('user-dict.tsv'), ['word', 'freq', 'tag']).map((r) => {
    const freq = Number(r.freq);
    if (!Number.isInteger(freq) || freq <= 0 || /\s/.test(r.word!)) throw new Error(`user-dict.tsv: bad entry ${r.word}`);
    return { word: r.word!, freq, tag: r.tag! };
  });
  const patternFilter = new PatternPrefilter(patterns.map((q) => requiredLiterals(q.re.source)));
  return { version, sentiment, negations, degrees, adverbs, contrasts, patterns, patternFilter, userDict, taxonomy: loadTaxonomy(lexiconDir) };
}

/** jieba wants `word freq tag` lines; taxonomy aspect terms are added as nouns so compounds stay whole. */
export function buildJiebaDict(lex: Lexicon): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const e of lex.userDict) {
    seen.add(e.word.toLowerCase());
    lines.push(`${e.word} ${e.freq} ${e.tag}`);
  }
  for (const term of lex.taxonomy.aspectIndex.keys()) {
    if (seen.has(term) || term.length < 2 || /\s/.test(term)) continue;
    seen.add(term);
    lines.push(`${term} 20000 n`);
  }
  return lines.join('\n') + '\n';
}
