import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// A one-character verdict said again for emphasis (很慢很慢很慢, 差差差) must close its predicate: only the last one
// did (a one-character word needs the clause end, a particle or a noun after it), so 差差差 gave no tag and 快递很慢很慢
// kept the last 很慢, linked to 快递 from afar, its span without the target. The repetition is one emphatic phrase.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a verdict said again', () => {
  it.each([
    ['快递很慢很慢很慢', '快递', '很慢很慢很慢', 'negative'],
    ['房间很小很小', '房间', '很小很小', 'negative'],
    ['信号差差差', '信号', '差差差', 'negative'],
    ['价格贵贵贵', '价格', '贵贵贵', 'negative'],
  ] as const)('%s', async (text, aspect, opinion, polarity) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(tags.map((t) => [t.aspect, t.opinion, t.polarity]), showTags(tags)).toEqual([[aspect, opinion, polarity]]);
    const t = tags[0]!;
    expect(text.slice(t.span.start, t.span.end)).toBe(aspect + opinion);
  });

  it('an acknowledgement said again is still none (可以可以，就这样吧; 行行行)', async () => {
    for (const text of ['可以可以，就这样吧', '行行行，那就这样', '可以可以吧']) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags, `${text}: ${showTags(tags)}`).toEqual([]);
    }
  });

  it('a clause of thousands of repetitions is read in linear time', async () => {
    // (one phrase per repetition took ~22 s for 20,000 差: the expansion compares each phrase with every other)
    for (const unit of ['差', '很慢']) {
      const text = unit.repeat(20_000 / unit.length);
      const started = Date.now();
      const { tags } = await analyzer.analyze({ kind: 'comment', text });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(tags.length).toBe(1);
    }
  }, 60_000);
});
