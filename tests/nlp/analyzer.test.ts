import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { expectSpansSlice } from '../helpers/analyzer.js';
import type { AnalyzeInput, Analyzer, ClauseClassifier, ExtractedTag } from '../../src/nlp/types.js';

const LEXICONS = resolve(import.meta.dirname, '../../lexicons');
let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICONS });
});

type Expect = [aspect: string | null, opinion: string, polarity: 'positive' | 'negative', category: string];

// Each case: input text, the exact tags expected (order-insensitive), and the document sentiment.
const CASES: { name: string; text: string; kind?: 'comment' | 'social'; tags: Expect[]; sentiment: string }[] = [
  {
    name: 'contrast splits one sentence into two opposite opinions',
    text: '网络很顺畅，但是App老是闪退',
    tags: [
      ['网络', '很顺畅', 'positive', 'network'],
      ['App', '老是闪退', 'negative', 'app_experience'],
    ],
    sentiment: 'mixed',
  },
  {
    name: 'contrast marker without punctuation',
    text: '网络很顺畅但是App老是闪退',
    tags: [
      ['网络', '很顺畅', 'positive', 'network'],
      ['App', '老是闪退', 'negative', 'app_experience'],
    ],
    sentiment: 'mixed',
  },
  // the topic 5G网络 opens the sentence; 视频 is only the object of 看 and must not become the aspect
  { name: 'negation flips a negative word', text: '5G网络晚上看视频也不卡', tags: [['5G网络', '不卡', 'positive', 'network']], sentiment: 'positive' },
  { name: 'emphatic negation 一点也不', text: '这次的快递一点也不慢', tags: [['快递', '一点也不慢', 'positive', 'logistics']], sentiment: 'positive' },
  { name: 'negated expectation', text: '快递没有想象中慢', tags: [['快递', '没有想象中慢', 'positive', 'logistics']], sentiment: 'positive' },
  { name: 'negated comparison with 那么', text: '这家的信号没有传说中那么差', tags: [['信号', '没有传说中那么差', 'positive', 'network']], sentiment: 'positive' },
  { name: 'implicit price aspect', text: '太贵了，下次不来了', tags: [[null, '太贵', 'negative', 'price']], sentiment: 'negative' },
  { name: 'implicit efficiency aspect', text: '改个地址要等太久了', tags: [[null, '等太久', 'negative', 'efficiency']], sentiment: 'negative' },
  {
    name: 'several opinions with degree words and a contrastive 就是',
    text: '衣服面料很舒服，做工也不错，就是尺码偏小。',
    tags: [
      ['衣服面料', '很舒服', 'positive', 'quality'],
      ['做工', '不错', 'positive', 'quality'],
      ['尺码', '偏小', 'negative', 'quality'],
    ],
    sentiment: 'mixed',
  },
  { name: 'scalar word polarity comes from the aspect', text: '空调声音太大了', tags: [['空调声音', '太大', 'negative', 'environment']], sentiment: 'negative' },
  { name: 'scalar word on a benefit aspect', text: '性价比很高', tags: [['性价比', '很高', 'positive', 'price']], sentiment: 'positive' },
  { name: 'questions carry no opinion', text: '请问配送费是按距离算的吗？下雨天会不会加价？', tags: [], sentiment: 'neutral' },
  { name: 'quoted praise is sarcasm', text: '等了三个月才有结果，真是“高效”啊👏', kind: 'social', tags: [[null, '等了三个月才有结果', 'negative', 'efficiency'], [null, '真是“高效”', 'negative', 'efficiency']], sentiment: 'negative' },
  {
    name: 'coordinated aspects share one opinion',
    text: '信号、资费都比原来好',
    tags: [
      ['信号', '都比原来好', 'positive', 'network'],
      ['资费', '都比原来好', 'positive', 'price'],
    ],
    sentiment: 'positive',
  },
  {
    name: 'traditional characters, hashtag and emoji in a social post',
    text: '#電信# 訊號超弱😡，客服態度很好👍',
    kind: 'social',
    tags: [
      ['訊號', '超弱', 'negative', 'network'],
      ['客服態度', '很好', 'positive', 'service_attitude'],
    ],
    sentiment: 'mixed',
  },
  { name: 'full-width letters keep their stored form', text: 'ＡＰＰ很卡，网速还行', tags: [['ＡＰＰ', '很卡', 'negative', 'app_experience'], ['网速', '还行', 'positive', 'network']], sentiment: 'mixed' },
  { name: 'slang', text: '今天的烧烤外卖绝绝子！', kind: 'social', tags: [['烧烤外卖', '绝绝子', 'positive', 'taste']], sentiment: 'positive' },
  { name: 'wishes are not opinions', text: '希望你们快一点处理', tags: [], sentiment: 'neutral' },
  { name: 'rhetorical A-not-A complaint links the topic of the sentence', text: '营销短信天天发，退订了还发，烦不烦啊', tags: [['营销短信', '烦不烦', 'negative', 'marketing']], sentiment: 'negative' },
  { name: 'an idiom jieba keeps whole is split into aspect and opinion', text: '理赔员态度恶劣', tags: [['理赔员态度', '恶劣', 'negative', 'service_attitude']], sentiment: 'negative' },
  { name: 'time nouns are not aspects', text: '外卖送到的时候已经凉透了', tags: [['外卖', '已经凉透了', 'negative', 'taste']], sentiment: 'negative' },
  { name: 'result complements are not opinions', text: '现在已经换好了，我再看看', tags: [], sentiment: 'neutral' },
  { name: 'comparative with a rising cost', text: '续保价格比去年涨了不少', tags: [['续保价格', '比去年涨了不少', 'negative', 'price']], sentiment: 'negative' },
  { name: 'event reports are not evaluations', text: '理赔被拒了，我打算再申请一次', tags: [], sentiment: 'neutral' },
];

function key(t: ExtractedTag | { aspect: string | null; opinion: string; polarity: string; category: string }) {
  return `${t.aspect ?? '∅'}|${t.opinion}|${t.polarity}|${t.category}`;
}

function checkSpans(stored: string, t: ExtractedTag) {
  expect(t.span.start).toBeGreaterThanOrEqual(0);
  expect(t.span.end).toBeLessThanOrEqual(stored.length);
  expectSpansSlice(stored, t);
  // the span covers the opinion and, when adjacent, the aspect
  expect(t.span.start).toBeLessThanOrEqual(t.opinionSpan!.start);
  expect(t.span.end).toBe(t.opinionSpan!.end);
  expect(stored.includes(t.sentence)).toBe(true);
  expect(t.confidence).toBeGreaterThan(0);
  expect(t.confidence).toBeLessThanOrEqual(1);
}

describe('analyzer: hard cases', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const res = await analyzer.analyze({ kind: c.kind ?? 'comment', text: c.text });
      expect(res.tags.map(key).sort()).toEqual(c.tags.map(([aspect, opinion, polarity, category]) => key({ aspect, opinion, polarity, category })).sort());
      expect(res.sentiment).toBe(c.sentiment);
      for (const t of res.tags) checkSpans(c.text, t);
    });
  }

  it('网 alone is the network (网很卡), while 官网 stays the website', async () => {
    const net = (await analyzer.analyze({ kind: 'comment', text: '用户编号 18812345678901，网很卡' })).tags;
    expect(net, JSON.stringify(net)).toEqual([expect.objectContaining({ aspect: '网', canonicalAspect: '网络', category: 'network', polarity: 'negative' })]);
    const site = (await analyzer.analyze({ kind: 'comment', text: '官网打不开' })).tags;
    expect(site, JSON.stringify(site)).toEqual([expect.objectContaining({ aspect: '官网', category: 'app_experience' })]);
  });

  it('老 before a noun means old, not a complaint; 太老了 still is one', async () => {
    for (const text of ['老身份证号已经注销了，新的怎么绑定', '我是你们十年的老客户了']) {
      const tags = (await analyzer.analyze({ kind: 'comment', text })).tags;
      expect(tags.filter((t) => t.opinion === '老'), text + JSON.stringify(tags)).toEqual([]);
    }
    const old = (await analyzer.analyze({ kind: 'comment', text: '这个机顶盒太老了，经常死机' })).tags;
    expect(old.some((t) => t.opinion.includes('老') && t.polarity === 'negative'), JSON.stringify(old)).toBe(true);
  });

  it('没有比…更…: a superlative keeps its polarity (nothing is worse than this is negative)', async () => {
    const worst = await analyzer.analyze({ kind: 'comment', text: '没有比这更差的服务了' });
    expect(worst.tags.map((t) => t.polarity), JSON.stringify(worst.tags)).toEqual(['negative']);
    expect(worst.tags[0]!.opinion).toContain('没有比这更差');
    const best = await analyzer.analyze({ kind: 'comment', text: '没有比他们家更好用的App了' });
    expect(best.tags.map((t) => t.polarity), JSON.stringify(best.tags)).toEqual(['positive']);
  });

  it('a hotline that does not answer groups as 客服热线 (waiting), not as the marketing calls 电话 alone names', async () => {
    const res = await analyzer.analyze({ kind: 'comment', text: '宽带老是断网，客服电话也打不通' });
    const hotline = res.tags.find((t) => t.aspect === '客服电话');
    expect(hotline, JSON.stringify(res.tags)).toMatchObject({ canonicalAspect: '客服热线', category: 'efficiency', polarity: 'negative' });
    const sales = (await analyzer.analyze({ kind: 'comment', text: '推销电话太烦人了' })).tags.find((t) => t.aspect === '推销电话');
    expect(sales, 'marketing calls still group as 推销').toMatchObject({ canonicalAspect: '推销', category: 'marketing' });
  });

  it('exact spans for the contrast case', async () => {
    const text = '网络很顺畅，但是App老是闪退';
    const res = await analyzer.analyze({ kind: 'comment', text });
    const app = res.tags.find((t) => t.aspect === 'App')!;
    expect(app.span).toEqual({ start: 8, end: 15 });
    expect(app.aspectSpan).toEqual({ start: 8, end: 11 });
    expect(app.opinionSpan).toEqual({ start: 11, end: 15 });
  });

  it('spans skip surrogate-pair emoji and map traditional characters back', async () => {
    const text = '😡😡#電信# 訊號超弱😡，客服態度很好👍';
    const res = await analyzer.analyze({ kind: 'social', text });
    const sig = res.tags.find((t) => t.opinion === '超弱')!;
    expect(sig.opinionSpan).toEqual({ start: text.indexOf('超弱'), end: text.indexOf('超弱') + 2 });
    expect(res.normalizedText).toContain('讯号超弱');
  });

  it('transcripts: only customer turns, spans relative to the turn, agent politeness ignored', async () => {
    const input: AnalyzeInput = {
      kind: 'transcript',
      turns: [
        { speaker: 'customer', text: '你好，我想查一下话费。' },
        { speaker: 'agent', text: '好的，很高兴为您服务，感谢您的耐心等待，您的问题已经解决了，非常满意的话请给五星好评。' },
        { speaker: 'customer', text: '等了半天，你们效率太低了。' },
        { speaker: 'agent', text: '非常抱歉，我们的服务太差了。' },
      ],
    };
    const res = await analyzer.analyze(input);
    expect(res.tags.map(key)).toEqual(['效率|太低|negative|efficiency']);
    const t = res.tags[0]!;
    expect(t.turnIndex).toBe(2);
    expect(input.turns![2]!.text.slice(t.span.start, t.span.end)).toBe('效率太低');
    expect(res.normalizedText.split('\n')).toHaveLength(2);
    expect(res.sentiment).toBe('negative');
  });

  it('transcript given as prefixed text keeps spans in that text', async () => {
    const text = '客户：你们的信号太差了\n坐席：非常抱歉，服务很好的话请好评\n客户：好的';
    const res = await analyzer.analyze({ kind: 'transcript', text });
    expect(res.tags.map(key)).toEqual(['信号|太差|negative|network']);
    expect(text.slice(res.tags[0]!.span.start, res.tags[0]!.span.end)).toBe('信号太差');
  });

  it("a merchant's reply appended to a review yields no tags; the customer's text around it keeps its spans", async () => {
    const text =
      '房间隔音太差了，一夜没睡好。宾馆反馈2008年8月13日：感谢您的好评，服务很周到是我们应该做的，对隔音问题深表歉意。补充点评：早餐很丰盛。';
    const res = await analyzer.analyze({ kind: 'comment', text });
    expect(res.tags.map(key).sort()).toEqual(['房间隔音|太差|negative|environment', '早餐|很丰盛|positive|taste']);
    for (const t of res.tags) expect(text.slice(t.span.start, t.span.end)).toBe(`${t.aspect}${t.opinion}`);
    expect(res.normalizedText).not.toContain('感谢您的好评');
    expect(res.sentiment).toBe('mixed');
    // the same words written by the customer are the customer's
    const own = await analyzer.analyze({ kind: 'comment', text: '酒店回复很及时，服务很周到' });
    expect(own.tags.map(key)).toContain('服务|很周到|positive|service_attitude');
  });

  it('an emphatic negation of a complaint is praise, of praise or of an unknown act a complaint', async () => {
    const cases: [string, string, 'positive' | 'negative'][] = [
      ['完全没问题', '完全没问题', 'positive'],
      ['从来没出过问题', '从来没出过问题', 'positive'],
      ['手机完全不卡顿', '完全不卡顿', 'positive'],
      ['压根不卡', '压根不卡', 'positive'],
      ['信号从来没断过', '从来没断过', 'positive'],
      ['根本不用排队', '根本不用排队', 'positive'],
      ['根本不好吃', '根本不好吃', 'negative'],
      ['完全没用', '完全没用', 'negative'],
      ['根本不理人', '根本不理人', 'negative'],
    ];
    for (const [text, opinion, polarity] of cases) {
      const res = await analyzer.analyze({ kind: 'comment', text });
      expect(res.tags.map((t) => [t.opinion, t.polarity]), text).toEqual([[opinion, polarity]]);
    }
  });

  it('questions, wishes, expectations and not-yet-used carry no opinion; using up fast is a cost', async () => {
    const tagsOf = async (text: string) =>
      (await analyzer.analyze({ kind: 'comment', text })).tags.map((t) => `${t.opinion}|${t.polarity}`);
    for (const text of ['刚收到还没用', '一次都没用过', '不知道好不好用', '不知道质量好不好', '这个好用不好用', '如果能便宜点就好了', '要是客服态度好一点就好了'])
      expect(await tagsOf(text), text).toEqual([]);
    expect(await tagsOf('本来以为会很难吃，没想到挺好吃的')).toEqual(['挺好吃|positive']);
    expect(await tagsOf('我以为服务会很差，其实还行')).toEqual(['还行|positive']);
    expect(await tagsOf('这东西真没用')).toEqual(['真没用|negative']);
    expect(await tagsOf('流量用得特别快')).toEqual(['用得特别快|negative']);
    expect(await tagsOf('话费扣得很快')).toEqual(['扣得很快|negative']);
    expect(await tagsOf('电池掉得慢')).toEqual(['掉得慢|positive']);
    expect(await tagsOf('送得很快')).toEqual(['送得很快|positive']);
    // the emphatic 一点 stays in the phrase when the negated word carries its own 不
    expect(await tagsOf('早餐一点都不好吃')).toEqual(['一点都不好吃|negative']);
    expect(await tagsOf('一点也不好')).toEqual(['一点也不好|negative']);
  });

  it('a space or emoji between a target and its opinion keeps them together', async () => {
    for (const text of ['网络 很卡', '网络😡很卡', '网络\u200d很卡', '网络\u200e很卡']) {
      const res = await analyzer.analyze({ kind: 'comment', text });
      expect(res.tags.map(key), JSON.stringify(text)).toEqual(['网络|很卡|negative|network']);
      const t = res.tags[0]!;
      expect(t.span.start, JSON.stringify(text)).toBe(0);
      expect(text.slice(t.span.end - 2, t.span.end)).toBe('很卡');
    }
    const two = await analyzer.analyze({ kind: 'comment', text: '房间 干净 服务 热情' });
    expect(two.tags.map(key)).toEqual(['房间|干净|positive|environment', '服务|热情|positive|service_attitude']);
  });

  it('unpunctuated run-on lists give one tag per opinion, and an opinion never joins the next target', async () => {
    const keys = async (text: string) => (await analyzer.analyze({ kind: 'comment', text })).tags.map(key);
    expect(await keys('价格贵质量差')).toEqual(['价格|贵|negative|price', '质量|差|negative|quality']);
    expect(await keys('网络很卡客服态度也很差')).toEqual(['网络|很卡|negative|network', '客服态度|很差|negative|service_attitude']);
    expect((await keys('手机很卡电池不耐用')).map((k) => k.split('|')[0])).toEqual(['手机', '电池']);
    // attributive guarded words stay out: 标准单人间 is a room type, 一般窗户 "usually the window"
    expect(await keys('我订的是标准单人间')).toEqual([]);
  });

  it('prefixed transcripts: bracketed speakers, and unprefixed lines continue the turn above', async () => {
    const text = '[客服] 您好，很高兴为您服务，您的满意是我们最大的动力\n[客户] 网速太慢了\n而且经常掉线\n【客服】：非常抱歉，服务不周';
    const res = await analyzer.analyze({ kind: 'transcript', text });
    expect(res.tags.map((t) => `${t.opinion}|${t.polarity}|${t.turnIndex}`)).toEqual(['太慢|negative|1', '经常掉线|negative|1']);
    for (const t of res.tags) expect(text.slice(t.span.start, t.span.end)).toContain(t.opinion);
  });

  it('intent to return, refusals, 不算/不再 negation and delivery speed', async () => {
    const keys = async (text: string) => (await analyzer.analyze({ kind: 'comment', text })).tags.map(key);
    expect(await keys('强烈推荐')).toEqual(['∅|强烈推荐|positive|other']);
    expect(await keys('还会回购的')).toEqual(['∅|还会回购|positive|other']);
    expect(await keys('下次不会再来了')).toEqual(['∅|不会再来了|negative|other']);
    expect(await keys('下次来的时候带个袋子')).toEqual([]);
    expect(await keys('不算贵')).toEqual(['∅|不算贵|positive|price']);
    expect(await keys('不再卡了')).toEqual(['∅|不再卡了|positive|other']);
    expect(await keys('商家拒绝退款')).toEqual(['商家|拒绝退款|negative|after_sales']);
    expect(await keys('空调不制冷')).toEqual(['空调|不制冷|negative|environment']);
    expect(await keys('外卖送得很快')).toEqual(['外卖|送得很快|positive|logistics']);
    // degree complements keep their head's topic, whatever jieba glues 得 to
    expect(await keys('贵得离谱')).toEqual(['∅|贵得离谱|negative|price']);
    expect(await keys('房间脏得不行')).toEqual(['房间|脏得不行|negative|environment']);
    expect(await keys('慢得要死')).toEqual(['∅|慢得要死|negative|efficiency']);
    expect(await keys('不值得推荐')).toEqual(['∅|不值得推荐|negative|price']);
    // "the rest" is not the thing just judged
    expect(await keys('除了价格贵，其他都挺好')).toEqual(['价格|贵|negative|price', '∅|都挺好|positive|other']);
  });

  it('polite customer replies produce no tags', async () => {
    const res = await analyzer.analyze({
      kind: 'transcript',
      turns: [
        { speaker: 'customer', text: '好的，我考虑一下。' },
        { speaker: 'customer', text: '好吧，那就这样。' },
        { speaker: 'customer', text: '好，那麻烦你了。' },
        { speaker: 'customer', text: '可以，你帮我办吧。' },
        { speaker: 'customer', text: '行，谢谢。' },
      ],
    });
    expect(res.tags).toEqual([]);
    expect(res.sentiment).toBe('neutral');
  });

  it('canonical aspects aggregate synonyms and implicit targets', async () => {
    const canon = async (text: string) => (await analyzer.analyze({ kind: 'comment', text })).tags.map((t) => t.canonicalAspect);
    expect(await canon('太贵了')).toEqual(['价格']);
    expect(await canon('房价太贵了')).toEqual(['价格']);
    const [a] = await canon('手机银行很卡');
    const [b] = await canon('这个App老是闪退');
    expect(a).toBeTruthy();
    expect(a).toBe(b);
    // every tag with an aspect groups somewhere, and script or width never splits a group
    for (const [x, y] of [['前臺小姐很熱情', '前台小姐很热情'], ['ＡＰＰ很卡', 'app很卡'], ['豆角很老', '豆角很老'], ['雞翅太坑了', '鸡翅太坑了']]) {
      const [tx, ty] = [(await analyzer.analyze({ kind: 'comment', text: x })).tags, (await analyzer.analyze({ kind: 'comment', text: y })).tags];
      expect(tx.length).toBeGreaterThan(0);
      expect(tx.map((t) => t.canonicalAspect)).toEqual(ty.map((t) => t.canonicalAspect));
      for (const t of tx) if (t.aspect) expect(t.canonicalAspect, x).toBeTruthy();
    }
  });

  it('is deterministic', async () => {
    const text = '保费贵一点，但理赔确实省心，客服态度也很好！';
    const a = await analyzer.analyze({ kind: 'comment', text });
    const b = await analyzer.analyze({ kind: 'comment', text });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('tenant overrides add sentiment words and aspects without restart', async () => {
    const text = '这个新功能很丝滑';
    const before = await analyzer.analyze({ kind: 'comment', text });
    expect(before.tags).toEqual([]);
    const after = await analyzer.analyze({ kind: 'comment', text }, { sentiment: { 丝滑: 2 }, aspects: { 新功能: 'app_experience' } });
    expect(after.tags.map(key)).toEqual(['新功能|很丝滑|positive|app_experience']);
    // a tenant word jieba would cut differently still matches
    const odd = await analyzer.analyze({ kind: 'comment', text: '客服说话阴阳怪气的' }, { sentiment: { 说话阴阳: -2 } });
    expect(odd.tags.map((t) => t.opinion)).toContain('说话阴阳');
  });

  it('reports lexicon mode and version', () => {
    expect(analyzer.mode).toBe('lexicon');
    expect(analyzer.modelVersion).toMatch(/^lexicon-/);
  });

  it('uses a model classifier for mode/version and confidence', async () => {
    const fake: ClauseClassifier = {
      version: 'fake-model-1',
      kind: 'model',
      async classify(clauses) {
        return clauses.map(() => ({ sentiment: { negative: 0.05, neutral: 0.05, positive: 0.9 }, category: {} }));
      },
    };
    const withModel = await createAnalyzer({ lexiconDir: LEXICONS, classifier: fake });
    expect(withModel.mode).toBe('model');
    expect(withModel.modelVersion).toBe('fake-model-1');
    const res = await withModel.analyze({ kind: 'comment', text: '房间很干净' });
    expect(res.modelVersion).toBe('fake-model-1');
    expect(res.tags).toHaveLength(1);
    expect(res.tags[0]!.confidence).toBeGreaterThan(0.7);
  });
});

describe('lexicon clause classifier', () => {
  it('scores clauses and proposes categories', async () => {
    const { createLexiconClassifier } = await import('../../src/nlp/lexicon-classifier.js');
    const c = createLexiconClassifier(LEXICONS);
    expect(c.kind).toBe('lexicon');
    expect(c.version).toMatch(/^lexicon-/);
    const [pos, neg, neutral] = await c.classify(['服务很好', '信号太差了', '请问营业厅几点开门？']);
    expect(pos!.sentiment.positive).toBeGreaterThan(pos!.sentiment.negative);
    expect(neg!.sentiment.negative).toBeGreaterThan(neg!.sentiment.positive);
    expect(neg!.category.network).toBeGreaterThan(0.5);
    expect(neutral!.sentiment.neutral).toBe(1);
    for (const r of [pos!, neg!, neutral!]) {
      const s = r.sentiment.negative + r.sentiment.neutral + r.sentiment.positive;
      expect(s).toBeCloseTo(1, 6);
    }
  });
});
