import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolve } from 'node:path';
import { normalizeText, toOriginal } from '../../src/nlp/normalize.js';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Pieces that stress the offset map: traditional characters, full-width forms, surrogate-pair emoji
// (with skin tones and ZWJ sequences), hashtags, mentions, whitespace runs and opinion fragments.
const PIECES = [
  '網路很順暢', '客服態度很好', '訊號超弱', '乾淨整潔', 'ＡＰＰ很卡', '１０ｍｓ', '　', ' ', '  \n ', '\t',
  '😡', '👍🏻', '👨‍👩‍👧', '🇨🇳', '✨', '#携号转网#', '@某某银行 ', '但是', '，', '！', '。', '？',
  '网络很顺畅', 'App老是闪退', '太贵了', '一点也不卡', '没有想象中慢', '真是“高效”啊', '𠀀', 'abc', 'ＸＹＺ',
];
const docArb = fc.array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 12 }).map((xs) => xs.join(''));
const anyText = fc.oneof(docArb, fc.string({ unit: 'grapheme', maxLength: 40 }));

describe('normalizeText offset map', () => {
  it('maps every normalized unit into the input, monotonically', () => {
    fc.assert(
      fc.property(anyText, (input) => {
        const n = normalizeText(input);
        expect(n.origStart).toHaveLength(n.text.length);
        expect(n.origEnd).toHaveLength(n.text.length);
        for (let i = 0; i < n.text.length; i++) {
          const s = n.origStart[i]!;
          const e = n.origEnd[i]!;
          expect(s).toBeGreaterThanOrEqual(0);
          expect(e).toBeLessThanOrEqual(input.length);
          expect(s).toBeLessThan(e);
          if (i > 0) expect(s).toBeGreaterThanOrEqual(n.origStart[i - 1]!);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never cuts a surrogate pair when mapping spans back', () => {
    fc.assert(
      fc.property(anyText, fc.nat(), fc.nat(), (input, a, b) => {
        const n = normalizeText(input);
        if (!n.text.length) return;
        const s = a % n.text.length;
        const e = s + 1 + (b % (n.text.length - s));
        const span = toOriginal(n, s, e);
        const isLow = (i: number) => i > 0 && i < input.length && /[\udc00-\udfff]/.test(input[i]!) && /[\ud800-\udbff]/.test(input[i - 1]!);
        expect(isLow(span.start)).toBe(false);
        expect(isLow(span.end)).toBe(false);
        expect(span.end).toBeGreaterThan(span.start);
      }),
      { numRuns: 300 },
    );
  });

  it('folds width, script and whitespace', () => {
    const n = normalizeText('  ＡＰＰ　很卡，網路１０ｍｓ😡😡 好\n\n嗎  ');
    expect(n.text).toBe('APP 很卡,网路10ms 好\n吗');
    const i = n.text.indexOf('网路');
    const span = toOriginal(n, i, i + 2);
    expect('  ＡＰＰ　很卡，網路１０ｍｓ😡😡 好\n\n嗎  '.slice(span.start, span.end)).toBe('網路');
  });
});

describe('invisible format characters', () => {
  it('zero-width joiners and bidi marks vanish, keeping the offset map', () => {
    for (const mark of ['\u200d', '\u200e', '\u200f', '\u202b', '\u2066', '\u061c']) {
      const input = `网${mark}络很卡`;
      const n = normalizeText(input);
      expect(n.text, JSON.stringify(mark)).toBe('网络很卡');
      expect(toOriginal(n, 0, 2)).toEqual({ start: 0, end: 3 });
    }
    // a ZWJ inside an emoji sequence still leaves the single space the sequence stands for
    expect(normalizeText('好评👨\u200d👩\u200d👧推荐').text).toBe('好评 推荐');
  });
});

describe('analyzer spans on arbitrary social text', () => {
  let analyzer: Analyzer;
  beforeAll(async () => {
    analyzer = await createAnalyzer({ lexiconDir: resolve(import.meta.dirname, '../../lexicons') });
  });

  it('every tag span indexes into the stored input and reproduces the tag strings', async () => {
    await fc.assert(
      fc.asyncProperty(docArb, async (text) => {
        const res = await analyzer.analyze({ kind: 'social', text });
        for (const t of res.tags) {
          expect(t.span.start).toBeGreaterThanOrEqual(0);
          expect(t.span.end).toBeLessThanOrEqual(text.length);
          expect(t.span.start).toBeLessThan(t.span.end);
          expect(text.slice(t.opinionSpan!.start, t.opinionSpan!.end)).toBe(t.opinion);
          if (t.aspect !== null) expect(text.slice(t.aspectSpan!.start, t.aspectSpan!.end)).toBe(t.aspect);
          expect(text).toContain(t.sentence);
        }
      }),
      { numRuns: 150 },
    );
  });
});
