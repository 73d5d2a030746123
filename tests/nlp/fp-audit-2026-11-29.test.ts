import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Fixes for a report-only false-positive audit (2026-11-29; its 164 texts are
// tests/fixtures/gold/opinions-fp-audit-2026-11-29.jsonl). The sentences here are our own, one per class, each with
// a control that must keep its tag.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags, expectTag, expectNone } = opinionExpectations(() => analyzer);
const show = showTags;

describe('opinions about another business', () => {
  it('are no verdict on this one', async () => {
    await expectNone(['之前住的那家酒店隔音太差了，这次订了你们家的', '同事在别家办的宽带老掉线，挺闹心的']);
  });

  it('unless compared with this one, which the comparison judges', async () => {
    await expectTag('存款利率比别家高一点，还算良心', '还算良心', 'positive');
    await expectTag('它有别的酒店没有的海景阳台，住得很舒服', '很舒服', 'positive');
    await expectTag('告别家人出来住了一周，房间很干净', '很干净', 'positive');
  });
});

describe('X比你们…: the other one is better, so the verdict on this one is the opposite', () => {
  it('turns the word round', async () => {
    await expectTag('隔壁那家送得比你们快多了', '快', 'negative');
    await expectTag('联通的流量包比你们便宜三十块', '便宜', 'negative');
  });

  it('but not when this business is the subject or is compared with its own past', async () => {
    await expectTag('你们比联通便宜三十块', '便宜', 'positive');
    await expectTag('现在比你们以前快多了', '快', 'positive');
  });
});

describe('praise words inside product, room and plan names', () => {
  it('are part of the name after a verb or particle', async () => {
    await expectNone(['订的是豪华大床房，含双早']);
    const ts = await tags('点了超值套餐，鸡块送来是凉的');
    expect(ts.some((t) => t.opinion.includes('超值')), show(ts)).toBe(false);
  });

  it('still predicate after a target or at the start of a clause', async () => {
    await expectTag('服务热情态度好', '热情', 'positive');
    await expectTag('这个套餐性价比很高，超值', '超值', 'positive');
    await expectTag('手机卡莫名其妙停机了', '莫名其妙停机', 'negative');
  });
});

describe('hearsay', () => {
  it('from the internet or rumour is nobody’s verdict here', async () => {
    await expectNone(['网上都说这家的烤鸭特别好吃', '听说他们家的宽带很稳定']);
  });

  it('but a user relaying their own use is, and 对…来说 frames a view', async () => {
    await expectTag('买给女朋友的，女朋友说很好看', '很好看', 'positive');
    await expectTag('对于经常出差的人来说，这个App很方便', '很方便', 'positive');
  });
});

describe('worries, announcements, conditions and counterfactuals', () => {
  it('describe nothing that happened', async () => {
    await expectNone(['担心以后理赔会很麻烦', '听说下个月起要涨价', '再涨价的话我就销号', '如果客服能早点回复，这次体验就完美了']);
  });

  it('a counterfactual keeps what did happen', async () => {
    const ts = await tags('要不是快递员态度好，这差评我早就给了');
    expect(ts.map((t) => t.polarity), show(ts)).toEqual(['positive']);
  });

  it('主要是 is no 要是', async () => {
    await expectTag('房间还行，主要是卫生间的隔音非常差，只能算是一般的', '非常差', 'negative');
  });
});

describe("the customer's own doings and wishes for others", () => {
  it('are no verdict', async () => {
    await expectNone(['我不小心把手机摔坏了，来补张卡', '我身体不舒服，想取消明天的预订', '为了不让孩子失望，提前订了门票', '想让她开心一下，订了海景房']);
  });

  it('while the same words about the business stay', async () => {
    await expectTag('手机刚买一周就摔坏了', '摔坏', 'negative');
    await expectTag('吃完你们家的菜肚子不舒服', '不舒服', 'negative');
  });
});

describe('politeness and order notes', () => {
  it('are no opinion', async () => {
    await expectNone(['好的，感谢感谢', '可以可以，就这样吧', '备注：不要太辣，多放香菜']);
  });

  it('but colloquial 不要太好 is praise', async () => {
    await expectTag('早上在湖边走走，感觉不要太好', '太好', 'positive');
  });
});

describe('negated comparisons and verdicts', () => {
  it('谈不上 / 称不上 negate', async () => {
    await expectTag('位置谈不上方便', '方便', 'negative');
    await expectTag('新版App称不上好用', '好用', 'negative');
  });

  it('没以前X了 is a decline, and regretting not switching sooner is praise', async () => {
    await expectTag('这次的包装没以前用心了', '用心', 'negative');
    await expectTag('后悔没早点换你们家的宽带', '后悔', 'positive');
    const away = await tags('后悔没早点换掉你们家的宽带');
    expect(away.some((t) => t.polarity === 'positive'), show(away)).toBe(false);
  });
});

describe('arrival times', () => {
  it('of the customer travelling are no logistics complaint', async () => {
    await expectNone(['自驾走了两天才到大理']);
    await expectTag('快递走了五天才到', '才到', 'negative');
  });
});
