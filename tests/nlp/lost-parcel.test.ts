import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// A parcel, delivery or luggage lost in someone's care (快递丢了, 行李被弄丢了) was no complaint at all: 丢 alone is too
// ambiguous for the lexicon (丢人, 丢三落四), and the 把…弄丢 patterns need 把 or 被 with a verb.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a lost parcel', () => {
  it.each([
    ['快递丢了，也没人管', '快递', 'logistics'],
    ['我的包裹竟然丢了', '包裹', 'logistics'],
    ['等了五天，结果货丢了', '货', null],
    ['行李被弄丢了', '行李', null],
  ] as const)('%s', async (text, aspect, category) => {
    const { tags } = await analyzeChecked(analyzer, text);
    const t = tags.find((x) => x.aspect === aspect && x.opinion.endsWith('丢了'));
    expect(t?.polarity, showTags(tags)).toBe('negative');
    if (category) expect(t!.category).toBe(category);
  });

  it('the customer losing their own card, or asking not to lose a parcel, is no complaint', async () => {
    for (const text of ['我的卡丢了，要挂失', '不要把包裹丢了', '东西丢了']) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags, `${text}: ${showTags(tags)}`).toEqual([]);
    }
  });
});
