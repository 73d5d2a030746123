import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { AnalyzeInput, Analyzer, ExtractedTag } from '../../src/nlp/types.js';

export const LEXICON_DIR = resolve(import.meta.dirname, '../../lexicons');

/** A tag's spans index the text it was read from: the opinion span slices to the opinion, the aspect span to the aspect. */
export function expectSpansSlice(text: string, t: ExtractedTag, message?: string): void {
  expect(text.slice(t.opinionSpan!.start, t.opinionSpan!.end), message).toBe(t.opinion);
  if (t.aspect !== null) expect(text.slice(t.aspectSpan!.start, t.aspectSpan!.end), message).toBe(t.aspect);
}

/** Analyzes one text (a comment unless told) and checks every tag's spans against it. */
export async function analyzeChecked(analyzer: Analyzer, text: string, kind: AnalyzeInput['kind'] = 'comment') {
  const res = await analyzer.analyze({ kind, text });
  for (const t of res.tags) expectSpansSlice(text, t, text);
  return res;
}

/** Tags as [aspect, opinion, polarity, category] rows, for assertion messages. */
export const showTags = (ts: ExtractedTag[]) => JSON.stringify(ts.map((t) => [t.aspect, t.opinion, t.polarity, t.category]));

/**
 * Assertions over one analyzer (created in a beforeAll, hence the getter): a tag whose opinion contains a phrase
 * with a polarity, no tags at all, or none containing a phrase.
 */
export function opinionExpectations(analyzer: () => Analyzer) {
  const tags = async (text: string): Promise<ExtractedTag[]> => (await analyzeChecked(analyzer(), text)).tags;
  return {
    tags,
    async expectTag(text: string, opinion: string, polarity: 'positive' | 'negative') {
      const ts = await tags(text);
      expect(
        ts.some((t) => t.opinion.includes(opinion) && t.polarity === polarity),
        `${text}: expected ${polarity} ${opinion}, got ${showTags(ts)}`,
      ).toBe(true);
    },
    async expectNone(texts: string[]) {
      for (const text of texts) {
        const ts = await tags(text);
        expect(ts, `${text}: ${showTags(ts)}`).toEqual([]);
      }
    },
    /** A tag with exactly this aspect and opinion (and polarity, when given). */
    async expectExact(text: string, aspect: string, opinion: string, polarity?: 'positive' | 'negative') {
      const ts = await tags(text);
      expect(
        ts.some((t) => t.aspect === aspect && t.opinion === opinion && (polarity === undefined || t.polarity === polarity)),
        `${text}: expected ${polarity ?? 'a'} tag ${aspect}|${opinion}, got ${showTags(ts)}`,
      ).toBe(true);
    },
    /** A tag whose opinion contains `opinion`, with this polarity and category (and aspect, when given). */
    async expectCategorised(text: string, opinion: string, polarity: 'positive' | 'negative', category: string, aspect?: string | null) {
      const ts = await tags(text);
      const t = ts.find((x) => x.opinion.includes(opinion) && x.polarity === polarity);
      expect(t, `${text}: expected ${polarity} ${opinion}, got ${showTags(ts)}`).toBeDefined();
      expect(t!.category, `${text}: ${showTags(ts)}`).toBe(category);
      if (aspect !== undefined) expect(t!.aspect, `${text}: ${showTags(ts)}`).toBe(aspect);
    },
    async expectNoneWith(text: string, opinion: string) {
      const ts = await tags(text);
      expect(ts.some((t) => t.opinion.includes(opinion)), `${text}: ${showTags(ts)}`).toBe(false);
    },
  };
}
