import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// A degree complement said twice (卡得不行不行, 慢得要命要命) gave two tags sharing characters: 不行不行 was read as a word
// of its own from 不 on, and 卡 then took 得不行 as its complement, stopping inside it (卡得不行 0-4, 不行不行 2-6). Tags
// within one document must not overlap; the repetition is the complement's, so the whole is one opinion.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const overlapping = (ts: { opinionSpan?: { start: number; end: number } | null }[]) =>
  ts.some((a, i) => ts.some((b, j) => j > i && a.opinionSpan!.start < b.opinionSpan!.end && b.opinionSpan!.start < a.opinionSpan!.end));

describe('a repeated degree complement', () => {
  it.each([
    ['卡得不行不行', '卡得不行不行', 'negative'],
    ['网速卡得不行不行的', '卡得不行不行', 'negative'],
    ['排队慢得要命要命', '慢得要命要命', 'negative'],
    ['这家的烤鸭好吃得不行不行', '好吃得不行不行', 'positive'],
  ] as const)('%s', async (text, opinion, polarity) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(overlapping(tags), showTags(tags)).toBe(false);
    expect(tags.map((t) => [t.opinion, t.polarity]), showTags(tags)).toEqual([[opinion, polarity]]);
  });

  it('a complement said once still ends where it ends', async () => {
    const { tags } = await analyzeChecked(analyzer, '价格贵得离谱的套餐，卡得不行');
    expect(tags.map((t) => t.opinion), showTags(tags)).toEqual(['贵得离谱', '卡得不行']);
  });
});
