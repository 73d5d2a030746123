import * as OpenCC from 'opencc-js';
import type { Span } from './types.js';

/**
 * Normalized text plus, for every UTF-16 unit of it, the half-open range of the original text it came
 * from. Spans found on the normalized text are mapped back with `toOriginal`, so tags always point
 * into what the caller stored even when a surrogate-pair emoji became one space or 乾淨 became 干净.
 */
export interface NormalizedText {
  text: string;
  origStart: number[];
  origEnd: number[];
  originalLength: number;
  /**
   * Positions of normalized spaces that stand for an emoji or kaomoji run or an ideographic space: a
   * clause boundary (`splitClauses`), unlike one plain space between Chinese words, which social posts
   * use as a word break (网银 登录 一直 报错).
   */
  breaks: ReadonlySet<number>;
}

const twToCn = OpenCC.Converter({ from: 'tw', to: 'cn' });
const hkToCn = OpenCC.Converter({ from: 'hk', to: 'cn' });

// Pictographs, dingbats, variation selectors, skin tones, keycaps, regional indicators and the tag
// characters of subdivision flags (🏴 + U+E0067… + U+E007F): all decoration for our purposes, but they often
// end a phrase in social posts, so a run becomes one space.
const EMOJI_RE = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u{FE0E}\u{FE0F}\u{20E3}\u{E0020}-\u{E007F}]/u;
// Kaomoji are emoji typed with punctuation (^_^, T_T, >_<, QAQ, (╥﹏╥)): left as text, their ^ _ > stuck to a
// word (很快^_^) kept the word from ending its clause. None may touch a letter, digit, _ or -, so an ID that happens
// to hold one (vx: orz_2024, abc-_-def) stays whole for PII detection, which reads this normalized copy.
const KAOMOJI_RE =
  /(?<![A-Za-z0-9_-])(?:[oO]?[(（][╥TＴ;；>＞⊙≧＾][﹏_＿.ω▽oO][╥TＴ;；<＜⊙≦＾][)）][oO]?|\^[_＿.oω▽-]?\^|[TＴ][_＿^][TＴ]|QAQ|QwQ|qwq|orz|OTZ|[>＞][_＿.][<＜]|[-=][_＿][-=])(?![A-Za-z0-9_-])/g;
// Invisible format characters vanish: zero-width space/joiners (a ZWJ inside an emoji sequence sits in a
// run that becomes a space anyway), soft hyphen, BOM and the bidi marks and embeddings pasted from
// right-to-left interfaces, which would otherwise split 网\u200e络 into two words.
const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0x061c, 0xfeff, 0x00ad]);

function toHalfWidth(cp: number): number {
  if (cp >= 0xff01 && cp <= 0xff5e) return cp - 0xfee0;
  if (cp === 0x3000) return 0x20;
  return cp;
}

/**
 * Simplify per character when a phrase-level conversion would change the length (keeps the map 1:1). A 么 the text
 * already has stays: the Taiwan table reads a bare 么 as its variant of 幺, so the question particle (吃了么, 来了么)
 * and the name 饿了么 became 饿了幺 and lost their word; traditional text writes the particle 麼, which still converts.
 * A 么 beside a digit read out (手机么三八…) is that digit and still becomes 幺.
 */
function simplify(s: string): string {
  const whole = hkToCn(twToCn(s));
  if (whole.length === s.length) return keepYao(s, whole);
  let out = '';
  for (const ch of s) {
    const c = hkToCn(twToCn(ch));
    out += c.length === ch.length ? c : ch;
  }
  return keepYao(s, out);
}

/** A digit read out (一三八, 洞幺): a 么 beside one is the digit 幺 typed loosely (手机么三八…), which PII detection reads. */
const SPOKEN_DIGIT = /[0-9零〇洞幺一二两三四五六七八九拐勾]/;

function keepYao(from: string, to: string): string {
  if (!from.includes('么') || from.length !== to.length) return to;
  let out = '';
  for (let k = 0; k < to.length; k++) out += from[k] === '么' && !SPOKEN_DIGIT.test(from[k - 1] ?? '') && !SPOKEN_DIGIT.test(from[k + 1] ?? '') ? '么' : to[k];
  return out;
}

/**
 * Cantonese negators written as Mandarin ones, one character for one so the offset map stays 1:1: 唔 → 不
 * (唔抵 → 不抵, 唔好用 → 不好用, 唔係 → 不是), 冇 → 没 (冇信号 → 没信号), and the perfective 咗 → 了 (等咗 → 等了,
 * 坏咗 → 坏了), so negation, the lexicon and the patterns read Cantonese as they read Mandarin. 唔该 (thanks, please)
 * stays, and so does a 唔 that is not followed by a Chinese character (唔，好吧: a Mandarin interjection). Cantonese degree words (咁, 好鬼) and
 * 真係 (normalized 真系) are entries of lexicons/degree.tsv; evaluation words of their own (抵, 求其) of the
 * sentiment lexicon. See lexicons/README.md.
 */
function cantonese(s: string): string {
  if (!/[唔冇咗]/.test(s)) return s;
  return s
    .replace(/唔(?=[\u4e00-\u9fff])(?!该)/g, '不')
    .replace(/不系/g, (m, at: number) => (s[at] === '唔' ? '不是' : m))
    .replace(/冇/g, '没')
    .replace(/咗/g, '了');
}

export function normalizeText(input: string): NormalizedText {
  const chars: string[] = [];
  const origStart: number[] = [];
  const origEnd: number[] = [];
  const breaks = new Set<number>();
  let pendingSpace: { start: number; end: number; newline: boolean; hard: boolean } | null = null;
  // original [start, end) ranges of kaomoji, read as emoji below
  const kaomoji = new Map<number, number>();
  for (const m of input.matchAll(KAOMOJI_RE)) kaomoji.set(m.index, m.index + m[0].length);

  const flushSpace = () => {
    if (!pendingSpace) return;
    // Leading whitespace is dropped; a run that contained a line break stays a line break because
    // transcripts and multi-line posts use it as a sentence boundary.
    if (chars.length > 0) {
      const ch = pendingSpace.newline ? '\n' : ' ';
      if (pendingSpace.hard && !pendingSpace.newline) breaks.add(chars.length);
      chars.push(ch);
      origStart.push(pendingSpace.start);
      origEnd.push(pendingSpace.end);
    }
    pendingSpace = null;
  };

  let i = 0;
  while (i < input.length) {
    const face = kaomoji.get(i);
    if (face !== undefined) {
      if (pendingSpace) {
        pendingSpace.end = face;
        pendingSpace.hard = true;
      } else pendingSpace = { start: i, end: face, newline: false, hard: true };
      i = face;
      continue;
    }
    const cp = input.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const start = i;
    const end = i + width;
    i = end;
    if (ZERO_WIDTH.has(cp)) continue;
    const ch = String.fromCodePoint(cp);
    const half = toHalfWidth(cp);
    const isSpace = /\s/u.test(ch) || half === 0x20;
    // CJK and ASCII letters/digits are never pictographs; skipping the Unicode-property regex for them
    // keeps long posts cheap
    const plain = (cp >= 0x3000 && cp <= 0x9fff) || (cp >= 0x30 && cp <= 0x7a) || cp >= 0xff01 && cp <= 0xff5e;
    const isEmoji = !isSpace && !plain && EMOJI_RE.test(ch) && !/[0-9#*]/.test(ch);
    if (isSpace || isEmoji) {
      // an emoji or an ideographic space (a full character wide: how full-width input separates phrases) ends a
      // clause; a plain space may be a word break
      const hard = isEmoji || cp === 0x3000;
      if (pendingSpace) {
        pendingSpace.end = end;
        pendingSpace.newline ||= ch === '\n' || ch === '\r';
        pendingSpace.hard ||= hard;
      } else {
        pendingSpace = { start, end, newline: ch === '\n' || ch === '\r', hard };
      }
      continue;
    }
    flushSpace();
    const out = String.fromCodePoint(half);
    // Astral characters that are not emoji (rare CJK extension B) keep both units mapped to the pair.
    for (let k = 0; k < out.length; k++) {
      chars.push(out[k]!);
      origStart.push(start);
      origEnd.push(end);
    }
  }
  // trailing whitespace is dropped (pendingSpace never flushed)
  const text = cantonese(simplify(chars.join('')));
  return { text, origStart, origEnd, originalLength: input.length, breaks };
}

/** Map a normalized half-open span back to the original text. */
export function toOriginal(n: NormalizedText, start: number, end: number): Span {
  if (n.text.length === 0) return { start: 0, end: 0 };
  const s = Math.max(0, Math.min(start, n.text.length - 1));
  const e = Math.max(s + 1, Math.min(end, n.text.length));
  if (end <= start) {
    const at = n.origStart[s]!;
    return { start: at, end: at };
  }
  return { start: n.origStart[s]!, end: n.origEnd[e - 1]! };
}
