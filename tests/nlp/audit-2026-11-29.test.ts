import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR } from '../helpers/analyzer.js';
import type { AnalyzeInput, Analyzer, ExtractedTag } from '../../src/nlp/types.js';

// Regression tests for the tag-quality audit of 2026-11-29: each describe block is one audited defect,
// with the audit's inputs and variations of our own (the rules are general, not the example strings).

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

async function run(text: string, kind: AnalyzeInput['kind'] = 'comment') {
  const res = await analyzeChecked(analyzer, text, kind);
  for (const t of res.tags) expect(t.span.end).toBe(t.opinionSpan!.end);
  return res;
}

const show = (tags: ExtractedTag[]) => JSON.stringify(tags.map((t) => [t.aspect, t.opinion, t.polarity, t.category, t.canonicalAspect]));

describe('audit 1: rhetorical 不是…吗 / 难道…吗 questions assert what they seem to deny', () => {
  it('a rhetorical question around a complaint word is a complaint', async () => {
    for (const [text, opinion] of [
      ['平台的红包用不了，说是活动已结束，这不是骗人吗？', '这不是骗人吗'], // round 2: the rhetorical frame 这…吗 is kept
      ['这不是坑人吗？', '这不是坑人吗'],
      ['这难道不是欺骗消费者吗？', '这难道不是欺骗消费者吗'],
      ['这不是乱收费吗？', '这不是乱收费吗'],
      ['这难道不是霸王条款吗', '这难道不是霸王条款吗'],
      ['你们这样做不是忽悠人吗', '不是忽悠人吗'],
    ] as const) {
      const res = await run(text);
      const t = res.tags.find((x) => x.opinion.includes(opinion.replace(/^这?(难道)?不是/, '').slice(0, 2)));
      expect(t, text + show(res.tags)).toBeDefined();
      expect(t!.opinion, text).toBe(opinion);
      expect(t!.polarity, text).toBe('negative');
      expect(res.tags.some((x) => x.polarity === 'positive'), text + show(res.tags)).toBe(false);
    }
  });

  it('around praise it is praise, and a plain negation or a real question is unchanged', async () => {
    const praise = await run('这不是挺好的吗？');
    expect(praise.tags.map((t) => [t.opinion, t.polarity])).toEqual([['这不是挺好的吗', 'positive']]);
    expect((await run('这不是骗人')).tags.map((t) => t.polarity)).toEqual(['positive']);
    expect((await run('他们说这不是乱收费')).tags.map((t) => t.polarity)).toEqual(['positive']);
  });
});

describe('audit 2: 比… / bare adjective + 很多 takes its polarity from the adjective and the aspect', () => {
  it('a lower or worse comparison of a benefit is a complaint', async () => {
    for (const [text, aspect, opinion] of [
      ['房间比照片小很多', '房间', '比照片小很多'],
      ['网速比以前慢很多', '网速', '比以前慢很多'],
      ['信号比以前差很多', '信号', '比以前差很多'],
      ['额度比以前低很多', '额度', '比以前低很多'],
      ['收益比说的少很多', '收益', '比说的少很多'],
      ['网速慢很多', '网速', '慢很多'],
      ['信号差很多', '信号', '差很多'],
      ['效率低很多', '效率', '低很多'],
      ['网速慢得多', '网速', '慢得多'],
    ] as const) {
      const res = await run(text);
      expect(res.tags.map((t) => [t.aspect, t.opinion, t.polarity]), text).toEqual([[aspect, opinion, 'negative']]);
    }
  });

  it('a scalar word reads its polarity from the topic of its clause when no target is adjacent', async () => {
    const interest = await run('分期利息算下来比说的高很多');
    expect(interest.tags.map((t) => [t.opinion, t.polarity, t.category]), show(interest.tags)).toEqual([['比说的高很多', 'negative', 'price']]);
    const payout = await run('赔付金额比预期少很多');
    expect(payout.tags.map((t) => [t.opinion, t.polarity]), show(payout.tags)).toEqual([['比预期少很多', 'negative']]);
    const fee = await run('手续费比以前低很多');
    expect(fee.tags.map((t) => [t.opinion, t.polarity])).toEqual([['比以前低很多', 'positive']]);
  });

  it('related praise: more choice, faster than expected, complete features', async () => {
    expect((await run('早餐种类也多')).tags.map((t) => [t.aspect, t.opinion, t.polarity])).toEqual([['早餐种类', '多', 'positive']]);
    expect((await run('比我想象的快很多')).tags.map((t) => [t.opinion, t.polarity])).toEqual([['比我想象的快很多', 'positive']]);
    expect((await run('功能挺全的')).tags.map((t) => [t.aspect, t.opinion, t.polarity])).toEqual([['功能', '挺全', 'positive']]);
    expect((await run('菜品种类少')).tags.map((t) => [t.aspect, t.opinion, t.polarity])).toEqual([['菜品种类', '少', 'negative']]);
    // 全 is only an evaluation as a predicate: 全是 / 全都 / 全部 are quantifiers
    expect((await run('评论全是刷的')).tags).toEqual([]);
    expect((await run('钱全都退了')).tags).toEqual([]);
  });
});

describe('audit 3: a long wait is a complaint without 才', () => {
  // the rule (lexicons/patterns.tsv): half an hour or more, any number of hours, days, weeks or months;
  // minutes only from 二十 / 20 up or with a marker (都/已经/足足/整整) — a wait of 五分钟 is not a complaint
  it('waits of half an hour and more, or with 已经/都, are negative efficiency', async () => {
    for (const [text, opinion] of [
      ['等了半小时。', '等了半小时'],
      ['排队排了两个小时。', '排了两个小时'],
      ['骑手在店里等了半小时。', '等了半小时'],
      ['柜台只开了一个窗口，排队排了一个多小时。', '排了一个多小时'],
      ['入住办理等了四十分钟，前台只有一个人。', '等了四十分钟'],
      ['转人工要等二十分钟', '要等二十分钟'],
      ['已经等了一周了', '已经等了一周'],
      ['足足等了十分钟', '足足等了十分钟'],
      ['在营业厅等了3个小时', '等了3个小时'],
    ] as const) {
      const res = await run(text);
      const t = res.tags.find((x) => x.opinion.includes('等') || x.opinion.includes('排'));
      expect(t, text + show(res.tags)).toMatchObject({ opinion, polarity: 'negative', category: 'efficiency' });
    }
    const late = await run('外卖到现在还没送到，都一个小时了');
    expect(late.tags.find((t) => t.opinion.includes('一个小时')), show(late.tags)).toMatchObject({ polarity: 'negative' });
  });

  it('short waits, waits that ended fast and the time of day are not complaints', async () => {
    expect((await run('等了五分钟就到了')).tags.map((t) => [t.opinion, t.polarity])).toEqual([['五分钟就到了', 'positive']]);
    for (const text of ['等了五分钟', '排了十分钟队', '等了半小时就到了', '我等了两分钟', '约的两个小时以后']) {
      const res = await run(text);
      expect(res.tags.filter((t) => t.polarity === 'negative'), text + show(res.tags)).toEqual([]);
    }
  });

  it('a time unit is never the aspect', async () => {
    const res = await run('等了半個小時都沒人理');
    expect(res.tags.length, show(res.tags)).toBeGreaterThan(0);
    for (const t of res.tags) expect(t.aspect ?? '', show(res.tags)).not.toMatch(/(小時|小时|分钟|天|周)$/);
  });
});

describe('audit 3: a wait followed by a verdict on speed, or conceded, is the evidence, not a second opinion', () => {
  it('tags only the verdict', async () => {
    const keys = async (text: string) => (await run(text)).tags.map((t) => `${t.opinion}|${t.polarity}`);
    expect(await keys('排队等了一个多小时，效率真低。')).toEqual(['真低|negative']);
    expect(await keys('办个卡要等两个小时，太慢了')).toEqual(['太慢|negative']);
    expect(await keys('虽然等了三天，但是东西很好')).toEqual(['很好|positive']);
    expect(await keys('我的退款等了半个月了')).toEqual(['等了半个月|negative']);
  });
});

describe('audit 4: functional failures are complaints', () => {
  it('a service action that cannot be done (V不了/V不上/V不出来/V不进去) is negative', async () => {
    for (const [text, opinion, category] of [
      ['副卡激活不了', '激活不了', null],
      ['指纹登录用不了了', '用不了了', 'app_experience'],
      ['网银登录不了', '登录不了', 'app_experience'],
      ['App一直加载不出来', '一直加载不出来', 'app_experience'],
      ['优惠券领不了', '领不了', 'price'],
      ['验证码一直收不到', '一直收不到', 'account_security'],
      ['提现提不出来', '提不出来', null],
      ['网页打不开', '打不开', null],
      ['话费充不进去', '充不进去', 'price'],
    ] as const) {
      const res = await run(text);
      const t = res.tags.find((x) => x.opinion === opinion);
      expect(t, text + show(res.tags)).toBeDefined();
      expect(t!.polarity).toBe('negative');
      if (category) expect(t!.category, text + show(res.tags)).toBe(category);
    }
  });

  it('fixed expressions with 不了 are not failures', async () => {
    for (const text of ['少不了你的', '免不了要排队', '我忘不了那次的经历', '说不了几句']) {
      const res = await run(text);
      expect(res.tags.filter((t) => t.polarity === 'negative'), text + show(res.tags)).toEqual([]);
    }
    // 受不了 is a complaint already
    expect((await run('这服务真让人受不了')).tags.map((t) => t.polarity)).toEqual(['negative']);
  });

  it('outages, errors, stalling and wrong deliveries', async () => {
    for (const [text, opinion, category] of [
      ['宽带又断了', '又断了', 'network'],
      ['手机银行一直提示系统繁忙', '繁忙', 'app_experience'],
      ['网银登录一直报错', '一直报错', 'app_experience'],
      ['客服一直推脱', '一直推脱', 'resolution'],
      ['发错货了', '发错', 'logistics'],
      ['快递三天没动静了', '三天没动静了', 'logistics'],
      ['物流信息一直不更新', '一直不更新', 'logistics'],
      ['外卖到现在还没送到', '到现在还没送到', null],
      ['客服电话太难打通了', '太难打通', 'efficiency'],
      ['半天就没电了', '半天就没电了', 'quality'],
      ['有点耗电', '有点耗电', 'quality'],
      ['三天两头系统维护', '三天两头系统维护', 'app_experience'],
    ] as const) {
      const res = await run(text);
      const t = res.tags.find((x) => x.opinion === opinion);
      expect(t, text + show(res.tags)).toBeDefined();
      expect(t!.polarity).toBe('negative');
      if (category) expect(t!.category, text + show(res.tags)).toBe(category);
    }
  });

  it('a survey with a faint praise and a hard complaint is mixed', async () => {
    const res = await analyzer.analyze({ kind: 'survey', text: '整体还行，就是客服电话太难打通了。' });
    expect(res.sentiment, show(res.tags)).toBe('mixed');
    expect(res.tags.find((t) => t.polarity === 'negative'), show(res.tags)).toMatchObject({ aspect: '客服电话', category: 'efficiency' });
  });
});

describe('audit 4: a failure asked about, or stated as the reason for a call, is not a verdict', () => {
  it('questions and call openers', async () => {
    expect((await run('为什么我的优惠券用不了？')).tags).toEqual([]);
    const call = await analyzer.analyze({
      kind: 'transcript',
      turns: [
        { speaker: 'customer', text: '我的手机银行登录不了，你帮我看看。' },
        { speaker: 'agent', text: '好的，请稍等。' },
        { speaker: 'customer', text: '试了好多次，一直登录不了。' },
      ],
    });
    expect(call.tags.map((t) => [t.opinion, t.polarity, t.turnIndex])).toEqual([['一直登录不了', 'negative', 2]]);
  });
});

describe('audit 5: whole-experience verdicts and self-targeted slang borrow no aspect; a clause with its own subject does not borrow', () => {
  it('verdicts on the whole experience stay overall', async () => {
    for (const [text, opinion] of [
      ['客服很耐心给我讲解了套餐，点赞！', '点赞'],
      ['早餐种类也多，下次还会再来', '下次还会再来'],
      ['这家酒店的早餐种类很多，强烈推荐', '强烈推荐'],
      ['客服小姐姐人美声甜，问题秒解决，爱了爱了', '爱了爱了'],
      ['网速很快，五星好评', '五星好评'],
    ] as const) {
      const res = await run(text);
      const t = res.tags.find((x) => x.opinion === opinion);
      expect(t, text + show(res.tags)).toBeDefined();
      expect(t!.aspect, text + show(res.tags)).toBeNull();
      expect(t!.category, text + show(res.tags)).toBe('other');
    }
  });

  it('垃圾X names its own target', async () => {
    const app = await run('开屏广告关不掉，垃圾软件');
    expect(app.tags.find((t) => t.opinion.includes('垃圾')), show(app.tags)).toMatchObject({ aspect: '软件', category: 'app_experience' });
    const carrier = await run('坑爹的套餐，乱扣费，垃圾运营商');
    const t = carrier.tags.find((x) => x.opinion.includes('垃圾'));
    expect(t, show(carrier.tags)).toBeDefined();
    expect(t!.aspect, show(carrier.tags)).toBe('运营商');
  });

  it("a clause with its own subject keeps it instead of the previous clause's target", async () => {
    const solved = await run('态度倒是挺好，可问题一个都没解决');
    const t = solved.tags.find((x) => x.opinion.includes('没解决'));
    expect(t, show(solved.tags)).toBeDefined();
    expect(t!.aspect, show(solved.tags)).not.toBe('态度');
    expect(t!.category).toBe('resolution');
    const smell = await run('床单有污渍，卫生间有异味');
    const s = smell.tags.find((x) => x.opinion.includes('异味'));
    expect(s, show(smell.tags)).toBeDefined();
    expect(s!.aspect, show(smell.tags)).not.toBe('床单');
    expect(s!.category).toBe('environment');
    // without a subject of its own the clause still borrows the topic (房价翻了三倍，太黑了)
    const price = await run('房价翻了三倍，太黑了');
    expect(price.tags.find((x) => x.opinion === '太黑'), show(price.tags)).toMatchObject({ aspect: '房价', category: 'price' });
  });
});

describe('audit 8: long numbers and masked runs are never part of an aspect', () => {
  it('only a short model name joins the noun after it', async () => {
    for (const [text, aspect] of [
      ['卡号6222021234567890123转账失败', '转账'],
      ['电话138****5678转账失败', '转账'],
      ['订单2024052012345物流太慢了', '物流'],
      ['身份证11010519491231002X账户被冻结了，太离谱', null],
      ['5G套餐太贵了', '5G套餐'],
      ['4g网络很卡', '4g网络'],
    ] as const) {
      const res = await run(text);
      expect(res.tags.length, text).toBeGreaterThan(0);
      for (const t of res.tags) {
        expect(t.aspect ?? '', text + show(res.tags)).not.toMatch(/[0-9*]{5,}|\*/);
        if (aspect !== null) expect(t.aspect, text + show(res.tags)).toBe(aspect);
      }
    }
  });
});

describe('audit 9: emphatic-negation spans end on a word boundary', () => {
  it('根本/完全/压根 + 不/没 + the rest of the word', async () => {
    for (const [text, opinion] of [
      ['业务员根本没说这个条件', '根本没说这个条件'],
      ['他们压根没把客户当回事', '压根没把客户当回事'],
      ['完全不知道在干什么', '完全不知道在干什么'],
      ['客服完全不考虑用户感受', '完全不考虑用户'],
    ] as const) {
      const res = await run(text);
      expect(res.tags.map((t) => [t.opinion, t.polarity]), text).toEqual([[opinion, 'negative']]);
    }
    // unchanged where the rest is one word
    expect((await run('根本不理人')).tags.map((t) => t.opinion)).toEqual(['根本不理人']);
    expect((await run('手机完全不卡顿')).tags.map((t) => [t.opinion, t.polarity])).toEqual([['完全不卡顿', 'positive']]);
  });
});

describe('audit 11: 为什么要/凭什么 questions complain; 这么+praise attached to a noun is no verdict', () => {
  it('no praise from an attributive 这么简单的问题', async () => {
    const res = await run('这么简单的问题为什么要处理一个星期？');
    expect(res.tags.filter((t) => t.polarity === 'positive'), show(res.tags)).toEqual([]);
    expect(res.tags.map((t) => [t.polarity, t.category]), show(res.tags)).toEqual([['negative', 'efficiency']]);
    expect((await run('凭什么扣我的钱？')).tags.map((t) => t.polarity)).toEqual(['negative']);
    // a complaint with 这么 in a question is still one
    expect((await run('网速怎么这么慢？')).tags.map((t) => t.polarity)).toEqual(['negative']);
  });
});

describe('audit 7: taxonomy entries', () => {
  it('理由 is no claim, 外卖 spilled is delivery, a platform is not food, bare 电话 is not marketing', async () => {
    const reason = await run('办卡被拒了，理由都不说，太不合理了');
    for (const t of reason.tags) expect(t.canonicalAspect, show(reason.tags)).not.toBe('理赔');
    expect((await run('外卖洒了一地')).tags.map((t) => [t.polarity, t.category])).toEqual([['negative', 'logistics']]);
    expect((await run('汤还洒了')).tags.map((t) => [t.polarity, t.category])).toEqual([['negative', 'logistics']]);
    const platform = await run('外卖平台太不靠谱');
    expect(platform.tags.map((t) => t.category), show(platform.tags)).not.toContain('taste');
    expect((await run('外卖很好吃')).tags.map((t) => t.category)).toEqual(['taste']);
    expect((await run('外卖送到的时候已经凉透了')).tags.map((t) => t.category)).toEqual(['taste']);
    const call = await analyzer.analyze({
      kind: 'transcript',
      turns: [
        { speaker: 'customer', text: '我点的外卖两个小时了还没到。' },
        { speaker: 'agent', text: '非常抱歉。' },
        { speaker: 'customer', text: '你们平台太不靠谱了' },
      ],
    });
    const last = call.tags.find((t) => t.turnIndex === 2);
    expect(last, show(call.tags)).toBeDefined();
    expect(last!.category, show(call.tags)).not.toBe('taste');
    const phone = await run('电话一直打不通');
    for (const t of phone.tags) expect(t.category, show(phone.tags)).not.toBe('marketing');
    expect((await run('推销电话太烦人了')).tags.map((t) => t.category)).toEqual(['marketing']);
  });
});

describe('audit 6: 烦 is a generic complaint, marketing only in a sales context', () => {
  it('takes the topic around it', async () => {
    for (const [text, category] of [
      ['网络老掉线，真烦', 'network'],
      ['网银登录不了太烦了', 'app_experience'],
      ['App老是要更新，烦', 'app_experience'],
      ['快递一直不到，真烦人', 'logistics'],
      ['给我推销什么流量包，烦死了', 'marketing'],
      ['天天打电话营销，烦不烦', 'marketing'],
    ] as const) {
      const res = await run(text);
      const t = res.tags.find((x) => x.opinion.includes('烦'));
      expect(t, text + show(res.tags)).toBeDefined();
      expect(t!.category, text + show(res.tags)).toBe(category);
    }
  });
});

describe('audit 10: 就是 + a one-character complaint is a contrast', () => {
  it('就是贵', async () => {
    const res = await run('网速比联通快多了，就是贵。');
    expect(res.sentiment, show(res.tags)).toBe('mixed');
    expect(res.tags.find((t) => t.polarity === 'negative'), show(res.tags)).toMatchObject({ opinion: '贵', category: 'price' });
    expect((await run('就是贵')).tags.map((t) => [t.opinion, t.polarity])).toEqual([['贵', 'negative']]);
    expect((await run('对，就是这个')).tags).toEqual([]);
  });
});

describe('audit 14: one space between Chinese words does not end a clause', () => {
  it('space-separated social text', async () => {
    const err = await run('网银 登录 一直 报错', 'social');
    expect(err.tags.map((t) => [t.opinion, t.polarity, t.category]), show(err.tags)).toEqual([['一直 报错', 'negative', 'app_experience']]);
    const hotline = await run('客服 电话 也 打不通', 'social');
    expect(hotline.tags.map((t) => [t.polarity, t.category]), show(hotline.tags)).toEqual([['negative', 'efficiency']]);
    expect(hotline.tags[0]!.aspect, show(hotline.tags)).toBe('客服 电话');
  });
});

describe('audit 13: conditional 有问题 and paid-for 好评 are no opinions', () => {
  it('drops them', async () => {
    expect((await run('有问题请联系我邮箱')).tags).toEqual([]);
    expect((await run('如有问题随时联系客服')).tags).toEqual([]);
    const paid = await run('好评返现我才给的五星，其实东西很一般');
    expect(paid.tags.map((t) => [t.opinion, t.polarity]), show(paid.tags)).toEqual([['很一般', 'negative']]);
    expect((await run('这个系统有问题')).tags.map((t) => t.polarity)).toEqual(['negative']);
  });
});

describe('audit 12: too much of a good thing, when the sentence goes on to complain', () => {
  it('太+praise+了 followed by a complaint, and 过于+praise, are negative', async () => {
    const res = await run('保险条款写得太专业了，普通人根本看不懂。');
    expect(res.tags.find((t) => t.opinion === '太专业'), show(res.tags)).toMatchObject({ polarity: 'negative', category: 'policy' });
    expect(res.sentiment).toBe('negative');
    expect((await run('店员过于热情')).tags.map((t) => t.polarity)).toEqual(['negative']);
    // praise followed by more praise, by a contrast, or gratitude, stays praise
    expect((await run('太方便了，再也不用排队')).tags.every((t) => t.polarity === 'positive')).toBe(true);
    expect((await run('服务太好了，就是价格贵')).tags.find((t) => t.opinion.startsWith('太好'))?.polarity).toBe('positive');
    expect((await run('价格太便宜了，质量很差')).tags.find((t) => t.opinion === '太便宜')?.polarity).toBe('positive');
    expect((await run('太感谢了，不然我就亏大了')).tags.find((t) => t.opinion.includes('感谢'))?.polarity).toBe('positive');
  });
});

describe('audit follow-ups: regressions the new rules must not bring (found on the sentiment dev sets)', () => {
  it('a scalar does not read a target another opinion stands between; 全 before a noun; 差评送给; 结果', async () => {
    expect((await run('房间霉味很重')).tags.filter((t) => t.polarity === 'positive')).toEqual([]);
    expect((await run('排骨汤，全骨头渣子')).tags).toEqual([]);
    expect((await run('差评送给那个送货员')).tags.map((t) => [t.opinion, t.polarity])).toEqual([['差评', 'negative']]);
    const wait = await run('我以为能快点，结果还是等了一个多小时');
    expect(wait.tags.map((t) => [t.aspect, t.polarity]), show(wait.tags)).toEqual([[null, 'negative']]);
  });
});

describe('UI audit: an opinion about a thing of its own keeps one category however often it is repeated', () => {
  it('a repeated sentence does not borrow the previous sentence’s topic for a thing the taxonomy does not know', async () => {
    const text = '这次购物体验非常糟糕，快递太慢了，包装也破损了。这次购物体验非常糟糕，快递太慢了。';
    const res = await run(text);
    const own = res.tags.filter((t) => t.aspect === '购物体验');
    expect(own, show(res.tags)).toHaveLength(2);
    expect(own[1]!.category, show(res.tags)).toBe(own[0]!.category);
    expect(own[1]!.category).not.toBe('logistics');
    // an aspect-less general verdict right after a specific one still joins it
    expect((await run('包装也破损了，真差劲')).tags.map((t) => t.category)).toEqual(['logistics', 'logistics']);
  });
});
