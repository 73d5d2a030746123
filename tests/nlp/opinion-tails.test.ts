import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// What follows the opinion word at the end of a clause and belongs to it. The gold keeps the size of what went
// wrong (汤|洒了一半, ∅|折腾了三天) and the whole verb (还没退回来); the rules used to stop at the verb.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags, expectTag } = opinionExpectations(() => analyzer);
const show = showTags;

describe('a count or length that ends the clause', () => {
  it('keeps how late, how many and how often', async () => {
    await expectTag('这次发货慢了三天', '慢了三天', 'negative');
    await expectTag('快递到了，玻璃杯碎了两个', '碎了两个', 'negative');
    await expectTag('视频会议断了好几回', '断了好几回', 'negative');
    await expectTag('外卖少送了一份', '少送了一份', 'negative');
    await expectTag('奶茶少送了一杯', '少送了一杯', 'negative');
    await expectTag('会员价比我上周买的还贵二十', '比我上周买的还贵二十', 'negative');
  });

  it('leaves a number that is not at the clause end, a list number, money and praise counts alone', async () => {
    // 好了三天又坏了: the count belongs to the first verb, and the clause goes on
    const later = await tags('修好了三天又坏了');
    expect(later.some((t) => t.opinion.includes('三天')), show(later)).toBe(false);
    // a digit glued to the next list item (…很安静2.早餐…) is not a count
    const list = await tags('1.房间很安静2.早餐一般');
    expect(list.some((t) => /[0-9]/.test(t.opinion)), show(list)).toBe(false);
    // 不值30元: the price is what it was not worth, not how much went wrong
    const price = await tags('这份饭实在不值30元');
    expect(price.some((t) => t.opinion.includes('30')), show(price)).toBe(false);
    // 好评一个 is emphasis
    const praise = await tags('骑手很准时，好评一个');
    expect(praise.some((t) => t.opinion.endsWith('一个')), show(praise)).toBe(false);
    // 一下 softens, it does not count
    const soft = await tags('网络又断了一下');
    expect(soft.some((t) => t.opinion.includes('一下')), show(soft)).toBe(false);
  });
});

describe('a directional complement finishes a failed verb', () => {
  it('keeps 回来 after 没退', async () => {
    await expectTag('押金到现在都没退回来', '到现在都没退回来', 'negative');
    await expectTag('钱还没退回来', '还没退回来', 'negative');
  });

  it('does not stretch over what follows in the clause', async () => {
    const ts = await tags('押金还没退回来就让我重新交');
    expect(ts.some((t) => t.opinion.includes('退回来就')), show(ts)).toBe(false);
  });
});

describe('the customer’s own lateness', () => {
  it('is no complaint, while the service’s lateness is', async () => {
    const own = await tags('我迟到了十分钟，前台还是帮我办好了');
    expect(own.some((t) => t.opinion.includes('迟到')), show(own)).toBe(false);
    await expectTag('骑手迟到了十分钟', '迟到了十分钟', 'negative');
    await expectTag('我们的外卖迟到了一个小时', '迟到了一个小时', 'negative');
  });
});

describe('the 了 of the 太…了 frame', () => {
  it('stays out when the pattern’s own core opens with 太, as with a plain word (dev gold: 手续费|太贵)', async () => {
    await expectTag('红烧肉太咸了', '太咸', 'negative');
    await expectTag('包装太随意了', '太随意', 'negative');
    await expectTag('跨行手续费太贵了', '太贵', 'negative');
  });

  it('keeps thanks whole (dev gold: 真的太感谢了)', async () => {
    await expectTag('问题解决了，真的太感谢了', '真的太感谢了', 'positive');
  });
});

describe('what a phrase is built with, beyond its modifiers', () => {
  it('keeps 是 before a verdict on the goods (dev gold: ∅|是假货), not in a question or after 就', async () => {
    await expectTag('卖的是假货', '是假货', 'negative');
    const q = await tags('这个是不是假货');
    expect(q.some((t) => t.opinion.startsWith('是')), show(q)).toBe(false);
  });

  it('keeps the 的 of a state that lasted (dev gold: 饭|还是热乎的)', async () => {
    await expectTag('外卖送到还是热乎的', '还是热乎的', 'positive');
  });

  it('keeps the whiff of a smell, the score given and whom 良心 praises', async () => {
    const smell = await tags('卫生间一股霉味');
    expect(smell.some((t) => t.aspect === '卫生间' && t.opinion === '一股霉味' && t.polarity === 'negative'), show(smell)).toBe(true);
    await expectTag('这次必须给满分', '给满分', 'positive');
    await expectTag('良心店家，下次还来', '良心店家', 'positive');
  });
});

describe('还是: "after all" before a verdict, "still" before a state', () => {
  it('leaves 还是 out of a verdict (dev gold: 还是挺失望 → 挺失望) and keeps it with a state', async () => {
    await expectTag('房间还是不错的', '不错', 'positive');
    await expectTag('被罩还是脏的', '还是脏的', 'negative');
  });
});

describe('too much, negated adverbs glued by the HMM, and 不太…了吗', () => {
  it('reads 太 + praise before a complaint as excess without 了 too (dev gold: 條款|太專業 negative)', async () => {
    await expectTag('條款寫得太專業，一般人根本看不懂。', '太專業', 'negative');
    // not under a negation, and not before a contrast
    await expectTag('不算太坏，但是服务很差', '不算太坏', 'positive');
    await expectTag('服务太好，就是价格贵', '太好', 'positive');
  });

  it('peels every adverb the HMM glued to a one-character noun (床不太舒服 → 床|不太舒服)', async () => {
    const ts = await tags('床不太舒服，太软了。');
    expect(ts.some((t) => t.aspect === '床' && t.opinion === '不太舒服' && t.polarity === 'negative'), show(ts)).toBe(true);
  });

  it('reads 这不太X了吗 as the complaint it asks', async () => {
    const ts = await tags('这不太缺德了吗？');
    expect(ts.some((t) => t.opinion.includes('缺德') && t.polarity === 'negative'), show(ts)).toBe(true);
  });
});

describe('也 never opens a phrase', () => {
  it('is left out of patterns and words alike (dev gold: 风控也太敏感了吧 → 太敏感), but stays inside V得 (来得也快)', async () => {
    await expectTag('打包也太随便了', '太随便', 'negative');
    await expectTag('改规则也不提前通知', '不提前通知', 'negative');
    await expectTag('你们这风控也太敏感了吧', '太敏感', 'negative');
    await expectTag('外卖来得也快', '来得也快', 'positive');
  });
});
