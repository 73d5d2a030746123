// Mirrors training/common.py (normalize, chars, truncate_ids, CharTokenizer.encode) exactly;
// tests/model/tokenizer-parity.test.ts checks it against Python output on >1,000 strings.

export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const SEP_ID = 3;

// Explicit set instead of \s: Python's and JavaScript's \s disagree on a few code points.
const WS = /[\t\n\v\f\r\x1c-\x1f \u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+/g;

/** NFKC folds full-width forms to ASCII; ASCII-only lower-casing keeps parity independent of Unicode versions. */
export function normalizeForModel(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(WS, ' ')
    .replace(/^ | $/g, '');
}

/** Code points of the normalised text (a surrogate pair is one character, as in Python). */
export function modelChars(text: string): string[] {
  return Array.from(normalizeForModel(text));
}

/** Keep head and tail: reviews often put the verdict at the end. */
export function truncateIds(ids: number[], maxChars: number): number[] {
  if (ids.length <= maxChars) return ids;
  const head = Math.floor(maxChars / 2);
  return ids.slice(0, head).concat(ids.slice(ids.length - (maxChars - head)));
}

export class CharTokenizer {
  private readonly index: Map<string, number>;

  constructor(vocab: Record<string, number>) {
    this.index = new Map(Object.entries(vocab));
  }

  get size(): number {
    return this.index.size;
  }

  encode(text: string, maxLen: number): number[] {
    return this.encodeChars(modelChars(text), maxLen);
  }

  /** `encode` for text already split by `modelChars` (the classifier shares one split with its n-gram models). */
  encodeChars(chars: readonly string[], maxLen: number): number[] {
    const ids = chars.map((c) => this.index.get(c) ?? UNK_ID);
    return [CLS_ID, ...truncateIds(ids, maxLen - 2), SEP_ID];
  }
}
