import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a word that only ends in 得 is not the verb of a speed complement', () => {
  // 送得很快 keeps its verb (the gold convention); 觉得 / 显得 / 记得 are words of their own, not V + 得
  it.each([
    ['我觉得慢', '慢', 'negative'],
    ['说实话我觉得很慢', '很慢', 'negative'],
    ['页面显得很慢', '很慢', 'negative'],
    ['我觉得挺快', '挺快', 'positive'],
  ] as const)('%s', async (text, opinion, polarity) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(tags.map((t) => [t.opinion, t.polarity]), showTags(tags)).toEqual([[opinion, polarity]]);
  });

  it('a real verb before 得 still stays with its complement', async () => {
    const { tags } = await analyzeChecked(analyzer, '外卖送得很快');
    expect(tags.map((t) => t.opinion), showTags(tags)).toEqual(['送得很快']);
  });
});
