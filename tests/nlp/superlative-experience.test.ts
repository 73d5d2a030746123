import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// 从来没遇到过这么差的服务 ("never met service this bad") is a superlative complaint. The rule for a negated comparison
// with expectations (没有想象中那么慢, 没有传说中那么差) read 没遇到过这么 as one and turned 差 into praise
// (没遇到过这么差, positive) when a 从来没… pattern had taken 这么, so the complaint came out mixed.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('never having met one this bad', () => {
  it.each(['从来没遇到过这么差的服务', '我从没碰到过这么慢的快递', '从来没见识过这么差的态度', '从来没住过这么差的酒店', '从来没有订过这么慢的餐', '从来没吃过这么难吃的外卖'])('%s', async (text) => {
    const { tags, sentiment } = await analyzeChecked(analyzer, text);
    expect(tags.some((t) => t.polarity === 'positive'), showTags(tags)).toBe(false);
    expect(sentiment).toBe('negative');
  });

  it('a negated comparison with expectations is still praise', async () => {
    for (const text of ['没有想象中那么慢', '没有传说中那么差']) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags.map((t) => [t.opinion, t.polarity]), showTags(tags)).toEqual([[text, 'positive']]);
    }
  });
});
