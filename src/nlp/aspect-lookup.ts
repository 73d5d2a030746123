import type { CategoryId } from './types.js';
import type { ExtractLexicon } from './extract.js';
import { normalizeText } from './normalize.js';

/*
 * Where an aspect belongs in the taxonomy. Shared by the analyzer (machine tags) and by labeler
 * corrections, so a tag a labeler names groups (canonicalAspect) exactly as a machine tag with the same
 * aspect would, and GET /v1/tags?aspect=网络 finds both.
 */

export const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** `text` is normalized and lower-cased, as the analyzer's aspect texts are. */
export function lookupAspect(x: ExtractLexicon, text: string): { category: CategoryId; canonical: string; how: 'exact' | 'suffix' | 'contains' } | null {
  const idx = x.lex.taxonomy.aspectIndex;
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
