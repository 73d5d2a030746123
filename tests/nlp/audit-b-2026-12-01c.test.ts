import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Third round of opinion rules on 2026-12-01: the misses the second round left (a relative helped, a note or a promise
// ignored across a comma, the wrong dish, a runaround told without 又, a service that cannot be done). Each is read as a
// family: siblings it was not written from, and look-alikes it must leave alone.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { expectCategorised, expectNoneWith, expectNone, tags } = opinionExpectations(() => analyzer);

async function callTags(text: string) {
  return (await analyzer.analyze({ kind: 'transcript', text: '', turns: [{ speaker: 'customer', text }] })).tags;
}

describe('something set up or sorted out, told as a fact', () => {
  it('a verb then 好了 (设置好了, 弄好了) is the job done, not a verdict on the thing', async () => {
    // was: 妈设置 | 好了 positive quality; 手机设置 | 好了 positive quality; 网络设置 | 好了 positive network
    await expectNone(['我帮我妈设置好了手机', '我给我爸设置好了手机', '我帮我爸把手机设置好了', '我自己把网络设置好了']);
  });

  it('a relative, friend or colleague who helped is no staff: no praise of the service', async () => {
    // was: 电脑 | 弄好了 positive service_attitude; 宽带 | 弄好了 positive service_attitude
    await expectNone(['同事帮我把电脑弄好了', '老公帮我把宽带弄好了', '儿子帮我把手机银行设置好了']);
  });

  it('staff who helped still are praised, and the patience beside it stays', async () => {
    await expectCategorised('客服帮我设置好了，很耐心', '很耐心', 'positive', 'service_attitude');
    await expectCategorised('店员帮我把手机设置好了', '设置好了', 'positive', 'service_attitude');
    await expectCategorised('帮我老妈设置好了手机', '设置好了', 'positive', 'service_attitude');
    // a thing the taxonomy knows, judged as it is (服务好了很多), is still judged
    await expectCategorised('服务好了很多', '好', 'positive', 'service_attitude', '服务');
  });
});

describe('an order note ignored, told in the next clause', () => {
  it('备注…，还是放了 / 结果…都有 is the note ignored, as in one clause', async () => {
    // was: no tag
    await expectCategorised('备注了不要香菜，还是放了一大把', '还是放了', 'negative', 'service_attitude');
    await expectCategorised('备注了不要葱，结果还是给我放了', '还是给我放了', 'negative', 'service_attitude');
    await expectCategorised('备注了不放辣，结果照样放了', '照样放了', 'negative', 'service_attitude');
  });

  it('备注少辣，结果辣得没法吃: the verdict after the note is the note ignored', async () => {
    // was: 辣得没法吃 other
    await expectCategorised('备注少辣，结果辣得没法吃', '辣得没法吃', 'negative', 'service_attitude');
    await expectCategorised('备注了不要太咸，结果咸得要死', '咸得要死', 'negative', 'service_attitude');
  });

  it('a note followed by a later clause that is no ignoring stays as it was', async () => {
    await expectNone(['备注：不要太辣，多放香菜', '备注了不要香菜，商家也照做了']);
    // the customer's own doing after a note is no complaint
    await expectNoneWith('备注了不要香菜，我还是放了点辣椒', '放了');
  });
});

describe('the wrong dish or a missing item', () => {
  it('点的是X，送来的是Y is a delivery complaint', async () => {
    // was: no tag
    await expectCategorised('点的是宫保鸡丁，送来的是鱼香肉丝', '送来的是', 'negative', 'logistics');
    await expectCategorised('我点的是大杯，给我送的是小杯', '送的是', 'negative', 'logistics');
    await expectCategorised('买的是红色，发过来的是蓝色', '发过来的是', 'negative', 'logistics');
    // what was ordered is not the target (was: 套餐 | 送来的是, price)
    await expectCategorised('点的是套餐，送来的是单品', '送来的是', 'negative', 'logistics', null);
  });

  it('少送/漏送 an item is delivery, like 送错', async () => {
    // was: 少送了 taste; 漏送了 other
    await expectCategorised('少送了一份米饭', '少送', 'negative', 'logistics');
    await expectCategorised('漏送了饮料', '漏送', 'negative', 'logistics');
    await expectCategorised('送错餐了', '送错', 'negative', 'logistics');
  });

  it('what was ordered and what came, told alike, is no complaint', async () => {
    await expectNone(['点的是宫保鸡丁，送来的也是宫保鸡丁', '送来的是热的']);
  });
});

describe('sent from one office to another and back', () => {
  it('A told me to go to B, B sent me back to A is a runaround, with or without 又', async () => {
    // was: no tag
    await expectCategorised('网点说要找总行，总行让回网点办', '让回网点', 'negative', 'efficiency');
    await expectCategorised('客服让我找网点，网点又让我打客服', '让我打客服', 'negative', 'efficiency');
    await expectCategorised('网点说要找总行，总行又让回网点办', '让回网点', 'negative', 'efficiency');
    const call = await callTags('网点说要找总行，总行又让我回网点办');
    expect(call.some((t) => t.opinion.includes('让我回网点') && t.category === 'efficiency' && t.polarity === 'negative'), showTags(call)).toBe(true);
  });

  it('being sent on once is no runaround', async () => {
    await expectNone(['网点说要找总行', '客服让我去网点办']);
  });
});

describe('a service that cannot be done', () => {
  it('办不了 is the rules (policy), whoever said it', async () => {
    // was: 柜员 | 办不了 service_attitude; 业务 | 办不了 other
    await expectCategorised('柜员办不了', '办不了', 'negative', 'policy');
    await expectCategorised('这个业务办不了', '办不了', 'negative', 'policy');
    await expectCategorised('我这笔业务办理不了', '办理不了', 'negative', 'policy');
  });
});

describe('a free offer promised, then charged or never given', () => {
  it('说好免费…，结果多收/收了 is a price complaint', async () => {
    // was: no tag
    await expectCategorised('说好免费升级宽带，结果每月多收30', '多收30', 'negative', 'price');
    await expectCategorised('承诺免费安装，结果多收了我一百块', '多收了我一百块', 'negative', 'price');
  });

  it('a promise not kept (没兑现) is a complaint', async () => {
    // was: no tag
    await expectCategorised('承诺的免费提速到现在也没兑现', '没兑现', 'negative', 'service_attitude');
    // what was promised, named next to it, is what the complaint is about
    await expectCategorised('说好的积分返现一直没有兑现', '没有兑现', 'negative', 'price', '积分返现');
    const call = await callTags('你们承诺的免费提速到现在也没兑现');
    expect(call.some((t) => t.opinion.includes('没兑现') && t.polarity === 'negative'), showTags(call)).toBe(true);
  });

  it('a promise kept, or an extra charge for something more, is no complaint', async () => {
    await expectNone(['承诺的免费提速已经兑现了', '升级到千兆每月多收30']);
  });
});

// Found by reading the analyzer's output on 30 fresh bank, telecom, insurance and e-commerce texts of our own.
describe('not as the listing showed', () => {
  it('和图片/描述 差太多, 不一样, 不符 is a product complaint', async () => {
    // was: no tag (图片上 and 描述的 broke the comparison), or other
    await expectCategorised('衣服收到了，颜色和图片上差太多', '差太多', 'negative', 'quality');
    await expectCategorised('跟描述的不一样', '不一样', 'negative', 'quality');
    await expectCategorised('实物与照片差距太大', '差距太大', 'negative', 'quality');
  });

  it('as pictured is no complaint', async () => {
    await expectNone(['和图片一样', '跟描述的一样', '图片和实物一模一样']);
  });
});

describe('still nobody came, still not paid out', () => {
  it('还没人上门 and 还没赔下来/批下来 are waits', async () => {
    // was: no tag
    await expectCategorised('宽带装了一个星期还没人上门', '还没人上门', 'negative', 'efficiency');
    await expectCategorised('重疾险理赔材料交齐了一个月还没赔下来', '还没赔下来', 'negative', 'resolution');
    await expectCategorised('房贷申请了两个月还没批下来', '还没批下来', 'negative', 'efficiency');
  });

  it('someone who came is no complaint', async () => {
    await expectNone(['第二天就有人上门了']);
  });
});

describe('done within a time, with the help told between', () => {
  it('十分钟就帮我把挂失办好了 / 三天就退回来了 is praise of speed', async () => {
    // was: no tag
    await expectCategorised('视频客服很专业，十分钟就帮我把挂失办好了', '十分钟就帮我把挂失办好了', 'positive', 'efficiency');
    await expectCategorised('保单犹豫期内退保，钱三天就退回来了', '三天就退回来了', 'positive', 'efficiency');
  });

  it('broken within a time is no praise', async () => {
    await expectNoneWith('三天就坏了', '三天就坏');
  });
});

describe('an entry that cannot be found, told verb first', () => {
  it('找不到…的入口 is an app complaint, as 入口找不到 is', async () => {
    // was: no tag
    await expectCategorised('APP更新以后找不到账单查询的入口了', '找不到账单查询的入口', 'negative', 'app_experience');
    await expectCategorised('根本找不到退订按钮', '找不到退订按钮', 'negative', 'app_experience');
  });

  it('the customer\'s own things not found are no complaint', async () => {
    await expectNone(['我找不到我的快递单号了']);
  });
});

describe('either one fault or the other', () => {
  it('不是A就是B in one clause asserts both: 不是 does not turn A into praise', async () => {
    // was: 不是漏发 positive; 不是卡顿 positive
    const ts = await tags('不是漏发订单就是菜送错了');
    expect(ts.some((t) => t.polarity === 'positive'), showTags(ts)).toBe(false);
    await expectCategorised('不是漏发订单就是菜送错了', '漏发', 'negative', 'logistics');
    await expectCategorised('手机银行不是卡顿就是闪退', '卡顿', 'negative', 'app_experience');
  });

  it('不是A，就是B with a comma keeps its reading (not that it is bad, it is only dear)', async () => {
    await expectCategorised('不是不好吃，就是太贵了', '不是不好吃', 'positive', 'taste');
    await expectCategorised('不是不好吃，就是太贵了', '太贵', 'negative', 'price');
  });
});

describe('goods sent wrong or short', () => {
  it('are a delivery complaint whatever was sent', async () => {
    // was: 菜 | 送错了 taste; 衣服 | 发错了 quality
    await expectCategorised('菜送错了', '送错了', 'negative', 'logistics');
    await expectCategorised('衣服发错了，我要的是M码', '发错了', 'negative', 'logistics');
  });
});

describe('charged at once after a promise', () => {
  it('结果 + a time + 就扣了/收了 an amount is a price complaint; 结果就/只扣了 (only) is not', async () => {
    // was: no tag (就 before 扣 was read as "only")
    await expectCategorised('信用卡年费明明说首年免，结果第一个月就扣了200', '就扣了200', 'negative', 'price');
    await expectCategorised('说好不收手续费，结果第二天就收了我50块', '收了我50块', 'negative', 'price');
    await expectNone(['结果只扣了10块', '结果就扣了200']);
  });
});

describe('pressed to buy by phone or text', () => {
  it('一直打电话让我买 is a sales pitch, and annoyance at it is marketing', async () => {
    // was: no tag; 理财经理 | 烦死了 service_attitude
    await expectCategorised('客户经理天天发短信让我办信用卡', '天天发短信让我办', 'negative', 'marketing');
    await expectCategorised('理财经理一直打电话让我买基金，烦死了', '烦死了', 'negative', 'marketing');
    // annoyance at anything else keeps its topic
    await expectCategorised('网络老掉线，真烦', '真烦', 'negative', 'network');
  });
});

describe('insurance and branch texts, round 5', () => {
  it('on the scene within half an hour is praise of speed', async () => {
    // was: no tag (到现场 after 就到)
    await expectCategorised('车险出险后报案，查勘员半小时就到现场了', '半小时就到现场了', 'positive', 'efficiency');
  });

  it('told afterwards it is not covered (又说不在保障范围内) is a policy complaint; the rule told alone is not', async () => {
    // was: no tag
    await expectCategorised('投保的时候说什么都保，出险了又说不在保障范围内', '不在保障范围内', 'negative', 'policy');
    await expectNone(['这个不在保障范围内']);
  });

  it('nobody told me (都没人通知我) is a service complaint', async () => {
    // was: no tag
    await expectCategorised('代理人换了好几个，都没人通知我', '没人通知我', 'negative', 'service_attitude');
  });

  it('a self-service machine broken is a faulty device, not the app', async () => {
    // was: 自助机 | 坏了好几台 app_experience
    await expectCategorised('营业厅的自助机坏了好几台，也没人修', '坏了好几台', 'negative', 'quality', '自助机');
  });
});

describe('hung up on, and signed for but never received', () => {
  it('客服挂我电话 / 把我电话挂了 / 话没说完就挂了 is a service complaint; the customer hanging up is not', async () => {
    // was: no tag
    await expectCategorised('客服挂我电话', '挂我电话', 'negative', 'service_attitude');
    await expectCategorised('客服把我电话挂了', '把我电话挂了', 'negative', 'service_attitude');
    const call = await callTags('话还没说完就挂了');
    expect(call.some((t) => t.opinion.includes('挂了') && t.category === 'service_attitude' && t.polarity === 'negative'), showTags(call)).toBe(true);
    await expectNone(['我把电话挂了']);
  });

  it('显示已签收，可我根本没收到 is a delivery complaint', async () => {
    // was: other
    await expectCategorised('订单显示已签收，可我根本没收到', '没收到', 'negative', 'logistics');
  });
});
