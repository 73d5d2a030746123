import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR } from '../helpers/analyzer.js';
import type { AnalyzeInput, Analyzer, ExtractedTag } from '../../src/nlp/types.js';

// Rule fixes for the QA audit of 2026-11-29 (/work/qa-tags/REPORT.md, classes H1–H6, M2, M4, M5, L1). The inputs
// are our own sentences, not the audit's: each block checks the general rule on text the audit set does not hold.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const run = (text: string, kind: AnalyzeInput['kind'] = 'comment') => analyzeChecked(analyzer, text, kind);

async function transcript(...turns: string[]) {
  return analyzer.analyze({
    kind: 'transcript',
    turns: turns.map((t) => ({ speaker: t[0] === 'a' ? 'agent' : 'customer', text: t.slice(2) })),
  });
}

const show = (tags: ExtractedTag[]) => JSON.stringify(tags.map((t) => [t.aspect, t.opinion, t.polarity, t.category]));
const polarities = (tags: ExtractedTag[]) => tags.map((t) => t.polarity);

describe('M5: hashtags are topic labels, closed (#话题#) or open (#种草)', () => {
  it('an open tag after the text is no opinion and borrows nothing', async () => {
    for (const text of ['网点排队太久了 #踩雷', '年费太贵 #拔草 #信用卡', '网速很快 #安利']) {
      const res = await run(text, 'social');
      expect(res.tags.length, text + show(res.tags)).toBe(1);
      expect(res.tags[0]!.opinion, text).not.toMatch(/踩雷|拔草|安利/);
    }
  });

  it('two open tags are not read as one closed tag with the text between them', async () => {
    const res = await run('服务没得说 #银行 #好评 网速一般', 'social');
    expect(res.tags.some((t) => t.opinion.includes('好评')), show(res.tags)).toBe(false);
  });

  it('the text before and after a closed tag is still read', async () => {
    const res = await run('#宽带# 装机师傅很专业', 'social');
    expect(res.tags.map((t) => t.polarity)).toEqual(['positive']);
  });
});

describe('H3: ads, notices and news are not a customer speaking', () => {
  it('a labelled ad, notice or news item yields no tags', async () => {
    for (const text of [
      '【限时特惠】宽带包年只要599，速度快还稳定',
      '推广：新版信用卡额度高、审批快，欢迎申请',
      '据悉，某保险公司近日上线新版App，理赔更方便。',
      '【公告】为提升服务质量，营业厅将于周日暂停营业。',
      '某运营商推出全新千兆宽带套餐，网速更快，资费更低。',
      '流量包超值优惠，10元1G，回T退订',
    ]) {
      const res = await run(text, 'social');
      expect(res.tags, text + show(res.tags)).toEqual([]);
    }
  });

  it('a customer mentioning an ad or a launch is still a customer', async () => {
    expect(polarities((await run('你们推出新版本以后，界面更难用了')).tags)).toContain('negative');
    expect(polarities((await run('某银行推出的新App太难用了')).tags)).toEqual(['negative']);
    expect(polarities((await run('我看了广告办的卡，年费太贵了')).tags)).toEqual(['negative']);
  });
});

describe('H2: claims an agent, a salesperson or an ad made are not the customer\'s opinion', () => {
  it('the claim is dropped and the complaint that follows kept', async () => {
    for (const text of [
      '销售员承诺流量够用，其实每个月都超，太坑了',
      '经理当时保证收益很稳定，结果亏得很惨',
      '介绍的时候说手续费很低，结果扣了我两百，太黑了',
      '他们跟我讲网速很快，实际慢得要死',
    ]) {
      const res = await run(text);
      expect(res.tags.length, text).toBeGreaterThan(0);
      expect(polarities(res.tags), text + show(res.tags)).not.toContain('positive');
    }
  });

  it('the person who made the claim is not the target of the complaint', async () => {
    const res = await run('客服说第二天就能修好，结果三天了还是断网');
    expect(res.tags.some((t) => t.aspect === '客服'), show(res.tags)).toBe(false);
    const own = await run('上回营业员来过电话之后，网络天天掉线');
    expect(own.tags.some((t) => t.aspect === '营业员'), show(own.tags)).toBe(false);
  });

  it('the customer telling staff, and judging how they talk, are the customer\'s own', async () => {
    expect(polarities((await run('我跟客服说你们网速太慢')).tags)).toEqual(['negative']);
    expect(polarities((await run('业务员讲解很细致')).tags)).toEqual(['positive']);
    expect(polarities((await run('说实话服务很好')).tags)).toEqual(['positive']);
  });

  it('praise of manner goes to the person, not a thing named between', async () => {
    const res = await run('多亏柜员帮我把银行卡密码重置了，非常耐心');
    const t = res.tags.find((x) => x.opinion.includes('耐心'));
    expect(t?.aspect, show(res.tags)).toBe('柜员');
  });
});

describe('H1: sarcasm is a complaint', () => {
  it('sarcastic cues turn praise into a complaint', async () => {
    for (const text of [
      '网银又登录不上了，好棒棒呢',
      '工资卡被冻结三天了，你们可真行',
      '呵呵，你们的售后速度可真快',
      '手续费收这么高，服务可真周到呢',
      '宽带三天两头断，比闹钟还准',
      '排了两个小时的队，效率真是高呢[微笑]',
      '又乱扣我话费，这波操作666',
    ]) {
      const res = await run(text, 'social');
      expect(res.tags.length, text).toBeGreaterThan(0);
      expect(polarities(res.tags), text + show(res.tags)).not.toContain('positive');
    }
  });

  it('emphatic thanks after a complaint are sarcasm, and otherwise routine thanks', async () => {
    const sarcastic = await run('网络断了一整天，真是谢谢你们了');
    expect(sarcastic.tags.find((t) => t.opinion.includes('谢谢'))?.polarity, show(sarcastic.tags)).toBe('negative');
    expect((await run('师傅帮我修好了，真是谢谢你了')).tags).toEqual([]);
  });

  it('the same praise without a cue is praise', async () => {
    expect(polarities((await run('网速很快，这波操作666')).tags)).not.toContain('negative');
    expect(polarities((await run('售后速度很快')).tags)).toEqual(['positive']);
  });
});

describe('H4: not minding the trouble is praise', () => {
  it('不嫌/不怕 + a complaint word, and having no airs, are positive service attitude', async () => {
    for (const [text, opinion] of [
      ['装维小哥一点也不怕累', '一点也不怕累'],
      ['柜员从来不嫌麻烦', '从来不嫌麻烦'],
      ['客户经理不嫌烦', '不嫌烦'],
      ['行长没什么架子', '没什么架子'],
      ['支行长一点脾气都没有', '一点脾气都没有'],
    ] as const) {
      const res = await run(text);
      expect(res.tags.map((t) => [t.opinion, t.polarity, t.category]), text).toEqual([[opinion, 'positive', 'service_attitude']]);
    }
  });

  it('an adverbial 不嫌麻烦地 still praises', async () => {
    const res = await run('师傅不嫌麻烦地跑了三趟');
    expect(res.tags.map((t) => t.polarity)).toEqual(['positive']);
  });
});

describe('M4: idioms keep their target whole', () => {
  it('比登天还难 is one complaint and the aspect stops before it', async () => {
    const res = await run('这个退保手续比登天还难');
    expect(res.tags.map((t) => [t.opinion, t.polarity])).toEqual([['比登天还难', 'negative']]);
    expect(res.tags[0]!.aspect).not.toMatch(/比/);
  });

  it('纯属 and 天天 belong to the phrase', async () => {
    const res = await run('这种套餐纯属坑人');
    expect(res.tags.map((t) => t.opinion)).toEqual(['纯属坑人']);
    const daily = await run('网络天天卡顿');
    expect(daily.tags.map((t) => t.opinion)).toEqual(['天天卡顿']);
  });
});

describe('clauses ending in 呢 are exclamations unless they ask', () => {
  it('真…呢 is read, 怎么…呢 stays a question', async () => {
    const res = await run('这个客服真是专业呢');
    expect(res.tags.length, show(res.tags)).toBe(1);
  });
});

describe('H5: a past state set against the present is background, not a complaint', () => {
  it('the past complaint is dropped when the present praise is there', async () => {
    for (const text of ['以前开户要跑三趟，现在手机上十分钟就办好', '原先的客服态度很差，现在好多了', '网速越来越快了，以前晚上根本刷不动', '过去App老闪退，升级以后稳定多了']) {
      const res = await run(text);
      expect(res.tags.length, text).toBeGreaterThan(0);
      expect(polarities(res.tags), text + show(res.tags)).not.toContain('negative');
    }
  });

  it('a past complaint alone, or a present one, stays', async () => {
    expect(polarities((await run('以前网速很慢')).tags)).toEqual(['negative']);
    expect(polarities((await run('以前服务很好，现在越来越差')).tags)).toEqual(['negative']);
  });
});

describe("H6: the customer's own record is a fact, not a complaint", () => {
  it('我…没用 / 一次都没用 is "did not use", 我从来没逾期过 a record', async () => {
    for (const text of ['这个会员我一次都没用，凭什么不退', '我两年来从没拖欠过，从来没逾期过', '卡是我的，我根本没借给别人过', '师傅还顺手把网线理好了']) {
      const res = await run(text);
      expect(res.tags.some((t) => /没用|逾期|借给|顺手/.test(t.opinion)), text + show(res.tags)).toBe(false);
    }
  });

  it('what the business failed to do is still a complaint', async () => {
    expect(polarities((await run('打了好几次电话都没用')).tags)).toEqual(['negative']);
    expect(polarities((await run('我根本没收到短信')).tags)).toEqual(['negative']);
    expect(polarities((await run('这个App用着挺顺手')).tags)).toEqual(['positive']);
  });
});

describe('M2: a why-question about a change for the worse complains', () => {
  it('怎么/为什么 + 比… or 又… in a question is a complaint', async () => {
    const res = await run('话费怎么比上个月贵了这么多？');
    expect(res.tags.map((t) => t.polarity), show(res.tags)).toEqual(['negative']);
    const again = await run('网速为什么比以前慢？');
    expect(again.tags.map((t) => t.polarity), show(again.tags)).toEqual(['negative']);
  });

  it('a plain comparison question still asks', async () => {
    expect((await run('是不是比联通便宜？')).tags).toEqual([]);
    expect((await run('比去年贵吗？')).tags).toEqual([]);
  });
});

describe('hedged verdicts and two-character degree words are read', () => {
  it('还行吧 / 一般吧 opening a reply are verdicts; 好吧 / 行吧 stay acknowledgements', async () => {
    expect(polarities((await run('一般吧')).tags)).toEqual(['negative']);
    expect(polarities((await run('还行吧，凑合用')).tags)).toContain('positive');
    expect((await run('行吧，那你们尽快处理')).tags).toEqual([]);
  });

  it('有点烦 / 有些烦 are complaints like 真烦', async () => {
    expect(polarities((await run('每次都要重新登录，有些烦')).tags)).toEqual(['negative']);
  });
});

describe('L1: spans and repetitions', () => {
  it('X比X and 差到离谱 stay whole', async () => {
    expect((await run('停车费一次比一次贵')).tags.map((t) => t.opinion)).toEqual(['一次比一次贵']);
    expect((await run('这网速慢到离谱')).tags.map((t) => t.opinion)).toEqual(['慢到离谱']);
    expect((await run('等不起这么长时间')).tags.map((t) => [t.opinion, t.polarity])).toEqual([['等不起这么长时间', 'negative']]);
  });

  it('a phrase said twice in a row is one tag', async () => {
    const res = await run('太坑了太坑了');
    expect(res.tags.map((t) => t.opinion)).toEqual(['太坑']);
  });
});

describe('M4: a place is not the target', () => {
  it('an unknown place with 里/上, or one just entered, yields no aspect when the opinion names its own', async () => {
    for (const text of ['宿舍楼里老是断网', '地铁上根本没网', '一到地下室就没信号了']) {
      const res = await run(text);
      expect(res.tags.length, text).toBe(1);
      expect(res.tags[0]!.aspect, text + show(res.tags)).toBeNull();
    }
  });

  it('a known target before the opinion stays its aspect', async () => {
    expect((await run('App页面上总是报错')).tags.map((t) => t.aspect)).toEqual(['App页面']);
    expect((await run('问题解决了')).tags.map((t) => t.aspect)).toEqual(['问题']);
  });
});
