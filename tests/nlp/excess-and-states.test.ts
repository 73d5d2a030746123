import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Opinions the rules missed in the recall audits for reasons of form, not vocabulary: 太 + a scalar word on a thing
// the taxonomy does not rank (油太多, 枕头太高), a state in the 是…的 frame (鸡块是凉的), 难 + a verb, a verdict after
// a worry that is only a noun (最担心的售后问题), an announced change judged as it is told, this business named after
// another one, and 说不过去 cut in two at 不过.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags, expectTag, expectExact } = opinionExpectations(() => analyzer);
const show = showTags;

describe('太 + a scalar word', () => {
  it('is a complaint about any thing, with the thing as target', async () => {
    await expectExact('就是油太多，吃完嘴唇都是亮的', '油', '太多', 'negative');
    await expectExact('枕头太高了，睡得脖子疼', '枕头', '太高', 'negative');
    await expectTag('楼下的驿站太小了', '太小', 'negative');
    await expectTag('晚上房间的蚊子太多了', '太多', 'negative');
  });

  it('is no verdict when denied, set as a limit, done by the customer, attributive or a comparison', async () => {
    for (const text of ['价格方面也没有太多的优惠', '毕竟在景区，要求不能太高', '由于没有带太多现金', '人家顺丰比你们强太多了', '比某巴克的速溶顺口太多']) {
      const ts = await tags(text);
      expect(ts.some((t) => /太(?:多|高|大|小)/.test(t.opinion) && t.polarity === 'negative'), `${text}: ${show(ts)}`).toBe(false);
    }
  });

  it('keeps the ranked targets as before: a low benefit and a high cost', async () => {
    await expectTag('流量太少了', '太少', 'negative');
    await expectTag('手续费太高了', '太高', 'negative');
  });
});

describe('难 + a verb', () => {
  it('is hard to do, the verb in the phrase', async () => {
    await expectExact('人工太难转了', '人工', '太难转', 'negative');
    await expectTag('车位很难找', '很难找', 'negative');
  });
});

describe('a fault in the 是…的 frame', () => {
  it('predicates the noun before 是 and keeps its 的', async () => {
    await expectExact('鸡块是凉的', '鸡块', '凉的', 'negative');
    await expectTag('送来的汤都是凉的', '凉的', 'negative');
  });

  it('does not turn 是好的 into praise: it tells which one works', async () => {
    const t = await tags('另一间房是好的');
    expect(t.some((x) => x.polarity === 'positive'), show(t)).toBe(false);
  });
});

describe('what is around the verdict', () => {
  it('a worry named as a noun does not hide what happened to it', async () => {
    await expectTag('最担心的售后问题也处理得很及时。', '很及时', 'positive');
    // the worry itself still hides the imagined verdict
    const worry = await tags('我担心的是理赔会很麻烦');
    expect(worry, show(worry)).toEqual([]);
  });

  it('an announced change is judged as it is told; its future states are not', async () => {
    await expectTag('明年起要涨价太离谱了吧，老用户也涨。', '太离谱', 'negative');
    const future = await tags('下个月起会变得很慢');
    expect(future, show(future)).toEqual([]);
  });

  it('this business named after another one brings the verdict back to it', async () => {
    await expectTag('别的酒店都有免费停车，这个酒店停车一晚收五十，太黑了。', '太黑', 'negative');
    const other = await tags('别的酒店停车一晚收五十，太黑了。');
    expect(other.some((t) => t.opinion.includes('黑')), show(other)).toBe(false);
  });

  it('"not even one" before a negated verdict belongs to it, an ordinal does not', async () => {
    await expectExact('价格一分没降', '价格', '一分没降', 'negative');
    await expectTag('用了三年一次都没坏过', '一次都没坏过', 'positive');
    await expectTag('敲家门的时候一分不差', '一分不差', 'positive');
    const ordinal = await tags('吃第一口不错，越吃越咸');
    expect(ordinal.some((x) => x.opinion.includes('一口')), show(ordinal)).toBe(false);
  });

  it('说不过去 is one word, not a clause broken at the contrast 不过', async () => {
    await expectTag('这样做真的说不过去', '说不过去', 'negative');
    const contrast = await tags('服务还行不过价格太贵');
    expect(contrast.map((t) => [t.aspect, t.opinion]), show(contrast)).toEqual([
      ['服务', '还行'],
      ['价格', '太贵'],
    ]);
  });
});

describe('what would do', () => {
  it('X就好 and praise asked for a bit more of are wishes, not reports', async () => {
    for (const text of ['行，能降就好', '下次打包仔细点就好', '菜品选择再多一点就好了', '送餐速度再快些就好啦', '能快点吧']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.polarity === 'positive'), `${text}: ${show(ts)}`).toBe(false);
    }
  });

  it('leaves a comparison and a whole verdict alone', async () => {
    await expectTag('比以前好一点吧', '比以前好一点', 'positive');
    await expectTag('一切都好', '一切都好', 'positive');
  });
});

describe('words', () => {
  it('辛苦了 said to someone who served is praise; said alone to close a call it is politeness', async () => {
    await expectExact('你们抢修队辛苦了', '抢修队', '辛苦了', 'positive');
    const closing = await tags('行，辛苦了，谢谢你啊。');
    expect(closing, show(closing)).toEqual([]);
    const own = await tags('我辛苦了半天');
    expect(own, show(own)).toEqual([]);
  });

  it('好好 before 的 or a verb is no praise; at a clause end it is', async () => {
    for (const text of ['我寄出去的时候好好的，是快递压的', '燃气表明明走得好好的', '你们好好查一下']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.opinion.includes('好好')), `${text}: ${show(ts)}`).toBe(false);
    }
    await expectTag('包装好好，饼很好吃', '好好', 'positive');
  });

  it('words and frames the audits missed (lexicons 2026.11.30.32)', async () => {
    await expectTag('这家民宿千万别订', '千万别订', 'negative');
    await expectTag('智能客服就会复读', '就会复读', 'negative');
    await expectTag('网速感人', '感人', 'negative');
    await expectTag('五百多一晚就这卫生？', '就这卫生', 'negative');
    await expectTag('遮光帘还拉不严', '拉不严', 'negative');
    await expectTag('空调一直滴水', '一直滴水', 'negative');
    await expectTag('效率堪忧', '堪忧', 'negative');
    await expectTag('流程一团乱麻', '一团乱麻', 'negative');
    await expectTag('寄件小程序下单很顺', '很顺', 'positive');
    await expectTag('这个App我吹爆', '吹爆', 'positive');
    // a superlative is no denial, either way
    await expectTag('从来没有见过这么大方的酒店', '这么大方', 'positive');
    await expectTag('从来没见过这么差的服务', '这么差', 'negative');
    // 感人 stays touching where no pace or quality is judged
    const moved = await tags('这件事很感人');
    expect(moved.some((t) => t.polarity === 'negative'), show(moved)).toBe(false);
  });

  it('mishaps jieba glues or tags oddly: 汤洒了, 又坏了, 墙皮都掉了, 包裹不见了', async () => {
    await expectExact('汤洒了一半', '汤', '洒了一半', 'negative');
    await expectExact('手机又坏了', '手机', '又坏了');
    await expectTag('墙皮都掉了', '都掉了', 'negative');
    await expectTag('包裹不见了', '不见了', 'negative');
    // a shower head (花洒) is no spill, and the customer's own keys going missing no complaint
    const shower = await tags('花洒很好用');
    expect(shower.some((t) => t.polarity === 'negative'), show(shower)).toBe(false);
    const keys = await tags('我的钥匙不见了');
    expect(keys, show(keys)).toEqual([]);
  });

  it('set phrases jieba keeps whole: two verdicts (热情周到), a thing and its verdict (反应迟钝), 设施陈旧', async () => {
    await expectExact('服务热情周到', '服务', '热情周到', 'positive');
    await expectTag('付款方便快捷', '方便快捷', 'positive');
    await expectTag('上当受骗了', '上当受骗', 'negative');
    const slow = await tags('系统反应迟钝');
    expect(slow.some((t) => t.opinion === '迟钝' && t.polarity === 'negative'), show(slow)).toBe(true);
    await expectExact('房间设施陈旧', '房间设施', '陈旧', 'negative');
    await expectTag('分量小的可怜', '小的可怜', 'negative');
    await expectTag('一星都不想给', '一星都不想给', 'negative');
    await expectTag('这是什么鬼', '什么鬼', 'negative');
    // 为什么 is a question word, not 什么 + 鬼
    const why = await tags('为什么鬼天气这么冷');
    expect(why.some((t) => t.opinion.includes('鬼')), show(why)).toBe(false);
  });

  it('超级差 (jieba: 超|级差), all of them broken (都是坏的) and the colloquial 不要太差', async () => {
    await expectExact('前台态度超级差', '前台态度', '超级差', 'negative');
    await expectExact('衣服买回来都是坏的', '衣服', '都是坏的');
    await expectTag('前台真的是不要太差', '太差', 'negative');
    // an order note about food stays one, and a wish stays a wish
    for (const text of ['不要太辣', '希望使用后不要太差']) {
      const ts = await tags(text);
      expect(ts, `${text}: ${show(ts)}`).toEqual([]);
    }
  });

  it('a degree adverb jieba keeps with its word (非常热心, 有点烦|人) and 不够 before praise', async () => {
    await expectExact('服务非常热心', '服务', '非常热心', 'positive');
    await expectTag('手续非常复杂', '非常复杂', 'negative');
    await expectTag('客服有点烦人', '有点烦人', 'negative');
    const clean = await tags('马桶不够干净');
    expect(clean.map((t) => [t.aspect, t.opinion, t.polarity]), show(clean)).toEqual([['马桶', '不够干净', 'negative']]);
    await expectTag('分量不够', '不够', 'negative');
    // a one-character fault after 真的 is still the subject's (网络真的卡), 的卡 alone is a card
    await expectExact('网络真的卡', '网络', '真的卡', 'negative');
    const card = await tags('我的卡在外地消费了');
    expect(card, show(card)).toEqual([]);
  });

  it('飞起, 太霸王 and melted goods', async () => {
    await expectTag('换了千兆以后网速飞起', '飞起', 'positive');
    await expectTag('这条款太霸王了', '太霸王', 'negative');
    await expectTag('冻肉送到的时候肉全化了', '全化了', 'negative');
    await expectTag('冰块化了一大半', '化了一大半', 'negative');
  });
});
