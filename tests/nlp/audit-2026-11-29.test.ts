import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import type { AnalyzeInput, Analyzer, ExtractedTag } from '../../src/nlp/types.js';

// Regression tests for the tag-quality audit of 2026-11-29: each describe block is one audited defect,
// with the audit's inputs and variations of our own (the rules are general, not the example strings).

const LEXICONS = resolve(import.meta.dirname, '../../lexicons');
let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICONS });
});

async function run(text: string, kind: AnalyzeInput['kind'] = 'comment') {
  const res = await analyzer.analyze({ kind, text });
  // spans index the stored text: the opinion span slices to the opinion, the aspect span to the aspect
  for (const t of res.tags) {
    expect(text.slice(t.opinionSpan!.start, t.opinionSpan!.end), text).toBe(t.opinion);
    if (t.aspect !== null) expect(text.slice(t.aspectSpan!.start, t.aspectSpan!.end), text).toBe(t.aspect);
    expect(t.span.end).toBe(t.opinionSpan!.end);
  }
  return res;
}

const show = (tags: ExtractedTag[]) => JSON.stringify(tags.map((t) => [t.aspect, t.opinion, t.polarity, t.category, t.canonicalAspect]));

describe('audit 1: rhetorical 不是…吗 / 难道…吗 questions assert what they seem to deny', () => {
  it('a rhetorical question around a complaint word is a complaint', async () => {
    for (const [text, opinion] of [
      ['平台的红包用不了，说是活动已结束，这不是骗人吗？', '不是骗人'],
      ['这不是坑人吗？', '不是坑人'],
      ['这难道不是欺骗消费者吗？', '不是欺骗'],
      ['这不是乱收费吗？', '不是乱收费'],
      ['这难道不是霸王条款吗', '不是霸王条款'],
      ['你们这样做不是忽悠人吗', '不是忽悠'],
    ] as const) {
      const res = await run(text);
      const t = res.tags.find((x) => x.opinion.includes(opinion.slice(2)));
      expect(t, text + show(res.tags)).toBeDefined();
      expect(t!.opinion, text).toBe(opinion);
      expect(t!.polarity, text).toBe('negative');
      expect(res.tags.some((x) => x.polarity === 'positive'), text + show(res.tags)).toBe(false);
    }
  });

  it('around praise it is praise, and a plain negation or a real question is unchanged', async () => {
    const praise = await run('这不是挺好的吗？');
    expect(praise.tags.map((t) => [t.opinion, t.polarity])).toEqual([['不是挺好', 'positive']]);
    expect((await run('这不是骗人')).tags.map((t) => t.polarity)).toEqual(['positive']);
    expect((await run('他们说这不是乱收费')).tags.map((t) => t.polarity)).toEqual(['positive']);
  });
});
