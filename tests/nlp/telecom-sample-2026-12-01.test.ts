import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Misses found by reading what the analyzer makes of the bundled telecom sample (examples/sample-feedback.jsonl, the
// one `guandian demo` loads), each read as a family with siblings the fix was not written from and look-alikes it
// must leave alone.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { expectCategorised, expectTag, expectNoneWith, tags } = opinionExpectations(() => analyzer);

async function callTags(text: string) {
  return (await analyzer.analyze({ kind: 'transcript', text: '', turns: [{ speaker: 'customer', text }] })).tags;
}

describe('厉害 after a complaint says how bad it is', () => {
  it('is no praise right after a complaint word, with or without a degree word', async () => {
    // was: 特别厉害 positive service_attitude beside 耗电 negative
    for (const text of ['升级以后耗电特别厉害，手机发烫', '这手机耗电很厉害', '系统卡顿厉害']) {
      const ts = await tags(text);
      expect(ts.filter((t) => t.polarity === 'positive'), `${text}: ${showTags(ts)}`).toEqual([]);
      expect(ts.some((t) => t.polarity === 'negative'), `${text}: ${showTags(ts)}`).toBe(true);
    }
  });

  it('is still praise of a person or a skill', async () => {
    await expectTag('技术挺厉害的', '厉害', 'positive');
    await expectTag('这个师傅很厉害，十分钟就修好了', '厉害', 'positive');
  });
});

describe('a card in a plan name is no "stuck" complaint', () => {
  it('老人卡, 副卡, 流量卡 are cards', async () => {
    // was: 老人|卡 negative
    await expectNoneWith('老人卡的套餐很实惠，给我爸办了一张', '卡');
    await expectNoneWith('我给孩子办了一张副卡', '卡');
    await expectNoneWith('流量卡到了，已经激活', '卡');
    // a stuck app still is
    await expectTag('App太卡了', '卡', 'negative');
  });
});

describe('billing mistakes and goods out of stock', () => {
  it('多算, 算错 and 缺货 are complaints', async () => {
    // was: no tag
    await expectTag('流量显示和实际用的对不上，明显多算了', '多算', 'negative');
    await expectTag('不可能，我一直连着家里WiFi，肯定是你们算错了', '算错', 'negative');
    await expectTag('积分兑换的东西太少了，而且总是缺货', '缺货', 'negative');
    await expectTag('话费又算错了，这个月多了三十', '算错', 'negative');
  });

  it('a bill and a promotion are price topics, download speed is the network', async () => {
    await expectCategorised('账单看不明白', '看不明白', 'negative', 'price', '账单');
    await expectCategorised('账单明细看不懂，扣费项目写得一点都不清楚', '看不懂', 'negative', 'price');
    await expectCategorised('签到领流量的活动挺好的，每个月能多领1G', '挺好', 'positive', 'price', '活动');
    await expectCategorised('5G信号很稳定，下载速度很快', '很快', 'positive', 'network', '下载速度');
  });
});

describe('a fact behind a complaint about something else is its own complaint', () => {
  it('keeps the overcharge beside a verdict on the silence', async () => {
    // was: only 不提醒; the money, an evidence pattern, gave way to any verdict in its sentence
    await expectCategorised('流量用完了也不提醒，月底多扣了二十多块', '多扣了二十多块', 'negative', 'price');
    await expectCategorised('月底多扣了二十多块，也不提醒', '多扣了二十多块', 'negative', 'price');
    await expectTag('流量用完了也不提醒，月底多扣了二十多块', '不提醒', 'negative');
  });

  it('still gives way to a verdict on the same thing, or one whose topic is not known', async () => {
    const price = await tags('房费比上个月翻了两倍，太黑了');
    expect(price.map((t) => t.opinion), showTags(price)).toEqual(['太黑']);
    const wait = await tags('营业厅只开了一个窗口，效率太低了');
    expect(wait.map((t) => t.opinion), showTags(wait)).toEqual(['太低']);
  });
});

describe('a line cut off or an account frozen', () => {
  it('被停机 / 被冻结 is a complaint', async () => {
    // was: no tag
    await expectTag('我的号码被停机了，可我明明按时交了费', '被停机', 'negative');
    await expectTag('手机号莫名其妙被停机了', '被停机', 'negative');
    await expectTag('银行卡突然被冻结了', '被冻结', 'negative');
  });

  it('not when the customer asked for it, nor a caller asking why', async () => {
    await expectNoneWith('我申请了停机保号', '停机');
    await expectNoneWith('我主动要求被停机的', '停机');
    // the reason for the call, as the in-house gold reads it
    const asked = await callTags('我的账户为什么被冻结了？');
    expect(asked, showTags(asked)).toEqual([]);
  });
});

describe('a run of one complaint word', () => {
  it('is read whichever way jieba cuts it', async () => {
    // was: lost when a dictionary change made jieba cut 慢慢|慢慢|慢 instead of 慢|慢慢|慢慢
    await expectTag('慢慢慢慢慢，岂是一个慢能够形容的', '慢慢慢', 'negative');
    await expectTag('慢慢慢，快三个小时了', '慢慢慢', 'negative');
    // the adverb is not
    expect(await tags('慢慢来，不着急')).toEqual([]);
    await expectNoneWith('服务员慢慢地走过来', '慢');
  });
});

describe('sales calls by the day, controls nowhere to be found, hurdles', () => {
  it('how often sales or collection calls come is the complaint', async () => {
    // was: no tag
    await expectCategorised('我要投诉，你们的推销电话一天打三次', '一天打三次', 'negative', 'marketing', '推销电话');
    await expectCategorised('推销电话一天打好几个', '一天打好几个', 'negative', 'marketing');
    await expectCategorised('催收电话一天打十几个', '一天打十几个', 'negative', 'policy');
    // the customer's own calls are not
    await expectNoneWith('我一天打三次电话给我妈', '一天打三次');
  });

  it('an entry or a button nobody can find is an app complaint', async () => {
    // was: no tag
    await expectCategorised('家庭宽带续费的入口找了半天都找不到', '找不到', 'negative', 'app_experience');
    await expectCategorised('退订按钮根本找不到', '找不到', 'negative', 'app_experience');
    await expectNoneWith('我找不到我的快递单号了', '找不到');
  });

  it('设置障碍 is a policy complaint', async () => {
    // was: no tag
    await expectCategorised('携号转网折腾了半个月才办好，各种设置障碍', '设置障碍', 'negative', 'policy');
  });
});

describe('how staff served, said as an adverb', () => {
  it('a graded manner word before 地 is a verdict on the staff', async () => {
    // was: no tag (an adjective turned adverb was never a verdict)
    await expectCategorised('我想表扬一下你们营业厅的小王，很耐心地给我妈讲了半天怎么用智能手机', '很耐心', 'positive', 'service_attitude');
    await expectCategorised('客服非常热情地接待了我们', '非常热情', 'positive', 'service_attitude', '客服');
    await expectCategorised('师傅很仔细地检查了一遍', '很仔细', 'positive', 'service_attitude', '师傅');
  });

  it('not ungraded, nor the customer\'s own manner', async () => {
    await expectNoneWith('客服耐心地讲解', '耐心');
    await expectNoneWith('我很耐心地等了半天', '耐心');
    await expectNoneWith('我们非常耐心地等着', '耐心');
  });
});
