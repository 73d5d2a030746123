import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Narrowing after an adversarial audit of the rules added on 2026-11-29 (its 168 texts are
// tests/fixtures/gold/opinions-rules-audit-2026-11-29.jsonl). Our own sentences: each rule must still fire where it was
// meant to (the other test files of that day) and no longer where these show.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags, expectTag, expectNoneWith } = opinionExpectations(() => analyzer);
const show = showTags;

describe('conditions and worries keep what is not imagined', () => {
  it('a clause after 要是 that does not follow from it, a judged rule, 不用担心, 的话 as words', async () => {
    await expectTag('要是退不了也没关系，就是这个质量太差了', '太差', 'negative');
    await expectTag('如果超过十分钟就自动取消订单，那也太不人性化了', '不人性化', 'negative');
    await expectTag('水果完全不用担心，个个新鲜', '不用担心', 'positive');
    await expectTag('营业员说了很多不礼貌的话', '不礼貌', 'negative');
  });
});

describe("the customer's own mishaps and states, narrowly", () => {
  it('keep what the business did to the customer', async () => {
    await expectTag('你们这样处理让我很不舒服', '不舒服', 'negative');
    await expectTag('快递员不小心把我的包裹摔坏了', '摔坏', 'negative');
    await expectTag('信用卡审批不要太快', '太快', 'positive');
  });
});

describe('hearsay ends where the customer confirms it', () => {
  it('keeps the confirmation and the customer posting', async () => {
    await expectTag('听说你们理赔很快确实三天就到账了', '三天就到账', 'positive');
    await expectTag('前台一听说我是团购的，态度就冷淡了', '冷淡', 'negative');
  });
});

describe('other businesses and comparisons, narrowly', () => {
  it('neighbours are no business, 他家 is this one, and a superlative or self-comparison is not turned round', async () => {
    await expectTag('别家都包邮，就他家运费收十块，太坑了', '太坑', 'negative');
    await expectTag('隔壁家的小孩哭了一晚上，酒店隔音太差了', '太差', 'negative');
    await expectTag('没有比你们更实惠的了', '实惠', 'positive');
    await expectTag('你们的App比你们的网页好用多了', '好用', 'positive');
  });
});

describe('name words only before a product noun', () => {
  it('leave attributive praise', async () => {
    await expectTag('老板给了个实惠价', '实惠', 'positive');
    await expectTag('这次遇到一位贴心司机', '贴心', 'positive');
    await expectNoneWith('订的是豪华大床房', '豪华');
  });
});

describe('complements and patterns, narrowly', () => {
  it('no 得 words, no 差一点点 skip, no requests or negated slang', async () => {
    await expectNoneWith('难得放假出来玩', '难得放假');
    const fix = await tags('坏了全得靠自己找人修');
    expect(fix.some((t) => t.polarity === 'positive'), show(fix)).toBe(false);
    await expectTag('这次的比上次差一点点', '差一点', 'negative');
    await expectNoneWith('本来想给五星，结果汤洒了一半', '五星');
    await expectNoneWith('千万别闭眼冲', '闭眼冲');
    await expectNoneWith('会员这么快就到期了？', '这么快');
    await expectNoneWith('孩子一声不吭就用我手机充了游戏币', '一声不吭');
    await expectNoneWith('早知道不用预约就直接去了', '早知道');
    const fewer = await tags('网点没以前那么多人了');
    expect(fewer.some((t) => t.polarity === 'negative'), show(fewer)).toBe(false);
  });
});

describe('traits the customer owns up to', () => {
  it('describe the customer, while the same words about staff stay', async () => {
    await expectNoneWith('我这人比较粗心，收货地址填错了', '粗心');
    await expectTag('柜员太粗心了，把名字写错了', '粗心', 'negative');
  });
});
