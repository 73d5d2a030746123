import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Known misses handed to a QA session on 2026-11-30: wrong aspects or categories, untagged complaints, a sarcastic
// 绝了. Each case is a family: variants (traditional script included), and texts the rule must leave alone.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});
const run = (text: string) => analyzeChecked(analyzer, text);
type Row = readonly [aspect: string | null, opinion: string, polarity: 'positive' | 'negative', category: string];

/** Each text yields exactly this one tag (aspect, opinion, polarity, category). */
async function expectOne(cases: readonly (readonly [string, Row])[]) {
  for (const [text, row] of cases) {
    const { tags } = await run(text);
    expect(tags.map((t) => [t.aspect, t.opinion, t.polarity, t.category]), `${text}: ${showTags(tags)}`).toEqual([row]);
  }
}

async function expectNone(texts: readonly string[]) {
  for (const text of texts) {
    const { tags } = await run(text);
    expect(tags, `${text}: ${showTags(tags)}`).toEqual([]);
  }
}

describe('spills', () => {
  it('what was spilled is the target, the adverb belongs to the spill (汤全洒了 → 汤 | 全洒了), logistics', async () => {
    // was: 汤全 | 洒了 (jieba glued 全 to 汤), and 饮料全洒了 gave no tag (jieba: 全洒 as one guessed piece)
    await expectOne([
      ['汤全洒了', ['汤', '全洒了', 'negative', 'logistics']],
      ['饮料全洒了', ['饮料', '全洒了', 'negative', 'logistics']],
      ['汤全灑了', ['汤', '全灑了', 'negative', 'logistics']],
      ['豆浆都洒了', ['豆浆', '都洒了', 'negative', 'logistics']],
    ]);
  });

  it('a spill written 撒 (外卖小哥把我的奶茶撒了一半) is one too, with its extent; 撒 in cooking or 撒谎 is not', async () => {
    // was: no tag (撒 is no lexicon word: 撒了点葱花, 撒谎)
    await expectOne([
      ['外卖小哥把我的奶茶撒了一半', ['奶茶', '撒了一半', 'negative', 'logistics']],
      ['骑手把汤撒了一地', ['汤', '撒了一地', 'negative', 'logistics']],
      ['外賣小哥把奶茶撒了一半', ['奶茶', '撒了一半', 'negative', 'logistics']],
      ['汤全撒了', ['汤', '全撒了', 'negative', 'logistics']],
    ]);
    await expectNone(['面上撒了点葱花', '他在撒谎', '撒了一把盐进去']);
  });
});
