import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Thanks for a wait or a wasted trip (感谢你们让我等了三个小时, 真是太感谢了，让我排了一上午的队) is sarcasm with no smirk,
// quotes or 可真 to mark it: the thanks came out as praise. The rule is narrow: thanks, then 让/害/叫我 in the same
// sentence, then a wait of hours or half a day, a trip in vain (白跑, 白等) or trips counted (跑了三趟). A trip or wait
// in vain is itself a complaint now, and so is a wait of a morning or a whole day (等了一上午, 排了一整天).

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('thanks for a wait or a wasted trip', () => {
  it.each([
    '感谢你们让我等了三个小时',
    '谢谢你们让我白跑了三趟',
    '真是太感谢了，让我排了一上午的队',
    '非常感谢贵行让我白跑一趟',
    '真是谢谢你们了，害我又等了两天',
  ])('%s', async (text) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(tags.length, text).toBeGreaterThan(0);
    expect(tags.every((t) => t.polarity === 'negative'), showTags(tags)).toBe(true);
  });

  it('the thanks is the sarcasm, about the wait', async () => {
    const { tags } = await analyzeChecked(analyzer, '真是太感谢了，让我排了一上午的队');
    expect(tags.map((t) => [t.opinion, t.polarity, t.category]), showTags(tags)).toEqual([
      ['真是太感谢了', 'negative', 'efficiency'],
      ['排了一上午', 'negative', 'efficiency'],
    ]);
  });

  it('a trip or a wait in vain, or of half a day, is a complaint (a wait about efficiency)', async () => {
    for (const [text, opinion, category] of [
      ['白跑了三趟', '白跑了三趟', 'other'],
      ['白等了一下午', '白等了一下午', 'efficiency'],
      ['等了一上午，没人理', '等了一上午', 'efficiency'],
    ] as const) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags.some((t) => t.opinion === opinion && t.polarity === 'negative' && t.category === category), `${text}: ${showTags(tags)}`).toBe(true);
    }
  });

  it('thanks for help stay praise', async () => {
    for (const text of ['感谢客服小王耐心解答', '谢谢你们帮我解决了问题', '感谢你们让我不用排队', '感谢你们让我等了五分钟就办好了']) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags.length, text).toBeGreaterThan(0);
      expect(tags.every((t) => t.polarity === 'positive'), `${text}: ${showTags(tags)}`).toBe(true);
    }
  });

  it('白 as part of another word is no trip in vain', async () => {
    for (const text of ['我明白了，谢谢', '坦白说，等了十分钟就办好了']) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags.some((t) => t.polarity === 'negative'), `${text}: ${showTags(tags)}`).toBe(false);
    }
  });

  it('thanks for standing an hour at the door is sarcasm too', async () => {
    // was: 感谢 positive (站 and 在门口 were not in the rule)
    const { tags } = await analyzeChecked(analyzer, '感谢你们让我在门口站了一个小时');
    expect(tags.map((t) => [t.opinion, t.polarity]), showTags(tags)).toEqual([['感谢', 'negative']]);
    const kind = await analyzeChecked(analyzer, '感谢师傅让我在家坐了一会儿就修好了');
    expect(kind.tags.every((t) => t.polarity === 'positive'), showTags(kind.tags)).toBe(true);
  });
});
