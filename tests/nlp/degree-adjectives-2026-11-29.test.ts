import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR } from '../helpers/analyzer.js';
import type { Analyzer, ExtractedTag } from '../../src/nlp/types.js';

// Evaluation words mined from the training reviews (lexicon 2026.11.30.11): words that follow a degree adverb
// (很/太/挺/特别…) in reviews, lean clearly to one label, and were not in the lexicon (lexicons/README.md).
// Inputs are our own CX sentences, one per class of use.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const tags = async (text: string): Promise<ExtractedTag[]> => (await analyzeChecked(analyzer, text)).tags;
const show = (ts: ExtractedTag[]) => JSON.stringify(ts.map((t) => [t.aspect, t.opinion, t.polarity, t.category]));

describe('evaluation words after a degree adverb', () => {
  it('tags them with their polarity and implied category', async () => {
    const cases: [string, string, 'positive' | 'negative', string][] = [
      ['装维师傅特别敬业，下雨天也准时上门', '特别敬业', 'positive', 'service_attitude'],
      ['客服态度很强硬，一句软话都没有', '很强硬', 'negative', 'service_attitude'],
      ['新版App的界面很直观，老人也会用', '很直观', 'positive', 'app_experience'],
      ['营业厅有点昏暗，填单都看不清', '有点昏暗', 'negative', 'environment'],
      ['这件羽绒服很保暖，也很轻薄', '很保暖', 'positive', 'quality'],
      ['酒店位置很好找，出地铁就到', '很好找', 'positive', 'environment'],
      ['收到的苹果个个脆甜', '脆甜', 'positive', 'taste'],
      ['这种处理方式太奇葩了', '太奇葩', 'negative', 'other'],
      ['当着那么多人被拒，特别尴尬', '特别尴尬', 'negative', 'other'],
    ];
    for (const [text, opinion, polarity, category] of cases) {
      const ts = await tags(text);
      const t = ts.find((x) => x.opinion.includes(opinion));
      expect(t, `${text}: ${show(ts)}`).toBeDefined();
      expect(t!.polarity, `${text}: ${show(ts)}`).toBe(polarity);
      if (category !== 'other') expect(t!.category, `${text}: ${show(ts)}`).toBe(category);
    }
  });

  it('reads 随便 as a complaint only after a degree adverb (太随便了), not as "freely" or "casually"', async () => {
    const packed = await tags('打包也太随便了，汤洒了一袋子');
    expect(packed.some((t) => t.opinion.includes('太随便') && t.polarity === 'negative'), show(packed)).toBe(true);
    for (const text of ['千兆宽带4K随便看', '这么重要的信息随便就被改了', '我随便问一下，积分怎么兑换？']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.opinion.includes('随便')), `${text}: ${show(ts)}`).toBe(false);
    }
  });
});
