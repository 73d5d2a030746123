import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// "Still not done" was read after 还, 一直, 仍然, 依然 … but not after 还是, 仍旧, 依旧 or 仍, the words a customer uses
// as often: 问题还是没解决 and 退款依旧没到账 were no complaint at all.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('still not done', () => {
  it.each([
    ['投诉了三次，问题还是没解决', '还是没解决'],
    ['退款依旧没到账', '依旧没到账'],
    ['工单仍旧没有处理', '仍旧没有处理'],
    ['报修一周了，宽带仍未修好', '仍未修好'],
  ])('%s', async (text, opinion) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(tags.some((t) => t.opinion.endsWith(opinion) && t.polarity === 'negative'), showTags(tags)).toBe(true);
  });

  it('还是 asking "or" is no complaint', async () => {
    for (const text of ['你们是退了还是没退？', '到底是到账还是没到账']) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags, `${text}: ${showTags(tags)}`).toEqual([]);
    }
  });
});
