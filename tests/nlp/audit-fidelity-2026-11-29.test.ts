import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { normalizeText } from '../../src/nlp/normalize.js';
import { analyzeChecked, expectSpansSlice, LEXICON_DIR } from '../helpers/analyzer.js';
import type { AnalyzeInput, Analyzer, ExtractedTag } from '../../src/nlp/types.js';

// Fixes for the fidelity audit of 2026-11-29 (/tmp/qa-fidelity/REPORT.md, F8, F10, F11). Each block checks the
// general rule on sentences of our own next to the audit's.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const run = (text: string, kind: AnalyzeInput['kind'] = 'comment') => analyzeChecked(analyzer, text, kind);
const show = (tags: ExtractedTag[]) => JSON.stringify(tags.map((t) => [t.aspect, t.opinion, t.polarity, t.category, t.sentence]));

/** Every tag's sentence is one clause of the text: a substring, no surrounding whitespace. */
function expectCleanSentences(text: string, tags: ExtractedTag[]) {
  for (const t of tags) {
    expect(text.includes(t.sentence), `${t.sentence} in ${text}`).toBe(true);
    expect(t.sentence, text).toBe(t.sentence.trim());
  }
}

describe('F10: a tag sentence is one clean clause', () => {
  it('the space after an @mention or a hashtag is no part of the sentence', async () => {
    for (const text of ['#中国移动# @中国移动客服 网络太差了', '@某银行客服 转账一直失败', '#宽带# 装机师傅很专业']) {
      const res = await run(text, 'social');
      expect(res.tags.length, text).toBeGreaterThan(0);
      expectCleanSentences(text, res.tags);
      for (const t of res.tags) expect(t.sentence, text).not.toMatch(/^[@#\s]/);
    }
  });

  it('an emoji between two clauses ends the first one', async () => {
    const text = '😂😂😂App真的太卡了🤦🏻‍♀️客服也不理人';
    const res = await run(text, 'social');
    expect(res.tags.map((t) => t.sentence), show(res.tags)).toEqual(['App真的太卡了', '客服也不理人']);
    const own = await run('套餐太贵了😤网速倒是还行', 'social');
    expect(own.tags.map((t) => t.sentence), show(own.tags)).toEqual(['套餐太贵了', '网速倒是还行']);
  });

  it('an emoji between a target and its opinion still links them, and the sentence holds both', async () => {
    const text = '网络😡很卡';
    const res = await run(text, 'social');
    expect(res.tags.map((t) => [t.aspect, t.opinion, t.sentence])).toEqual([['网络', '很卡', '网络😡很卡']]);
  });

  it('ideographic spaces separate clauses', async () => {
    const text = '网络　很差　客服　态度很好';
    const res = await run(text);
    expect(res.tags.map((t) => [t.aspect, t.opinion, t.polarity, t.sentence]), show(res.tags)).toEqual([
      ['网络', '很差', 'negative', '网络　很差'],
      ['态度', '很好', 'positive', '态度很好'],
    ]);
  });

  it('one plain space between Chinese words stays a word break', async () => {
    const res = await run('网银 登录 一直 报错', 'social');
    expect(res.tags.map((t) => t.opinion)).toEqual(['一直 报错']);
  });

  it('a hash PII token reads as a noun inside its clause: the sentence is the same under every policy', async () => {
    const masked = await run('手机138****5678信号很差，邮箱z***@163.com的客服态度也太差了');
    const hashed = await run('手机[phone:1a2b3c4d]信号很差，邮箱[email:9f8e7d6c]的客服态度也太差了');
    expect(masked.tags.map((t) => t.sentence)).toEqual(['手机138****5678信号很差', '邮箱z***@163.com的客服态度也太差了']);
    expect(hashed.tags.map((t) => t.sentence)).toEqual(['手机[phone:1a2b3c4d]信号很差', '邮箱[email:9f8e7d6c]的客服态度也太差了']);
    expect(hashed.tags.map((t) => [t.aspect, t.opinion])).toEqual(masked.tags.map((t) => [t.aspect, t.opinion]));    // tokens are 16 hex digits since per-tenant keys
    const current = await run('手机[phone:1a2b3c4d5e6f7081]信号很差');
    expect(current.tags.map((t) => t.sentence)).toEqual(['手机[phone:1a2b3c4d5e6f7081]信号很差']);
  });

  it('subdivision flags are emoji: nothing of them is left in the normalized text or the sentence', async () => {
    const flag = '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    const text = `${flag}网络太差了${flag}客服也不理人`;
    expect(normalizeText(text).text).toBe('网络太差了 客服也不理人');
    const res = await run(text, 'social');
    expect(res.tags.map((t) => t.sentence)).toEqual(['网络太差了', '客服也不理人']);
  });

  it('a kaomoji ends its clause like an emoji', async () => {
    for (const [text, opinion] of [
      ['快递很快^_^', '很快'],
      ['客服态度很好^^', '很好'],
      ['网速太慢了T_T', '太慢'],
      ['又乱扣费o(╥﹏╥)o', '又乱扣费'],
    ] as const) {
      const res = await run(text, 'social');
      expect(res.tags.map((t) => t.opinion), text + show(res.tags)).toContain(opinion);
      expectCleanSentences(text, res.tags);
    }
    const res = await run('快递很快^_^客服也很耐心', 'social');
    expect(res.tags.map((t) => t.sentence)).toEqual(['快递很快', '客服也很耐心']);
    // an ID holding a face stays whole (PII detection reads the normalized copy)
    for (const id of ['vx:orz_2024', 'abc-_-def', 'qq:T_T123']) expect(normalizeText(id).text).toBe(id);
  });

  it('spans and sentences stay exact in transcripts with emoji and ideographic spaces', async () => {
    const turns = [
      { speaker: 'agent' as const, text: '您好，请问有什么可以帮您？' },
      { speaker: 'customer' as const, text: ' 网络　很差😡😡客服　态度也不好 ' },
    ];
    const res = await analyzer.analyze({ kind: 'transcript', turns });
    expect(res.tags.length).toBe(2);
    for (const t of res.tags) {
      const src = turns[t.turnIndex!]!.text;
      expectSpansSlice(src, t);
      expect(src.includes(t.sentence)).toBe(true);
      expect(t.sentence).toBe(t.sentence.trim());
    }
  });
});

async function transcript(...turns: string[]) {
  const input = { kind: 'transcript' as const, turns: turns.map((t) => ({ speaker: t[0] === 'a' ? ('agent' as const) : ('customer' as const), text: t.slice(2) })) };
  const res = await analyzer.analyze(input);
  for (const t of res.tags) expectSpansSlice(input.turns[t.turnIndex!]!.text, t);
  return res;
}

describe('F8: what the agent or the company said, quoted by the customer, is not the customer\'s opinion', () => {
  it('the audit\'s turns: only the customer\'s own complaint is tagged', async () => {
    for (const text of ['你说“套餐很划算”，结果每个月多扣钱', '你们说服务很好，我看一点都不好', '客服说服务很好，结果天天掉线']) {
      const res = await transcript('a:我们的网速很快，服务很好', `c:${text}`);
      expect(res.tags.map((t) => t.polarity), text + show(res.tags)).not.toContain('positive');
      expect(res.sentiment, text).toBe('negative');
    }
    const res = await transcript('a:非常抱歉，我们的网络确实不太稳定', 'c:你刚才说"我们的网络确实不太稳定"，那你们倒是修啊，客服态度也太敷衍了');
    expect(res.tags.map((t) => t.opinion), show(res.tags)).toEqual(['太敷衍']);
  });

  it('singular 你 with a time word, and quoted speech after 说/讲/表示/承诺/保证, are claims', async () => {
    for (const text of [
      '你之前说资费很实惠，结果每个月都乱扣费',
      '你刚刚讲“信号马上就好”，到现在还没信号',
      '坐席表示「理赔很快」，结果拖了一个月',
      '你们承诺："宽带绝对稳定"，一到晚上就断网',
      '营业员保证『这个套餐最划算』，其实比别家贵多了',
    ]) {
      const res = await run(text);
      expect(res.tags.length, text).toBeGreaterThan(0);
      expect(res.tags.map((t) => t.polarity), text + show(res.tags)).not.toContain('positive');
    }
  });

  it('说服务 is a claim about the service, 说服 alone is persuading', async () => {
    expect((await run('你们说服务很好，我看一点都不好')).sentiment).toBe('negative');
    expect((await run('业务员说服务很周到，结果没人管')).tags.some((t) => t.polarity === 'positive')).toBe(false);
    expect((await run('他们说服了我，服务很好')).tags.map((t) => t.polarity)).toEqual(['positive']);
  });

  it('quoted speech running over a comma is a claim up to its closing quote', async () => {
    const res = await run('你说“网速很快，信号也好”，结果天天掉线');
    expect(res.tags.map((t) => [t.opinion, t.polarity]), show(res.tags)).toEqual([['天天掉线', 'negative']]);
    const after = await run('客服说“会尽快处理，放心”，态度倒是很好');
    expect(after.tags.map((t) => [t.opinion, t.polarity]), show(after.tags)).toEqual([['很好', 'positive']]);
  });

  it('the customer\'s own words are still the customer\'s opinion', async () => {
    for (const [text, polarity] of [
      ['我说服务很好', 'positive'],
      ['说实话服务很好', 'positive'],
      ['说真的网速太慢了', 'negative'],
      ['说明书写得很清楚', 'positive'],
      ['你好，我想说你们的服务很好', 'positive'],
      ['我跟你说，这网速太慢了', 'negative'],
      ['你说这网速慢不慢', 'negative'],
    ] as const) {
      const res = await run(text);
      expect(res.tags.map((t) => t.polarity), text + show(res.tags)).toEqual([polarity]);
    }
  });
});

describe('F11: accuracy cases noticed by the fidelity audit', () => {
  it('a card stolen from: the freeze that fails and the worry are complaints about the account', async () => {
    const res = await transcript('a:您好，信用卡中心', 'c:我的信用卡被盗刷了，APP上冻结不了，太让人着急了');
    expect(res.tags.map((t) => [t.opinion, t.polarity, t.category]), show(res.tags)).toEqual([['太让人着急', 'negative', 'account_security']]);
    const comment = await run('我的信用卡被盗刷了，APP上冻结不了，太让人着急了');
    expect(comment.tags.map((t) => t.opinion), show(comment.tags)).toEqual(['冻结不了', '太让人着急']);
    const own = await run('卡丢了，手机银行上挂失不了，急死人了');
    expect(own.tags.map((t) => [t.opinion, t.polarity]), show(own.tags)).toEqual([
      ['挂失不了', 'negative'],
      ['急死人了', 'negative'],
    ]);
    // a bare 着急 is no verdict
    expect((await run('不着急，你们慢慢处理')).tags).toEqual([]);
  });

  it('a fee deducted or a service that cannot be cancelled is judged for itself, not for the topic before it', async () => {
    const post = await run('#中国移动# @中国移动客服 网络太差了 https://weibo.com/123456?x=1 退订也退不了', 'social');
    expect(post.tags.map((t) => [t.opinion, t.category]), show(post.tags)).toEqual([
      ['太差', 'network'],
      ['退不了', 'policy'],
    ]);
    const call = await transcript('c:你们的信号太差了', 'a:好的，我给您登记', 'c:扣费太不合理了');
    expect(call.tags.map((t) => [t.aspect, t.category]), show(call.tags)).toEqual([
      ['信号', 'network'],
      ['扣费', 'price'],
    ]);
    // a term done, not talked about, is no target: 营销短信 stays what the complaint is about
    const sms = await run('营销短信天天发，退订了还发，烦不烦啊');
    expect(sms.tags.map((t) => t.aspect)).toEqual(['营销短信']);
  });

  it('a negator on the start of a longer word negates that word (唔好食 is not tasty, not 唔好)', async () => {
    const res = await run('啲嘢唔好食，送餐又慢');
    const t = res.tags.find((x) => x.opinion.includes('食'));
    expect([t?.opinion, t?.polarity, t?.category], show(res.tags)).toEqual(['唔好食', 'negative', 'taste']);
    const good = await run('呢间茶餐厅嘅菠萝包好好食');
    expect(good.tags.map((x) => [x.polarity, x.category]), show(good.tags)).toEqual([['positive', 'taste']]);
    // 不好 alone is still a verdict
    expect((await run('服务态度不好')).tags.map((x) => x.opinion)).toEqual(['不好']);
  });
});
