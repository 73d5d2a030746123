import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Fixes for a second blind recall audit (2026-11-29; its 160 texts are
// tests/fixtures/gold/opinions-recall-audit-b-2026-11-29.jsonl). Our own sentences, one per class, with controls.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags, expectTag } = opinionExpectations(() => analyzer);
const show = showTags;

describe('别 inside a word, and 别太X', () => {
  it('reads 识别太慢 as a verdict, not an order note', async () => {
    await expectTag('刷脸取件挺方便，就是机器识别太慢', '太慢', 'negative');
  });

  it('drops an order note on how food is made, and keeps an indignant 别太X as the complaint it is', async () => {
    const note = await tags('少放辣，别太辣，谢谢');
    expect(note.some((t) => t.opinion.includes('辣')), show(note)).toBe(false);
    const angry = await tags('收了钱不办事，你们别太过分了');
    expect(angry.some((t) => t.polarity === 'positive'), show(angry)).toBe(false);
    expect(angry.some((t) => t.opinion.includes('过分') && t.polarity === 'negative'), show(angry)).toBe(true);
  });
});

describe('how long a delay or a job dragged on is part of the complaint', () => {
  it('takes the duration after 延误 / 晚点 / 超时, as efficiency', async () => {
    const ts = await tags('航班延误四个小时，也没人通知');
    expect(ts.some((t) => t.opinion === '延误四个小时' && t.polarity === 'negative' && t.category === 'efficiency'), show(ts)).toBe(true);
    await expectTag('外卖超时半小时', '超时半小时', 'negative');
    await expectTag('火车晚点了一天', '晚点了一天', 'negative');
  });

  it('takes a week, a month or half a year after 拖了 (one unit of a week or more is long)', async () => {
    await expectTag('报修以后拖了一个礼拜才来人', '拖了一个礼拜才来人', 'negative');
    await expectTag('小区外墙翻新拖了大半年', '拖了大半年', 'negative');
  });

  it('leaves the customer’s own lateness alone', async () => {
    const ts = await tags('我迟到了十分钟，前台还是帮我办好了');
    expect(ts.some((t) => t.opinion.includes('十分钟')), show(ts)).toBe(false);
  });
});

describe('everyday CX words the lexicons lacked', () => {
  it('knows slang and set phrases of praise and complaint', async () => {
    await expectTag('这价格真是离了个大谱', '真是离了个大谱', 'negative');
    await expectTag('酸辣粉够味', '够味', 'positive');
    await expectTag('包子皮薄馅大', '皮薄馅大', 'positive');
    await expectTag('被这家店圈粉了', '圈粉了', 'positive');
    await expectTag('给送水小哥打call', '打call', 'positive');
    await expectTag('对他们的服务很认可', '很认可', 'positive');
    await expectTag('看完账单真心塞', '真心塞', 'negative');
    await expectTag('一天打三个推销电话，还有完没完', '还有完没完', 'negative');
    await expectTag('账单明细看不明白', '看不明白', 'negative');
    await expectTag('改签流程太磨叽', '太磨叽', 'negative');
  });

  it('reads praise of staff, photos that lie and a line that is always busy', async () => {
    await expectTag('必须表扬一下这位快递员', '必须表扬', 'positive');
    await expectTag('营业厅小姑娘业务挺熟', '业务挺熟', 'positive');
    await expectTag('颜色跟图片一模一样', '跟图片一模一样', 'positive');
    const photo = await tags('实物跟照片完全两样');
    expect(photo.some((t) => t.opinion === '跟照片完全两样' && t.polarity === 'negative' && t.category === 'marketing'), show(photo)).toBe(true);
    await expectTag('网点电话永远是忙音', '永远是忙音', 'negative');
    await expectTag('包装太随意', '太随意', 'negative');
  });

  it('leaves alone what only looks like them', async () => {
    for (const text of ['想表扬一下快递员', '可以随意选择颜色', '前台的业务熟练度尚差，需要努力']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.polarity === 'positive' || t.opinion.includes('随意')), show(ts)).toBe(false);
    }
  });
});

describe('events and set phrases from the same audit', () => {
  it('reads quick service told by the clock, and keeps it as evidence beside a verdict', async () => {
    await expectTag('停水了，十点不到就恢复了', '十点不到就恢复了', 'positive');
    await expectTag('报修以后下午师傅就来了', '下午师傅就来了', 'positive');
    await expectTag('提现几秒钟就到账', '几秒钟就到账', 'positive');
    const mine = await tags('我下午就到了，房间还没打扫');
    expect(mine.some((t) => t.polarity === 'positive'), show(mine)).toBe(false);
    const sms = await tags('晚上就来了一条扣费短信');
    expect(sms.some((t) => t.polarity === 'positive'), show(sms)).toBe(false);
    const promised = await tags('客服承诺当天就退款，到现在都没到');
    expect(promised.some((t) => t.polarity === 'positive'), show(promised)).toBe(false);
    const beside = await tags('路由器坏了，第二天师傅就上门了，效率真高');
    expect(beside.some((t) => t.opinion.includes('上门')), show(beside)).toBe(false);
    expect(beside.some((t) => t.opinion.includes('效率') || t.opinion.includes('真高')), show(beside)).toBe(true);
  });

  it('takes 一年不如一年 whole, failures to inform and stonewalling', async () => {
    await expectTag('物业服务一年不如一年', '一年不如一年', 'negative');
    await expectTag('停水一句解释都没有', '一句解释都没有', 'negative');
    await expectTag('投诉了三次，问就是按规定', '问就是按规定', 'negative');
    await expectTag('退款每次都说在走流程', '每次都说在走流程', 'negative');
  });
});

describe('breakdowns left unrepaired, busy lines and money', () => {
  it('takes a breakdown with how long nobody fixed it, and calls that never got through', async () => {
    await expectTag('小区快递柜坏了一个月没人修', '坏了一个月没人修', 'negative');
    await expectTag('客服热线打了四次都占线', '打了四次都占线', 'negative');
  });

  it('takes price rises and overcharges with their amount', async () => {
    await expectTag('会员费又涨了三块', '又涨了三块', 'negative');
    await expectTag('这个月电费比上个月多了一百多', '比上个月多了一百多', 'negative');
    await expectTag('话费多扣了十五块钱', '多扣了十五块钱', 'negative');
    const sales = await tags('店里销量比上个月多了一百多单');
    expect(sales.some((t) => t.polarity === 'negative'), show(sales)).toBe(false);
  });

  it('keeps 感觉不好吃 segmented as it was (user words added at a modest frequency)', async () => {
    await expectTag('其他的都好小 感觉不好吃的品种', '不好吃', 'negative');
  });
});

describe('a customer taking what the agent offered', () => {
  const call = (...lines: string[]) => ({
    kind: 'transcript' as const,
    turns: lines.map((l) => ({ speaker: (l.startsWith('坐席：') ? 'agent' : 'customer') as 'agent' | 'customer', text: l.replace(/^(坐席|客户)：/, '') })),
  });

  it('accepts a remedy with 那还行 / 也还能接受, which is no praise; the verdict beside it stays', async () => {
    const r = await analyzer.analyze(call('客户：鞋穿了一次就开胶了', '坐席：我为您办理退货退款，运费由我们承担。', '客户：那还行，你们售后比我想的靠谱。'));
    expect(r.tags.some((t) => t.opinion === '还行'), show(r.tags)).toBe(false);
    expect(r.tags.some((t) => t.opinion === '比我想的靠谱' && t.polarity === 'positive'), show(r.tags)).toBe(true);
    const wait = await analyzer.analyze(call('客户：车在高速上坏了', '坐席：我们马上给您换一辆车，大概四十分钟到。', '客户：行，四十分钟也还能接受。'));
    expect(wait.tags.some((t) => t.polarity === 'positive'), show(wait.tags)).toBe(false);
  });

  it('keeps 还可以 as a rating when the agent asked, and an aspect’s 还行 after anything', async () => {
    const rated = await analyzer.analyze(call('坐席：请问您对这次服务满意吗？', '客户：还可以吧'));
    expect(rated.tags.some((t) => t.opinion === '还可以' && t.polarity === 'positive'), show(rated.tags)).toBe(true);
    const aspect = await analyzer.analyze(call('坐席：已经给您退款了。', '客户：服务还行'));
    expect(aspect.tags.some((t) => t.opinion === '还行' && t.aspect === '服务'), show(aspect.tags)).toBe(true);
  });

  it('reads the same from a transcript stored as one text with speaker prefixes', async () => {
    const r = await analyzer.analyze({ kind: 'transcript', text: '客户：鞋穿了一次就开胶了\n坐席：我为您办理退货退款，\n运费由我们承担。\n客户：那还行，你们售后比我想的靠谱。' });
    expect(r.tags.some((t) => t.opinion === '还行'), show(r.tags)).toBe(false);
    expect(r.tags.some((t) => t.opinion === '比我想的靠谱'), show(r.tags)).toBe(true);
  });
});

describe('narrowed after an adversarial audit of these rules (opinions-rules-audit-b-2026-11-29.jsonl)', () => {
  it('leaves the customer’s own delays and plans alone', async () => {
    for (const text of ['我拖了一个礼拜才去驿站取件', '我会晚点半小时到，房间帮我留着', '外卖晚点一个小时送吧，我还没下班', '我这人比较磨叽，挑了半天']) {
      const ts = await tags(text);
      expect(ts.filter((t) => t.polarity === 'negative'), show(ts)).toEqual([]);
    }
  });

  it('reads 求救星, 不用那么够味, a cake to look like the photo and 很随意 as no verdict', async () => {
    for (const text of ['这道题不会做，在线求救星', '辣椒少放点，不用那么够味', '蛋糕能做得跟照片一模一样吗', '他吃饭一向很随意']) {
      const ts = await tags(text);
      expect(ts, show(ts)).toEqual([]);
    }
  });

  it('still takes the genuine uses', async () => {
    await expectTag('这款面膜是熬夜党的救星', '救星', 'positive');
    await expectTag('酸辣粉够味', '够味', 'positive');
    await expectTag('做工没的挑', '没的挑', 'positive');
    await expectTag('航班延误了四个小时才起飞', '延误了四个小时', 'negative');
  });
});

describe('categories: a process by its pace, a delivery by its lateness', () => {
  it('files a slow or tiring process under efficiency, a rule judged unfair under policy', async () => {
    const slow = await tags('转网手续真的折腾');
    expect(slow.some((t) => t.opinion === '真的折腾' && t.category === 'efficiency'), show(slow)).toBe(true);
    const unfair = await tags('退款规定太不合理');
    expect(unfair.some((t) => t.category === 'policy'), show(unfair)).toBe(true);
  });

  it('files a rider’s pace and a late delivery under logistics, a late flight under efficiency', async () => {
    const rider = await tags('骑手小哥超快');
    expect(rider.some((t) => t.opinion === '超快' && t.category === 'logistics'), show(rider)).toBe(true);
    const late = await tags('外卖平台超时半小时');
    expect(late.some((t) => t.opinion === '超时半小时' && t.category === 'logistics'), show(late)).toBe(true);
    const flight = await tags('航班延误了四个小时');
    expect(flight.some((t) => t.category === 'efficiency'), show(flight)).toBe(true);
  });
});

describe('money kept, a cheap price and a loose part', () => {
  it('takes money not refunded, after the money it is about', async () => {
    await expectTag('加速包没抢到票，钱也不退', '不退', 'negative');
    await expectTag('办卡的手续费还不退', '还不退', 'negative');
    const mine = await tags('这件衣服我不退了，留着穿');
    expect(mine.some((t) => t.polarity === 'negative'), show(mine)).toBe(false);
  });

  it('reads 才 + a price after a unit of sale as cheap, and not a capacity or a score', async () => {
    await expectTag('换了新套餐，一个月才59', '才59', 'positive');
    for (const text of ['硬盘加起来总共才282GB', '电量才39%', '考试才59分']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.polarity === 'positive'), show(ts)).toBe(false);
    }
  });

  it('takes a part that is too loose, not 不会太松 or relief', async () => {
    await expectTag('充电盒的盖子有点松', '有点松', 'negative');
    for (const text of ['裤子不会太紧也不会太松', '听到结果心里有点松了口气']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.opinion.includes('松')), show(ts)).toBe(false);
    }
  });
});

describe('breakdowns that keep coming, hang-ups, parcels dumped, no way to a person', () => {
  it('takes them as complaints, with property facilities as environment', async () => {
    const lift = await tags('小区电梯隔三差五坏');
    expect(lift.some((t) => t.opinion === '隔三差五坏' && t.category === 'environment'), show(lift)).toBe(true);
    await expectTag('客服说了两句就挂了', '就挂了', 'negative');
    await expectTag('骑手把袋子直接扔地上', '直接扔地上', 'negative');
    await expectTag('打了半天就是转不到人工', '就是转不到人工', 'negative');
  });

  it('leaves the customer’s own hang-up or binning alone, and an instruction to leave it at the door', async () => {
    for (const text of ['我听完就挂了', '拿回去直接丢楼下垃圾桶了', '放门口就行，谢谢']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.polarity === 'negative'), show(ts)).toBe(false);
    }
  });
});

describe('misses of genuine uses the adversarial audit found', () => {
  it('takes 一早 as a time for quick service, 问就是规定 without 按, and keeps a promise a promise', async () => {
    await expectTag('燃气报修，今天一早师傅就来了', '今天一早师傅就来了', 'positive');
    await expectTag('投诉了两次，问就是规定', '问就是规定', 'negative');
    const promised = await tags('说好的第二天一早就到，结果等到晚上');
    expect(promised.some((t) => t.polarity === 'positive'), show(promised)).toBe(false);
  });
});
