import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Second round of opinion rules on 2026-12-01: misses named by the lead, and misses found by reading the analyzer's
// output on fresh bank, insurance, e-commerce and food-delivery texts of our own (call-centre turns among them). Each
// fix is read as a family: a sibling it was not written from, and a look-alike it must leave alone.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { expectCategorised, expectTag: expectPolar, expectNoneWith, tags } = opinionExpectations(() => analyzer);

async function callTags(text: string) {
  return (await analyzer.analyze({ kind: 'transcript', text: '', turns: [{ speaker: 'customer', text }] })).tags;
}

describe('goods damaged on the way', () => {
  it('broken or caved in, told with how many or how much, is a delivery complaint', async () => {
    // was: no tag (塌了一半), quality (碎了三个, 碎了两个)
    await expectCategorised('蛋糕塌了一半', '塌了一半', 'negative', 'logistics');
    await expectCategorised('鸡蛋碎了三个', '碎了三个', 'negative', 'logistics');
    await expectCategorised('收到的杯子碎了两个，包装就一层塑料袋', '碎了两个', 'negative', 'logistics');
    await expectCategorised('鸡蛋送来碎了好几个', '碎了好几个', 'negative', 'logistics');
    // a count of broken goods stays beside a verdict in the same sentence
    await expectCategorised('鸡蛋碎了三个，太差了', '碎了三个', 'negative', 'logistics');
  });

  it('damaged already when it arrived is a delivery complaint', async () => {
    // was: no tag
    await expectCategorised('蛋糕送到的时候已经塌了', '塌了', 'negative', 'logistics');
  });

  it('food crushed in its box (压得扁扁的, 颠得不成样子) is a delivery complaint; a price pressed down is not', async () => {
    // was: no tag
    await expectCategorised('汉堡被压得扁扁的', '压得扁扁的', 'negative', 'logistics');
    await expectCategorised('蛋糕在路上颠得不成样子', '颠得不成样子', 'negative', 'logistics');
    await expectCategorised('价格压得很低', '很低', 'positive', 'price');
  });

  it('a broken food box is the packaging', async () => {
    // was: other
    await expectCategorised('餐盒破了，汤漏得到处都是', '破了', 'negative', 'logistics', '餐盒');
  });

  it('a parcel signed for that never came is a delivery complaint; a neighbour asked to sign is not', async () => {
    // was: no tag; 虚假 alone
    await expectCategorised('快递员又给我虚假签收了，人根本没来', '虚假签收', 'negative', 'logistics');
    const call = await callTags('上次也是这样，你们快递员老是乱签收');
    expect(call.some((t) => t.opinion.includes('乱签收') && t.category === 'logistics'), showTags(call)).toBe(true);
    await expectNoneWith('我让邻居帮我代签收了', '签收');
  });

  it('the customer breaking their own things is no complaint, and a cracked screen stays a product fault', async () => {
    await expectNoneWith('我不小心摔碎了两个碗', '碎了');
    await expectCategorised('手机屏幕碎了', '碎了', 'negative', 'quality');
    // fittings broken in a room, a hole in clothes: faults, not the delivery, and kept beside a verdict
    await expectCategorised('房间电灯坏了几个，太差了', '坏了几个', 'negative', 'quality');
    await expectCategorised('衣服破了一个洞', '破了', 'negative', 'quality');
  });
});

describe('a smell on goods is the goods', () => {
  it('衣服有异味 is quality, as 被子有股霉味 already was', async () => {
    // was: environment
    await expectCategorised('衣服有异味', '异味', 'negative', 'quality', '衣服');
    await expectCategorised('新买的鞋子有异味', '异味', 'negative', 'quality');
    // a room that smells is the premises
    await expectCategorised('房间有异味', '异味', 'negative', 'environment', '房间');
  });
});

describe('a courier as a person', () => {
  it('a courier or rider praised as a person or for manners is service, not delivery', async () => {
    // was: logistics
    await expectCategorised('快递小哥人很好', '人很好', 'positive', 'service_attitude', '快递小哥');
    await expectCategorised('外卖小哥人特别好，下雨天还准时送到', '人特别好', 'positive', 'service_attitude', '外卖小哥');
    await expectCategorised('快递小哥很有礼貌，还帮我搬上楼', '很有礼貌', 'positive', 'service_attitude', '快递小哥');
  });

  it('how fast they delivered stays delivery', async () => {
    await expectCategorised('快递小哥送得很快', '很快', 'positive', 'logistics');
  });
});

describe('sent from one counter to another', () => {
  it('a channel that sends the customer back to another is a runaround', async () => {
    // was: no tag
    await expectCategorised('让我去网上办，网上又说要去营业厅办', '又说要去营业厅办', 'negative', 'efficiency');
    await expectCategorised('客服让我去柜台办，柜台又说只能在APP上办', '又说只能在APP上办', 'negative', 'efficiency');
    await expectCategorised('柜台让我找客服，客服又让我找柜台', '又让我找柜台', 'negative', 'efficiency');
  });

  it('an agent promising to act, or the customer going again, is no runaround', async () => {
    await expectNoneWith('客服又说会尽快处理', '又说');
    await expectNoneWith('我又去营业厅办了一次', '又');
  });
});

describe('free, then charged', () => {
  it('a free offer charged for after all (结果…开始收费) is a price complaint', async () => {
    // was: no tag
    await expectCategorised('说好的免费提速，结果第二个月就开始收费', '开始收费', 'negative', 'price');
    await expectCategorised('说好的免费试用，结果没几天就开始扣费', '开始扣费', 'negative', 'price');
    const call = await callTags('我上个月办的宽带，说好的免费提速，结果第二个月就开始收费了');
    expect(call.some((t) => t.opinion.includes('开始收费') && t.category === 'price'), showTags(call)).toBe(true);
  });

  it('a charge announced ahead is no complaint', async () => {
    await expectNoneWith('下个月开始收费', '收费');
  });
});

describe('a credit line cut names its own target', () => {
  it('突然降额 takes 降额, not 还款 from the clause before', async () => {
    // was: 还款 | 突然降额
    await expectCategorised('我的卡每个月都按时还款的，怎么突然降额了', '突然降额', 'negative', 'policy', '降额');
    await expectCategorised('按时还款，突然降额', '突然降额', 'negative', 'policy', '降额');
    // a target in its own clause still is the target
    await expectCategorised('信用卡被降额了', '被降额', 'negative', 'policy', '信用卡');
  });

  it('cut without warning, with 就 between (突然就降额了), in a call', async () => {
    // was: no tag
    const call = await callTags('我每个月都按时还款，突然就降额了');
    expect(call.some((t) => t.opinion.includes('突然就降额') && t.category === 'policy' && t.polarity === 'negative'), showTags(call)).toBe(true);
  });

  it('a credit line cut to an amount is a policy complaint; the customer asking for it is not', async () => {
    // was: no tag
    await expectCategorised('我的额度从五万降到了一万，也没说原因', '降到了一万', 'negative', 'policy', '额度');
    await expectCategorised('信用额度一下子砍到了两千', '砍到了两千', 'negative', 'policy');
    await expectNoneWith('我申请把额度降到了一万', '降到');
    await expectNoneWith('利率从4%降到了3%', '降到');
  });
});

describe('paperwork, notes and notices', () => {
  it('told each time that something else is missing is a runaround', async () => {
    // was: no tag
    await expectCategorised('保险理赔材料交了两次，每次都说少东西', '每次都说少东西', 'negative', 'efficiency');
    await expectCategorised('跑了三趟，每次去都说还差一个证明', '每次去都说还差一个证明', 'negative', 'efficiency');
    // the customer's own request each time is not
    await expectNoneWith('我每次都说少放辣，还是很辣', '每次');
  });

  it('a note to the kitchen ignored (备注了…还是放了) is a complaint', async () => {
    // was: no tag
    await expectPolar('商家备注了不要香菜还是放了', '还是放了', 'negative');
    await expectCategorised('商家备注了不要葱还是给我放了', '还是给我放了', 'negative', 'service_attitude');
  });

  it('no notice at all (也没个通知, 也没有个提醒) is a service complaint; the customer not telling someone is not', async () => {
    // was: no tag
    await expectCategorised('账单日改了也没有个提醒', '没有个提醒', 'negative', 'service_attitude');
    // the customer's own lack, or a notice named before other words, is not
    await expectNoneWith('我也没个电话', '没个电话');
    await expectNoneWith('没个电话号码可以留', '没个电话');
  });

  it('a refund that keeps most of the money (扣了一大半的钱) is a price complaint', async () => {
    // was: no tag
    await expectCategorised('退保的时候扣了一大半的钱，当初可没说', '扣了一大半的钱', 'negative', 'price');
    await expectNoneWith('只扣了一小部分', '扣');
  });
});

describe('staff helping with the customer\'s things', () => {
  it('set up or sorted out for the customer (帮我…设置好了) is praise of the service', async () => {
    // was: 老妈设置 | 好了 quality; no tag; 宽带 | 调试好了 would have been network
    await expectCategorised('帮我老妈设置好了手机', '设置好了', 'positive', 'service_attitude');
    await expectCategorised('营业员帮我把旧手机的资料都导好了', '导好了', 'positive', 'service_attitude');
    await expectCategorised('师傅帮我把宽带调试好了', '调试好了', 'positive', 'service_attitude');
  });

  it('beside a verdict on the same service, the help is what backs it: one tag, service, no goods as target', async () => {
    // was: 老妈设置 | 好了 quality beside 手机 | 很耐心
    for (const text of ['帮我老妈设置好了手机，很耐心', '营业员帮我把旧手机的资料都导好了，很细心']) {
      const ts = await tags(text);
      expect(ts.length, showTags(ts)).toBeGreaterThan(0);
      expect(ts.every((t) => t.category === 'service_attitude' && t.polarity === 'positive'), showTags(ts)).toBe(true);
      expect(ts.some((t) => t.aspect === '手机' || t.aspect === '资料'), showTags(ts)).toBe(false);
    }
    const call = await callTags('你们营业厅的小姑娘很耐心，帮我老爸把手机都设置好了');
    expect(call.every((t) => t.category === 'service_attitude'), showTags(call)).toBe(true);
  });

  it('patience is a person\'s, not the phone\'s worked on', async () => {
    // was: 手机 | 很耐心
    await expectCategorised('帮我老妈设置好了手机，很耐心', '很耐心', 'positive', 'service_attitude', null);
  });

  it('the customer helping a relative is no praise of the service', async () => {
    const ts = await tags('我帮我妈设置好了手机');
    expect(ts.filter((t) => t.category === 'service_attitude'), showTags(ts)).toEqual([]);
  });
});

describe('buffering on a slow line', () => {
  it('buffering told after a broadband or speed target is the network', async () => {
    // was: app_experience
    await expectCategorised('宽带网速只有签约的一半，晚上看视频一直缓冲', '缓冲', 'negative', 'network');
    await expectCategorised('家里宽带晚上看电影老是缓冲', '缓冲', 'negative', 'network', '宽带');
    // the slow line told in the clause before
    await expectCategorised('网速太慢了，视频一直在缓冲', '缓冲', 'negative', 'network');
  });

  it('a player that buffers, with no network named, stays the app', async () => {
    await expectCategorised('这个视频播放器一直缓冲', '缓冲', 'negative', 'app_experience');
    await expectCategorised('晚上看视频一直缓冲', '缓冲', 'negative', 'app_experience');
    await expectCategorised('App更新以后，视频一直缓冲', '缓冲', 'negative', 'app_experience');
  });
});

describe('a complaint graded with 到不行 is read whatever jieba makes of it', () => {
  it('吵到不行 stays the complaint, not a bare 不行, once new dictionary terms shift jieba\'s weights', async () => {
    // with this round's taxonomy terms jieba cut 吵到|不行 and the tag became a bare 不行 (other)
    await expectCategorised('专门要了一间不靠街面的房间，结果还是吵到不行', '吵到不行', 'negative', 'environment');
    await expectCategorised('外卖慢到不行', '慢到不行', 'negative', 'efficiency');
  });
});
