import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// API audit 2026-11-30: 网络经常断 and Ｗｉ－Ｆｉ经常断 gave no tag at all (断 alone is not a complaint word:
// 断食, 断舍离), and Wi-Fi split into Wi / Fi so the aspect came out as "Fi". A frequency word before 断
// at the end of a clause is the complaint, as 隔三差五断 already was. 汤里吃出一根头发 gave no tag either.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags, expectExact, expectNoneWith } = opinionExpectations(() => analyzer);

describe('a connection that keeps dropping', () => {
  it('tags 经常断, 老是断 and 总是中断 with their aspect, as network complaints', async () => {
    await expectExact('网络经常断', '网络', '经常断', 'negative');
    await expectExact('家里宽带老是断，打游戏都没法打', '宽带', '老是断', 'negative');
    const wifi = await tags('wifi经常断');
    expect(wifi.find((t) => t.opinion === '经常断')?.category, showTags(wifi)).toBe('network');
  });

  it('reads Wi-Fi (and its full-width form) as one aspect', async () => {
    await expectExact('Wi-Fi经常断', 'Wi-Fi', '经常断', 'negative');
    const full = await tags('Ｗｉ－Ｆｉ经常断');
    expect(full.some((t) => t.opinion === '经常断' && t.polarity === 'negative' && t.category === 'network'), showTags(full)).toBe(true);
  });

  it('leaves 断 that is not a dropping connection, and a drop that is denied', async () => {
    await expectNoneWith('我经常断食，身体还不错', '断');
    const denied = await tags('换了路由器之后网络不再经常断了');
    expect(denied.some((t) => t.opinion.includes('断') && t.polarity === 'negative'), showTags(denied)).toBe(false);
  });
});

describe('something found in the food', () => {
  it('tags 吃出一根头发 as a quality complaint when nothing else in the sentence judges', async () => {
    const ts = await tags('汤里吃出一根头发');
    expect(ts.some((t) => t.opinion === '吃出一根头发' && t.polarity === 'negative' && t.category === 'quality'), showTags(ts)).toBe(true);
  });

  it('is evidence next to a verdict (the dev convention: 菜里吃出了头发，卫生也太差了吧 tags 卫生 / 太差 only), and nothing when denied', async () => {
    const ts = await tags('菜里吃出了头发，卫生也太差了吧！');
    expect(ts.map((t) => t.opinion), showTags(ts)).toEqual(['太差']);
    await expectNoneWith('点了这么多次从没吃出过头发', '头发');
  });
});
