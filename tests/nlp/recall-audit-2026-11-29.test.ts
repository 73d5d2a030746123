import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Fixes for a report-only recall audit (2026-11-29; its 160 texts are
// tests/fixtures/gold/opinions-recall-audit-2026-11-29.jsonl). Our own sentences, one per class, with controls.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags, expectTag } = opinionExpectations(() => analyzer);
const show = showTags;

describe('a one-character evaluation with a complement', () => {
  it('takes 得 complements, 大了 / 太多 and an amount', async () => {
    await expectTag('这碗牛肉面辣得我直冒汗', '辣得我直冒汗', 'negative');
    await expectTag('这次办的分期真是亏大了', '亏大了', 'negative');
    await expectTag('新版App比旧版快太多', '快太多', 'positive');
    await expectTag('同样的套餐比营业厅还贵三十', '贵', 'negative');
  });

  it('reads 更厉害 after 得 as the complaint it intensifies', async () => {
    const ts = await tags('楼上装修吵得更厉害了');
    expect(ts.some((t) => t.polarity === 'positive'), show(ts)).toBe(false);
    expect(ts.some((t) => t.opinion.includes('吵') && t.polarity === 'negative'), show(ts)).toBe(true);
  });

  it('reads 差点 as "almost", not 差 + a little', async () => {
    const ts = await tags('客服回复得太及时了，差点就错过了退款期限');
    expect(ts.some((t) => t.opinion === '差点' || (t.opinion.includes('及时') && t.polarity === 'negative')), show(ts)).toBe(false);
    await expectTag('酒店没叫醒，差点误了飞机', '差点误了飞机', 'negative');
    await expectTag('这件衣服的质量差点', '差点', 'negative');
  });
});

describe('rhetorical and indignant questions', () => {
  it('complain', async () => {
    await expectTag('同一个地址这都能送错？', '送错', 'negative');
    await expectTag('办卡要交三百押金，这合理吗？', '这合理吗', 'negative');
    await expectTag('投诉了三次，投诉有什么用', '有什么用', 'negative');
    await expectTag('登记有用吗？登记完又没人管', '登记有用吗', 'negative');
  });

  it('while asking for information does not', async () => {
    const ts = await tags('请问这个套餐合理吗？我想了解一下');
    expect(ts.some((t) => t.polarity === 'negative' && t.opinion.includes('合理吗')), show(ts)).toBe(false);
    const fine = await tags('就这样吧，谢谢');
    expect(fine, show(fine)).toEqual([]);
  });
});

describe('events: waits, quick service, silence, regrets', () => {
  it('are read', async () => {
    await expectTag('打了半小时才转到人工', '打了半小时才', 'negative');
    await expectTag('周末去营业厅排队两个小时', '排队两个小时', 'negative');
    await expectTag('上午报的案，当天下午就赔付了', '当天下午就赔付了', 'positive');
    await expectTag('没想到这么快就批下来了', '这么快就批下来', 'positive');
    await expectTag('套餐改了也没人跟我说一声', '没人跟我说一声', 'negative');
    await expectTag('买了两次都是坏的，不敢再买了', '不敢再买', 'negative');
    await expectTag('早知道就不办这张卡了', '早知道就不办', 'negative');
  });
});

describe('vocabulary and slang', () => {
  it('knows everyday words the lexicon lacked', async () => {
    await expectTag('送来的青菜都蔫了', '蔫', 'negative');
    await expectTag('这个理赔员挺实在的，有什么说什么', '挺实在', 'positive');
    await expectTag('那个自助机就是个摆设', '就是个摆设', 'negative');
    await expectTag('小哥服务太好了，必须给五星', '五星', 'positive');
    await expectTag('这家的烤肉是真的顶', '真的顶', 'positive');
  });

  it('but not 实在 as "really" or a 摆设 that is furniture', async () => {
    const ts = await tags('网速实在太慢了');
    expect(ts.some((t) => t.polarity === 'positive'), show(ts)).toBe(false);
    const room = await tags('房间里的摆设很有特色');
    expect(room.some((t) => t.polarity === 'negative'), show(room)).toBe(false);
  });
});

describe('words after 都/还/就 mined from the train reviews (lexicons 2026.11.30.14)', () => {
  it('tag defects, food, staff and value with their categories', async () => {
    const cases: [string, string, 'positive' | 'negative', string][] = [
      ['面包才买两天就发霉了', '发霉', 'negative', 'quality'],
      ['鸡腿都没熟，里面还是红的', '没熟', 'negative', 'taste'],
      ['新手机老是自动关机', '自动关机', 'negative', 'quality'],
      ['客服一直不回话', '不回话', 'negative', 'service_attitude'],
      ['问题拖了一个月还是解决不了', '解决不了', 'negative', 'resolution'],
      ['这个价位物有所值', '物有所值', 'positive', 'price'],
      ['营业厅灯光很暗', '很暗', 'negative', 'environment'],
    ];
    for (const [text, opinion, polarity, category] of cases) {
      const ts = await tags(text);
      const t = ts.find((x) => x.opinion.includes(opinion));
      expect(t, `${text}: ${show(ts)}`).toBeDefined();
      expect([t!.polarity, t!.category], `${text}: ${show(ts)}`).toEqual([polarity, category]);
    }
  });

  it('but not inside other words', async () => {
    for (const text of ['暗恋的人送的礼物', '这首歌很有名']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.polarity === 'negative'), `${text}: ${show(ts)}`).toBe(false);
    }
  });
});

describe('defects told as facts', () => {
  it('are complaints: foreign objects, stains, smells, dead pixels, water that keeps changing', async () => {
    await expectTag('米饭里有一根头发', '有一根头发', 'negative');
    await expectTag('新买的衬衫领口有一块黄渍', '有一块黄渍', 'negative');
    await expectTag('屏幕有个坏点', '有个坏点', 'negative');
    await expectTag('洗澡水一会儿烫一会儿凉', '一会儿烫一会儿凉', 'negative');
  });

  it('but not their absence, a question about them, or the problem a caller reported before', async () => {
    for (const text of ['菜里没有一根头发，很放心', '请问房间有没有蟑螂？', '我刚才反映房间有烟味，现在已经换好了']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.polarity === 'negative'), `${text}: ${show(ts)}`).toBe(false);
    }
  });
});

describe('denials of mishaps, hidden charges, similes and Cantonese praise', () => {
  it('are read', async () => {
    await expectTag('下着大雨送来的，饭一点没湿', '一点没湿', 'positive');
    await expectTag('装维师傅折腾了一下午，一句怨言都没有', '一句怨言都没有', 'positive');
    await expectTag('会员日什么优惠都没有', '什么优惠都没有', 'negative');
    await expectTag('上门安装还要另外付80', '还要另外付80', 'negative');
    await expectTag('又偷偷涨了配送费', '偷偷涨', 'negative');
    await expectTag('周末去营业厅办业务跟打仗一样', '跟打仗一样', 'negative');
    await expectTag('呢间茶餐厅嘅菠萝包好到冇朋友', '好到', 'positive');
  });

  it('but not a question about a mishap', async () => {
    const ts = await tags('东西一点没坏吧？');
    expect(ts, show(ts)).toEqual([]);
  });
});

describe('durations with 个半', () => {
  it('keep the whole duration', async () => {
    await expectTag('快递一个半小时才到', '一个半小时才到', 'negative');
    await expectTag('两个半小时才处理好', '两个半小时才处理好', 'negative');
  });
});
