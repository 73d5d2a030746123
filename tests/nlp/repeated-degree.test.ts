import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Social posts repeat a one-character degree adverb for emphasis (太太太好了, 真真真干净). jieba reads the doubled one as
// a word — 太太 "wife", 真真 — so the target became 服务太太 / 客服态度太太, or the target was lost.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a repeated degree adverb is emphasis, not a word', () => {
  it.each([
    ['服务太太太好了', '服务', 'positive'],
    ['客服态度太太差了', '客服态度', 'negative'],
    ['这个app太太太难用了', 'app', 'negative'],
    ['房间真真真干净', '房间', 'positive'],
  ] as const)('%s', async (text, aspect, polarity) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(tags.map((t) => [t.aspect, t.polarity]), showTags(tags)).toEqual([[aspect, polarity]]);
    // the target and the emphasised verdict are adjacent: the span is the whole phrase
    const t = tags[0]!;
    expect(text.slice(t.span.start, t.span.end), showTags(tags)).toBe(`${t.aspect}${t.opinion}`);
  });

  it('a wife is still a wife', async () => {
    const { tags } = await analyzeChecked(analyzer, '我太太说服务很好');
    expect(tags.map((t) => [t.aspect, t.opinion]), showTags(tags)).toEqual([['服务', '很好']]);
    const own = await analyzeChecked(analyzer, '老板太太人很好');
    expect(own.tags.every((t) => t.aspect?.includes('太太')), showTags(own.tags)).toBe(true);
  });
});
