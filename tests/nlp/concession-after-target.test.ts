import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// A concession or contrast written after its target (价格虽然贵, 房间却小) lost the opinion when the evaluation was one
// character (a bare 贵 / 小 / 好 must predicate a noun, and 虽然 stood between) and the target when it was longer
// (信号虽然不错 was linked from afar, its span without the target). 虽然价格贵 was read all along.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const rows = (ts: { aspect: string | null; opinion: string; polarity: string }[]) => ts.map((t) => [t.aspect, t.opinion, t.polarity]);

describe('a concession after its target', () => {
  it.each([
    ['价格虽然贵，质量却很好', [['价格', '贵', 'negative'], ['质量', '很好', 'positive']]],
    ['套餐虽然便宜，信号却很差', [['套餐', '便宜', 'positive'], ['信号', '很差', 'negative']]],
    ['手续费尽管高，到账倒是很快', [['手续费', '高', 'negative'], ['到账', '很快', 'positive']]],
    ['客服态度很好，房间却小', [['客服态度', '很好', 'positive'], ['房间', '小', 'negative']]],
  ] as const)('%s', async (text, want) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(rows(tags), showTags(tags)).toEqual(want);
  });

  it('the target and the opinion make one span across the marker', async () => {
    const text = '信号虽然不错，但资费太贵';
    const { tags } = await analyzeChecked(analyzer, text);
    const t = tags.find((x) => x.aspect === '信号')!;
    expect(text.slice(t.span.start, t.span.end), showTags(tags)).toBe('信号虽然不错');
  });
});
