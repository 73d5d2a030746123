import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Misses reported by users (the QA brief of 2026-12-01) and found reading the analyzer's output on new CX texts
// (telecom, bank, insurance, e-commerce, food delivery, hotel; our own texts). Each is read as a family.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});
const run = async (text: string) => (await analyzeChecked(analyzer, text)).tags;

/** A tag whose opinion contains `opinion`, with this polarity and category (and aspect, when given). */
async function expectTag(text: string, opinion: string, polarity: 'positive' | 'negative', category: string, aspect?: string | null) {
  const ts = await run(text);
  const t = ts.find((x) => x.opinion.includes(opinion) && x.polarity === polarity);
  expect(t, `${text}: expected ${polarity} ${opinion}, got ${showTags(ts)}`).toBeDefined();
  expect(t!.category, `${text}: ${showTags(ts)}`).toBe(category);
  if (aspect !== undefined) expect(t!.aspect, `${text}: ${showTags(ts)}`).toBe(aspect);
}

describe('a question about where to complain is no complaint', () => {
  it('投诉有用吗 after a channel (在App上, 打12315, 向消协) or with an alternative asks; alone it is indignant', async () => {
    // was: App | 投诉有用吗 negative
    for (const text of ['在App上投诉有用吗', '我想问下在App上投诉有用吗，还是打电话比较好？', '打12315投诉有用吗', '向消协投诉有用吗？', '请问投诉有用吗']) {
      const ts = await run(text);
      expect(ts, `${text}: ${showTags(ts)}`).toEqual([]);
    }
    await expectTag('投诉有用吗？上次投诉完一点动静都没有', '投诉有用吗', 'negative', 'resolution');
    await expectTag('登记有用吗？上次登记完第二天又打来了', '登记有用吗', 'negative', 'resolution');
    await expectTag('我都投诉三次了，投诉了有什么用', '有什么用', 'negative', 'resolution');
  });
});
