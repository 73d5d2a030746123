import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// A fault the customer never met (没出现过卡顿, 没遇到过什么故障, 没有一次失望) was tagged as the fault itself: the
// negator sat before a verb of experience, out of the evaluation word's reach, so praise became a complaint.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a fault never met', () => {
  it.each([
    ['用了半年，到现在还没出现过卡顿', '没出现过卡顿', 'positive'],
    ['用了半年没出现过死机', '没出现过死机', 'positive'],
    ['没遇到过什么故障', '没遇到过什么故障', 'positive'],
    ['办了三次业务，没有一次失望', '没有一次失望', 'positive'],
    ['买了三次，没有一次准时的', '没有一次准时', 'negative'],
  ] as const)('%s', async (text, opinion, polarity) => {
    const { tags } = await analyzeChecked(analyzer, text);
    const t = tags.find((x) => x.opinion.endsWith(opinion));
    expect(t?.polarity, showTags(tags)).toBe(polarity);
    expect(tags.some((x) => x.polarity !== polarity), showTags(tags)).toBe(false);
  });

  it('the target between stays the target', async () => {
    const { tags } = await analyzeChecked(analyzer, '没遇到过网络卡顿');
    expect(tags.map((t) => [t.aspect, t.polarity]), showTags(tags)).toEqual([['网络', 'positive']]);
  });
});
