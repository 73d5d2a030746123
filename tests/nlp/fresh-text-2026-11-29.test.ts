import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR } from '../helpers/analyzer.js';
import { analyzeAllWithin } from '../helpers/worker-within.js';
import type { AnalyzeInput, Analyzer, ExtractedTag } from '../../src/nlp/types.js';

// Opinions customers write as events rather than evaluation words (tuning set of 2026-11-29,
// tests/fixtures/gold/opinions-tune-2026-11-29.jsonl): what was not done for them, how little they got, how
// far a price moved, how long or how often it took, and what was done quickly. The sentences here are our
// own variations, not the set's items: the rules are constructions, not strings.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const run = (text: string, kind: AnalyzeInput['kind'] = 'comment') => analyzeChecked(analyzer, text, kind);
const show = (tags: ExtractedTag[]) => JSON.stringify(tags.map((t) => [t.aspect, t.opinion, t.polarity, t.category]));

async function expectOpinion(text: string, opinion: string, polarity: 'positive' | 'negative', category?: string) {
  const res = await run(text);
  const t = res.tags.find((x) => x.opinion === opinion);
  expect(t, text + show(res.tags)).toBeDefined();
  expect(t!.polarity, text + show(res.tags)).toBe(polarity);
  if (category) expect(t!.category, text + show(res.tags)).toBe(category);
  return res;
}

describe('what the business failed to do', () => {
  it('no notice, no word, not even an apology', async () => {
    await expectOpinion('小区停水也不提前通知，一早起来没法洗漱', '不提前通知', 'negative', 'service_attitude');
    await expectOpinion('快递员放门卫室也不说一声', '不说一声', 'negative');
    await expectOpinion('维修拖了一周也没个准信', '没个准信', 'negative');
    await expectOpinion('酒店搞错了房型，前台连句道歉都没有', '连句道歉都没有', 'negative');
    await expectOpinion('说好上门取件，快递员电话都没打一个', '电话都没打一个', 'negative');
  });

  it('连…都没有 over a fault is praise, not a complaint', async () => {
    for (const text of ['用了两年连一点毛病都没有', '洗了几次一点色差也没有']) {
      const res = await run(text);
      expect(res.tags.some((t) => t.polarity === 'negative'), text + show(res.tags)).toBe(false);
      expect(res.tags.some((t) => t.polarity === 'positive'), text + show(res.tags)).toBe(true);
    }
    await expectOpinion('客服一点诚意都没有', '一点诚意都没有', 'negative');
  });

  it('rhetorical demands', async () => {
    await expectOpinion('扣费之前就不能发个短信提醒吗', '就不能发个短信提醒吗', 'negative');
    await expectOpinion('为什么不提前通知我停机', '为什么不提前通知', 'negative', 'service_attitude');
    await expectOpinion('条款藏在第五页，那么小的字谁看得清', '谁看得清', 'negative');
  });
});

describe('how little, how much more', () => {
  it('an "only" amount alone is the complaint', async () => {
    await expectOpinion('车险理赔最后只赔了三成', '只赔了三成', 'negative');
    await expectOpinion('理财到期只到账了一半', '只到账了一半', 'negative');
  });

  it('is evidence when the same sentence states the verdict', async () => {
    const res = await run('营业厅只开了一个窗口，效率太低了');
    expect(res.tags.map((t) => [t.aspect, t.opinion]), show(res.tags)).toEqual([['效率', '太低']]);
    const price = await run('房费比上个月翻了两倍，太黑了');
    expect(price.tags.map((t) => [t.aspect, t.opinion]), show(price.tags)).toEqual([['房费', '太黑']]);
  });

  it('a caller asking about it states why they call', async () => {
    const res = await analyzer.analyze({
      kind: 'transcript',
      turns: [
        { speaker: 'customer', text: '我这个月电费怎么多扣了80块？' },
        { speaker: 'agent', text: '您好，我帮您查询一下。' },
      ],
    });
    expect(res.tags, show(res.tags)).toEqual([]);
  });

  it('price comparisons and cuts with their amounts', async () => {
    await expectOpinion('同一间房老会员比新会员贵了150', '比新会员贵了150', 'negative', 'price');
    await expectOpinion('换了套餐后月租从128降到了88', '从128降到了88', 'positive', 'price');
    const wish = await run('我想把套餐从199降到99可以吗');
    expect(wish.tags, show(wish.tags)).toEqual([]);
  });

  it('numbers that are not amounts are no price complaint', async () => {
    for (const text of ['合同我翻了一遍没找到', '价格贵了一点点']) {
      const res = await run(text);
      expect(res.tags.some((t) => /翻了一$|贵了一$/.test(t.opinion)), text + show(res.tags)).toBe(false);
    }
  });
});

describe('how long and how often', () => {
  it('trips, calls and days are the complaint alone', async () => {
    await expectOpinion('办个过户跑了四次才办下来', '跑了四次才办下来', 'negative');
    await expectOpinion('包裹在中转站停了6天没动静', '6天没动静', 'negative');
    await expectOpinion('寄回去检测，来回寄了半个月', '来回寄了半个月', 'negative');
    await expectOpinion('说好半小时送到，结果2小时15分钟才到', '2小时15分钟才到', 'negative', 'logistics');
  });

  it('one trip is no complaint, and counted effort in praise is its proof', async () => {
    const once = await run('师傅今天跑了一趟');
    expect(once.tags.some((t) => t.opinion.includes('跑了一趟')), show(once.tags)).toBe(false);
    const praised = await run('装宽带的师傅特别负责，前后跑了三趟');
    expect(praised.tags.map((t) => t.polarity), show(praised.tags)).toEqual(['positive']);
  });

  it('done quickly without 就', async () => {
    await expectOpinion('在手机上补办社保卡，十五分钟搞定', '十五分钟搞定', 'positive', 'efficiency');
    await expectOpinion('报修以后隔天就有人来修了', '隔天就有人来', 'positive', 'efficiency');
  });
});

describe('not doing the bad thing', () => {
  it('no hard sell and no fee are praise', async () => {
    const res = await run('营业员讲得很明白，不推销也不乱收费');
    expect(res.tags.filter((t) => t.polarity === 'negative'), show(res.tags)).toEqual([]);
    expect(res.tags.some((t) => t.opinion.includes('不推销') && t.category === 'marketing'), show(res.tags)).toBe(true);
    await expectOpinion('改签不收手续费', '不收手续费', 'positive', 'price');
  });
});

describe('descriptive words from everyday reviews', () => {
  it('reduplicated and sensory adjectives', async () => {
    await expectOpinion('送来的青菜蔫巴巴的', '蔫巴巴', 'negative', 'taste');
    await expectOpinion('酒店卫生间收拾得一尘不染', '一尘不染', 'positive', 'environment');
    await expectOpinion('这件毛衣摸着软乎乎', '软乎乎', 'positive', 'quality');
    await expectOpinion('房间的热水忽冷忽热', '忽冷忽热', 'negative', 'environment');
  });
});

describe('second round on the tuning set', () => {
  it('denying a fault the lexicon does not know is praise, unless it is the customer not wanting something', async () => {
    await expectOpinion('这家的牛肉一点都不柴', '一点都不柴', 'positive');
    await expectOpinion('羊绒围巾一点也不扎脖子', '一点也不扎脖子', 'positive');
    await expectOpinion('上门速度一点也不慢', '一点也不慢', 'positive');
    await expectOpinion('服务一点也不专业', '一点也不专业', 'negative');
    const res = await run('我一点也不想去营业厅');
    expect(res.tags, show(res.tags)).toEqual([]);
  });

  it('not as bad as said, no longer needing to, not wasted', async () => {
    await expectOpinion('房间也没评论里说的那么吵', '没评论里说的那么吵', 'positive');
    await expectOpinion('开通了电子账单，再也不用去营业厅排队了', '再也不用去营业厅排队了', 'positive');
    await expectOpinion('再也不用你们家宽带了', '再也不用', 'negative');
    await expectOpinion('这台空调没白买', '没白买', 'positive');
  });

  it('unanswered calls, extra fees, hard to reach, and what will not close', async () => {
    await expectOpinion('理赔的时候电话不接，微信也不回', '电话不接', 'negative', 'service_attitude');
    await expectOpinion('装好以后师傅还要另收150', '还要另收150', 'negative', 'price');
    await expectOpinion('小区车位太难找了', '太难找', 'negative');
    await expectOpinion('冰箱门关不严，老是漏冷气', '关不严', 'negative', 'quality');
    await expectOpinion('早餐种类少得可怜', '少得可怜', 'negative');
  });

  it('what the review corpora showed the first versions got wrong', async () => {
    // measured on the sentiment dev reviews: tags new in this round agree with the review's label about as often as
    // all earlier tags do; these are the cases that did not
    await expectOpinion('没有见过这么差的服务', '这么差', 'negative');
    for (const text of ['水果一点都不甜', '别家的包装比这强多了', '孩子看得入迷，连电视都不看了', '刚收到就又降了100元', '第二天就换了酒店', '酒店不大，只有7间客房']) {
      const res = await run(text);
      expect(res.tags.filter((t) => t.polarity === 'positive' || /只有|连电视/.test(t.opinion)), text + show(res.tags)).toEqual([]);
    }
  });

  it('thanks for the trouble, and the card', async () => {
    for (const turn of ['行，麻烦了。', '好的，那麻烦您了', '嗯，麻烦你了', '好嘞，麻烦了师傅', '麻烦你们了哈']) {
      const res = await analyzer.analyze({ kind: 'transcript', turns: [{ speaker: 'customer', text: turn }] });
      expect(res.tags, turn + show(res.tags)).toEqual([]);
    }
    const card = await analyzer.analyze({ kind: 'transcript', turns: [{ speaker: 'customer', text: '我刚收到短信说我的卡在外地刷了两千块' }] });
    expect(card.tags.some((t) => t.opinion === '卡'), show(card.tags)).toBe(false);
    await expectOpinion('这个App太麻烦了', '太麻烦', 'negative');
    await expectOpinion('手机银行一转账就卡', '一转账就卡', 'negative');
  });
});

describe('third round on the tuning set', () => {
  it('mishandling, short-changing and shrinking', async () => {
    await expectOpinion('快递把我的包裹弄丢了', '把我的包裹弄丢了', 'negative', 'logistics');
    await expectOpinion('商家少给了一个勺子', '少给了一个勺子', 'negative');
    await expectOpinion('价格没变，分量缩了一半', '缩了一半', 'negative');
    await expectOpinion('客服直接把我拉黑了', '把我拉黑了', 'negative', 'service_attitude');
    const own = await run('推销电话太多，我把他们都拉黑了');
    expect(own.tags.some((t) => t.opinion.includes('拉黑')), show(own.tags)).toBe(false);
  });

  it('better than before', async () => {
    await expectOpinion('线上办比去营业厅排队强多了', '比去营业厅排队强多了', 'positive');
    await expectOpinion('跟着讲解员逛比自己瞎逛强多了', '比自己瞎逛强多了', 'positive');
  });
});

// A report-only audit of this round's rules (2026-11-29) ran 476 CX texts written to trip them: questions, requests,
// the customer's own doings, claims, plans and neutral facts. These are its defects, fixed.
describe('what the rules must leave alone', () => {
  const CALLS = ['那我就不问了，谢谢你', '好的那我就不打电话了', '跨行转账收不收手续费？', '请问你们这个积分有什么用？', '请问上个月是不是多扣了50块？', '那退票是不是只能退一半', '那我就不能自己去网点办吗', '我的话费怎么少算了10块，是优惠吗'];
  const COMMENTS = ['你好我信用卡弄丢了，想挂失', '我把身份证搞丢了', '另外收件人地址要改一下', '要是第二天就发货就好了', '说好的隔天就到，现在五天了', '库存只剩2件了，赶紧下单', '连续三个月都没有用流量', '我两周没更新app了', '我陌生电话不接的，所以错过了快递', '上周带孩子去医院打了3天点滴', '我跑了两次步，腿就酸了'];
  it('questions, plans and the customer\u2019s own doings in calls', async () => {
    for (const text of CALLS) {
      const res = await analyzer.analyze({ kind: 'transcript', turns: [{ speaker: 'customer', text }] });
      expect(res.tags, text + show(res.tags)).toEqual([]);
    }
  });
  it('the same in comments, and neutral facts', async () => {
    for (const text of COMMENTS) {
      const res = await run(text);
      expect(res.tags.filter((t) => t.polarity !== 'neutral'), text + show(res.tags)).toEqual([]);
    }
  });
  it('a claim is no praise, and the charge taken against it is the complaint', async () => {
    // the claim (不收服务费) was read as praise; since 2026.11.30.53 the charge taken all the same (结果还是扣了30) is a
    // price complaint, as a QA brief of 2026-11-30 asked (信用卡年费说好免的，结果还是扣了300)
    const res = await run('说好的不收服务费，结果还是扣了30');
    expect(res.tags.map((t) => [t.opinion, t.polarity, t.category]), show(res.tags)).toEqual([['还是扣了30', 'negative', 'price']]);
  });
  it('praise is not read as a complaint, nor a complaint as praise', async () => {
    for (const text of ['连一分钱都没多收，良心商家', '连一根头发都没有，很干净', '信用卡额度涨了2万，谢谢招行', '免费流量翻了一倍，联通这次良心', '我多花了50块升级了大床房，很值']) {
      const res = await run(text);
      expect(res.tags.filter((t) => t.polarity === 'negative'), text + show(res.tags)).toEqual([]);
    }
    for (const text of ['以后再也不用顺丰了', '终于不用再用电信了，解脱', '人家顺丰比你们强太多了', '以前比现在好太多了，现在越来越差', '额度从5万降到了1万']) {
      const res = await run(text);
      expect(res.tags.filter((t) => t.polarity === 'positive'), text + show(res.tags)).toEqual([]);
    }
    await expectOpinion('以后再也不用顺丰了', '再也不用', 'negative');
    await expectOpinion('好麻烦啊，要填这么多表', '好麻烦', 'negative');
  });
});

describe('untrusted text', () => {
  // A pattern of this round once nested a repetition in a repetition: 30 digits and a letter held the analyzer
  // for 113 s. A regex runs synchronously, so a test timer cannot stop it: the texts go through the built
  // analyzer (dist/, as the service's analyzer threads run it) in a worker thread, which is terminated if it has
  // not finished in 20 s. Linear rules take milliseconds.
  it('long runs of digits or numerals in one clause do not stall the rules', async () => {
    const texts = ['只有' + '1'.repeat(3000) + 'x', '走了' + '一'.repeat(3000) + '次', '订单' + '8'.repeat(5000) + '天没更新', '第' + '9'.repeat(5000) + '天才', '多扣了' + '1.'.repeat(2000)];
    expect(await analyzeAllWithin(texts, LEXICON_DIR, 20_000)).toBe('done');
  }, 30_000);
});
