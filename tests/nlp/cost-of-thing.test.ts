import { beforeAll, describe, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// What a thing costs is a price verdict whatever the thing is: 衣服太贵了 judges the price of the clothes, not their
// quality. Words that imply price but also say something else (房间很黑, 质量还能接受) stay with their target.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { expectCategorised } = opinionExpectations(() => analyzer);

describe('a cost word on a non-price target', () => {
  it('files the tag under price, the target kept', async () => {
    // was: quality (衣服), environment (早餐 at a hotel), taste (菜)
    await expectCategorised('衣服太贵了', '太贵', 'negative', 'price', '衣服');
    await expectCategorised('积分兑换的东西比外面还贵', '比外面还贵', 'negative', 'price', '东西');
    await expectCategorised('这家店的菜很实惠', '很实惠', 'positive', 'price', '菜');
    await expectCategorised('这个套餐不合算', '不合算', 'negative', 'price', '套餐');
  });

  it('leaves words that judge something else with their target', async () => {
    await expectCategorised('房间很黑', '很黑', 'negative', 'environment', '房间');
    await expectCategorised('质量还能接受', '还能接受', 'positive', 'quality', '质量');
  });
});
