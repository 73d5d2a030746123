import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// 不是A，(而)是B sets A aside to blame B. The opinion inside A (不是客服不好 → 客服/不好) was tagged as the customer's
// complaint, so a customer defending the agent was counted as a complaint about the agent.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const rows = (ts: { aspect: string | null; opinion: string; polarity: string }[]) => ts.map((t) => [t.aspect, t.opinion, t.polarity]);

describe('不是A，是B', () => {
  it.each([
    ['不是客服不好，是系统太烂', [['系统', '太烂', 'negative']]],
    ['不是价格贵，而是服务太差', [['服务', '太差', 'negative']]],
    ['不是客服态度不好，只是效率太低', [['效率', '太低', 'negative']]],
    ['倒不是说快递慢，主要是包装太差', [['包装', '太差', 'negative']]],
    ['并不是网速慢，是手机的问题', []],
  ] as const)('%s', async (text, want) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(rows(tags), showTags(tags)).toEqual(want);
  });

  it('a hedged verdict of the customer\'s own, or the real thing inside the clause, stays', async () => {
    const own = await analyzeChecked(analyzer, '不是很满意，就是网速一般般');
    expect(own.tags.some((t) => t.opinion === '不是很满意'), showTags(own.tags)).toBe(true);
    const inline = await analyzeChecked(analyzer, '不是很浓的香是淡淡的清香，很喜欢，主要是实惠');
    expect(inline.tags.some((t) => t.opinion.includes('很喜欢')), showTags(inline.tags)).toBe(true);
    // without the real reason after it, the clause is left as it was
    const alone = await analyzeChecked(analyzer, '不是客服不好。');
    expect(alone.tags.length, showTags(alone.tags)).toBe(1);
  });
});
