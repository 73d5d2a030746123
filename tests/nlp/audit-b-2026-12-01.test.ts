import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { normalizeText } from '../../src/nlp/normalize.js';
import { analyzeChecked, LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Misses left by the morning audit of 2026-12-01 (the second QA brief) and found reading the analyzer's output on new
// CX texts of our own (telecom, bank, insurance, e-commerce, food delivery, hotel). Each is read as a family.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});
const run = async (text: string) => (await analyzeChecked(analyzer, text)).tags;

/** expectTag: a tag whose opinion contains `opinion`, with this polarity and category (and aspect, when given). */
const { expectCategorised: expectTag, expectNoneWith } = opinionExpectations(() => analyzer);

describe('who serves the customer, judged with nothing else said', () => {
  it('a seller or shopkeeper the taxonomy does not list is judged for how they treated the customer', async () => {
    // was: other
    await expectTag('卖家一直不理人', '不理人', 'negative', 'service_attitude', '卖家');
    await expectTag('店主一直不理人', '不理人', 'negative', 'service_attitude', '店主');
    // a request before them still files it under that request
    await expectTag('申请换货店家不理人', '不理人', 'negative', 'after_sales', '店家');
  });

  it('说话很冲 / 语气冲 is rudeness, not the slang 冲 (go for it)', async () => {
    // was: 很冲 positive
    await expectTag('卖家说话很冲，问两句就不耐烦', '说话很冲', 'negative', 'service_attitude');
    await expectTag('客服语气特别冲', '语气特别冲', 'negative', 'service_attitude');
  });
});

describe('the script conversion keeps a 么 the text already has', () => {
  it('饿了么 and the question particle after 了 stay 么 (the Taiwan table read them as 幺)', async () => {
    // was: aspect 么骑手 (normalized 饿了幺骑手)
    await expectTag('饿了么骑手送错地址', '送错', 'negative', 'logistics', '饿了么骑手');
    expect(normalizeText('饿了么骑手').text).toBe('饿了么骑手');
    expect(normalizeText('你吃了么').text).toBe('你吃了么');
    // a 么 among digits read out is still the digit 幺, for PII detection
    expect(normalizeText('手机么三八一二三四五六七八').text).toBe('手机幺三八一二三四五六七八');
  });
});

describe('what the customer wrote or said, told as clear', () => {
  it('is no praise: it shows the fault was not theirs', async () => {
    // was: 写得清清楚楚 positive
    await expectNoneWith('地址明明写得清清楚楚还送错', '清清楚楚');
    await expectTag('地址明明写得清清楚楚还送错', '送错', 'negative', 'logistics');
    await expectNoneWith('我备注得很清楚不要香菜，结果还是放了', '清楚');
    await expectNoneWith('我明明跟客服说得很清楚了', '清楚');
    // the business's own clear wording is praise
    await expectTag('条款写得清清楚楚', '清清楚楚', 'positive', 'policy');
  });
});

describe('no progress at all is a resolution complaint', () => {
  it('一点进展/消息/下文都没有 does not take the category of the clause before', async () => {
    // was: service_attitude, from 客服态度很差
    await expectTag('客服态度很差，事情一点进展都没有', '一点进展都没有', 'negative', 'resolution');
    await expectTag('投诉一个星期了，一点下文都没有', '一点下文都没有', 'negative', 'resolution');
    await expectTag('客服态度很差，到现在一点消息都没有', '一点消息都没有', 'negative', 'resolution');
  });
});

describe('a person who came to do a job is who a word of manner judges', () => {
  it('not what they worked on', async () => {
    // was: 空调 | 挺专业 (environment)
    await expectTag('师傅上门修空调挺专业的', '挺专业', 'positive', 'service_attitude', '师傅');
    await expectTag('安装师傅装宽带很耐心', '很耐心', 'positive', 'service_attitude', '安装师傅');
    await expectTag('小哥帮我搬冰箱很细心', '很细心', 'positive', 'service_attitude', '小哥');
  });
});

describe('a modem red light told with how often', () => {
  it('三天两头亮红灯 is a network event like 亮红灯, not the generic 三天两头 complaint', async () => {
    // was: quality
    await expectTag('光猫三天两头亮红灯', '亮红灯', 'negative', 'network', '光猫');
    await expectTag('路由器三天两头闪红灯', '闪红灯', 'negative', 'network', '路由器');
    await expectTag('机顶盒三天两头死机', '三天两头死机', 'negative', 'quality');
  });
});

describe('complaints that gave no tag', () => {
  it('can you not say it all at once', async () => {
    await expectTag('每次都说缺东西，不能一次性说清楚吗？', '不能一次性说清楚', 'negative', 'service_attitude');
    await expectTag('就不能一次讲完吗', '不能一次讲完', 'negative', 'service_attitude');
  });

  it('fine print in heaps (X一大堆, 一大堆X) and paperwork in heaps', async () => {
    await expectTag('免责条款一大堆', '一大堆', 'negative', 'policy', '免责条款');
    await expectTag('一大堆限制条件，根本用不了', '一大堆限制条件', 'negative', 'policy');
    await expectTag('营业厅排队的人不多，但办个业务要填一大堆表', '填一大堆表', 'negative', 'efficiency');
    await expectNoneWith('要填的表格不多', '表格');
  });

  it('staff still pushing a sale; dropped when the sentence has its verdict', async () => {
    await expectTag('大堂经理还在那儿推销', '推销', 'negative', 'marketing', '大堂经理');
    await expectTag('业务员一直推销理财产品', '一直推销', 'negative', 'marketing');
    await expectNoneWith('理财经理推荐的基金不错', '推');
  });

  it('a time promised, then a later arrival (约好X，Y才到)', async () => {
    await expectTag('约好上午来，下午四点才到', '下午四点才到', 'negative', 'efficiency');
    await expectTag('约好两点上门，五点半才来', '五点半才来', 'negative', 'efficiency');
    await expectTag('说好中午送到，晚上才到', '晚上才到', 'negative', 'efficiency');
    // the customer's own late arrival is none
    await expectNoneWith('我们晚上十点才到酒店，前台很热情', '才到');
    await expectNoneWith('约了朋友吃饭，我们八点才到', '才到');
  });

  it('noise from one hour to another (从早上八点吵到晚上)', async () => {
    await expectTag('从早上八点吵到晚上', '吵到晚上', 'negative', 'environment');
    await expectTag('隔壁从半夜一直吵到凌晨三点', '吵到凌晨三点', 'negative', 'environment');
  });

  it('an entry or button the customer cannot find is the app\'s', async () => {
    await expectTag('APP改版后找不到还款入口了', '找不到还款入口', 'negative', 'app_experience');
    await expectTag('改版之后根本找不到退订按钮', '找不到退订按钮', 'negative', 'app_experience');
    await expectTag('手机银行更新以后老半天找不到收款人列表', '找不到收款人列表', 'negative', 'app_experience');
    await expectNoneWith('我找不到我的钥匙在哪里', '找不到');
  });

  it('a runaround (绕来绕去) and a cost put on the customer (运费还得我出)', async () => {
    await expectTag('打客服电话转人工要按好几次键，绕来绕去的', '绕来绕去', 'negative', 'efficiency');
    await expectTag('商家发错了颜色，运费还得我出', '还得我出', 'negative', 'price', '运费');
  });
});

describe('fresh texts, second round', () => {
  it('谁负责 after a loss or damage asks who will answer for it: a complaint, not praise of 负责', async () => {
    // was: 快递柜 | 负责 positive
    await expectTag('快递柜满了就直接扔在门口，丢了谁负责', '丢了谁负责', 'negative', 'resolution');
    const ts = await run('快递柜满了就直接扔在门口，丢了谁负责');
    expect(ts.some((t) => t.polarity === 'positive'), showTags(ts)).toBe(false);
    await expectNoneWith('请问谁负责这个片区', '负责');
  });

  it('没用完 / 没用几次 is not 没用 (useless)', async () => {
    // was: 流量 | 没用 negative
    await expectNoneWith('流量明明没用完，月底却提示超出套餐', '没用');
    await expectNoneWith('才没用几次就坏了', '没用');
    await expectTag('投诉了也没用', '没用', 'negative', 'resolution');
  });

  it('staff who swear at the customer, and a wait of 好久/老半天 before something works', async () => {
    // was: no tag
    await expectTag('外卖小哥送餐超时还骂人', '还骂人', 'negative', 'service_attitude');
    await expectNoneWith('我都想骂人了', '骂人');
    await expectTag('房间的热水要放好久才热', '要放好久才热', 'negative', 'environment', '热水');
    await expectTag('网页要加载老半天才出来', '老半天才出来', 'negative', 'app_experience');
  });
});

describe('fresh texts, third round', () => {
  it('a simple task that took long (一个简单的挂失办了四十分钟) is slowness, not praise of 简单; 业务不熟 is a complaint', async () => {
    // was: 柜员业务 | 简单 positive
    await expectTag('柜员业务不熟，一个简单的挂失办了四十分钟', '办了四十分钟', 'negative', 'efficiency');
    await expectTag('柜员业务不熟，一个简单的挂失办了四十分钟', '业务不熟', 'negative', 'service_attitude', '柜员');
    const ts = await run('这么简单的问题查了三天');
    expect(ts.some((t) => t.polarity === 'positive'), showTags(ts)).toBe(false);
    await expectTag('操作很简单的，几分钟就办好了', '很简单', 'positive', 'app_experience');
  });
});
