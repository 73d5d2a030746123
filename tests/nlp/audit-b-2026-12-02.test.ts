import { beforeAll, describe, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Round 9 (lexicons 2026.12.01.34): three of round 8's open misses: a charge nobody agreed to, money kept after the
// thing was returned, and a counter that closed as the customer's number came up.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { expectCategorised, expectNone, expectNoneWith } = opinionExpectations(() => analyzer);

describe('a charge nobody agreed to', () => {
  it('is a price complaint, the fee named in it', async () => {
    // was: 莫名其妙 negative other
    await expectCategorised('莫名其妙扣了增值业务费', '扣了增值业务费', 'negative', 'price');
    await expectCategorised('擅自给我扣了开户费', '扣了开户费', 'negative', 'price');
    await expectCategorised('上个月话费里无缘无故扣了流量包的钱', '扣了流量包', 'negative', 'price', '话费');
  });

  it('leaves a fee the customer paid alone', async () => {
    await expectNoneWith('我扣了十块钱的运费', '扣');
  });
});

describe('money kept after the thing was returned', () => {
  it('还/又 扣了我 an amount is a price complaint', async () => {
    // was: no tag
    await expectCategorised('借了个充电宝，还了还扣了我十块', '扣了我十块', 'negative', 'price');
    await expectCategorised('取消了会员又扣了我三十元', '扣了我三十元', 'negative', 'price');
  });
});

describe('a counter that closed as the customer came up', () => {
  it('下班了 when it was my turn is an efficiency complaint', async () => {
    // was: no tag
    await expectCategorised('排号排到我的时候窗口下班了', '下班了', 'negative', 'efficiency');
    await expectCategorised('等了一上午，轮到我了柜台就下班了', '下班了', 'negative', 'efficiency');
  });

  it('leaves a closing time said as information alone', async () => {
    await expectNone(['他们下班了，明天再来', '营业厅五点下班']);
  });
});
