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
