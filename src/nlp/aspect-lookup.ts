import type { CategoryId } from './types.js';
import type { ExtractLexicon } from './extract.js';
import { normalizeText } from './normalize.js';

/*
 * Where an aspect belongs in the taxonomy. Shared by the analyzer (machine tags) and by labeler
 * corrections, so a tag a labeler names groups (canonicalAspect) exactly as a machine tag with the same
 * aspect would, and GET /v1/tags?aspect=网络 finds both.
 */

export const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Whether the text between an aspect and its opinion lets the tag span cover both: nothing, spaces, or a
 * short connective without punctuation (网络也很卡, 送得很快). Shared by machine tags and labelers' adds.
 */
export function aspectJoinsOpinion(gap: string): boolean {
  return gap.length <= 3 && (/^ +$/.test(gap) || !/[、,，。!！?？;；\s]/.test(gap));
}

export type AspectHit = { category: CategoryId; canonical: string; how: 'exact' | 'suffix' | 'contains' };
export type Implied = { category: CategoryId; aspect: string };

const CACHE_SIZE = 20_000;

/**
 * `compute(x, key)` remembered per lexicon view. Bounded (cleared when full): targets and opinion phrases come from
 * untrusted text (说好的…呢 holds any four characters).
 */
function perView<T>(compute: (x: ExtractLexicon, key: string) => T): (x: ExtractLexicon, key: string) => T {
  const caches = new WeakMap<ExtractLexicon, Map<string, T>>();
  return (x, key) => {
    let cache = caches.get(x);
    if (!cache) caches.set(x, (cache = new Map()));
    if (cache.has(key)) return cache.get(key)!;
    if (cache.size >= CACHE_SIZE) cache.clear();
    const value = compute(x, key);
    cache.set(key, value);
    return value;
  };
}

/**
 * `text` is normalized and lower-cased, as the analyzer's aspect texts are. Remembered per lexicon view: a target the
 * taxonomy does not hold word for word is compared with every term (about a thousand), and the analyzer asks for the
 * same target several times per document. The result is shared: do not change it.
 */
export const lookupAspect: (x: ExtractLexicon, spaced: string) => AspectHit | null = perView(lookupAspectUncached);

function lookupAspectUncached(x: ExtractLexicon, spaced: string): AspectHit | null {
  const idx = x.lex.taxonomy.aspectIndex;
  // a compound written with a space between its words (客服 电话) is the compound
  const text = spaced.replace(/(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])/g, '');
  const extra = x.extraAspects.get(text);
  if (extra) return { category: extra, canonical: text, how: 'exact' };
  const exact = idx.get(text);
  if (exact) return { ...exact, how: 'exact' };
  let best: { category: CategoryId; canonical: string; how: 'suffix' | 'contains'; len: number } | null = null;
  const consider = (term: string, v: { category: CategoryId; canonical: string }) => {
    if (term.length >= text.length) return;
    if (text.endsWith(term)) {
      if (!best || best.how === 'contains' || term.length > best.len) best = { ...v, how: 'suffix', len: term.length };
    } else if (term.length >= 2 && text.includes(term)) {
      if (!best || (best.how === 'contains' && term.length > best.len)) best = { ...v, how: 'contains', len: term.length };
    }
  };
  for (const [term, cat] of x.extraAspects) consider(term, { category: cat, canonical: term });
  for (const [term, v] of idx) consider(term, v);
  if (!best) return null;
  const b = best as { category: CategoryId; canonical: string; how: 'suffix' | 'contains' };
  return { category: b.category, canonical: b.canonical, how: b.how };
}

/** The analyzer's form of an aspect as written in a text: normalized (width, script, spaces) and lower-cased. */
export function aspectKey(aspect: string): string {
  return asciiLower(normalizeText(aspect).text);
}

/**
 * canonicalAspect of an explicit aspect as the analyzer stores it: the taxonomy group the aspect
 * belongs to, else its normalized text (so 前臺 and 前台 still group); null without an aspect.
 */
export function canonicalAspectOf(x: ExtractLexicon, aspect: string | null): string | null {
  if (aspect === null) return null;
  const key = aspectKey(aspect);
  if (!key) return null;
  return lookupAspect(x, key)?.canonical ?? key;
}

/** Implied category of an opinion core: exact word, the word without its negation, or a contained word. */
export const implicitFor: (x: ExtractLexicon, core: string) => Implied | null = perView(implicitForUncached);

function implicitForUncached(x: ExtractLexicon, core: string): Implied | null {
  const idx = x.lex.taxonomy.implicitIndex;
  const direct = idx.get(core) ?? idx.get(core.replace(/^(不|没有|没)/, ''));
  if (direct) return direct;
  // a degree complement keeps its head's topic: 贵得离谱 is about price, 慢得要死 about speed
  const head = /^(.{1,2})得/.exec(core);
  if (head && idx.has(head[1]!)) return idx.get(head[1]!)!;
  let best: Implied | null = null;
  let bestLen = 0;
  for (const [w, v] of idx) {
    if (w.length > bestLen && w.length >= 2 && core.includes(w)) {
      best = v;
      bestLen = w.length;
    }
  }
  return best;
}

// What a labeler's phrase may wrap its core word in: degree words before it, particles after it.
const DEGREE_PREFIX = /^(非常|特别|十分|相当|超级|真的|真是|实在|比较|有点|有些|挺|很|蛮|太|超|真|好|巨|贼)+/;
const PARTICLE_SUFFIX = /[了的啊吧呀啦哦！!。~～]+$/;

/**
 * The canonical aspect a tag without a named aspect gets, as the pipeline gives one (太贵了 → 价格): the
 * target its opinion word implies, when that target is in the category the tag has; else null.
 */
export function implicitAspectOf(x: ExtractLexicon, opinion: string, category: string): string | null {
  const core = aspectKey(opinion).replace(DEGREE_PREFIX, '').replace(PARTICLE_SUFFIX, '');
  if (!core) return null;
  const hit = implicitFor(x, core);
  return hit && hit.category === category ? hit.aspect : null;
}
