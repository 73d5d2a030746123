import { expect } from 'vitest';
import { detectPii, maskPii } from '../../src/nlp/pii.js';

/** What is found, as `type:matched text`. */
export const found = (text: string) => detectPii(text).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);
export const mask = (text: string) => maskPii(text, 'mask').text;
export const hash = (text: string) => maskPii(text, 'hash', { hashSecret: 's' }).text;

/** `text` masks to `want` in place, and masking or hashing a result again changes nothing. */
export function masks(text: string, want: string): void {
  const out = mask(text);
  expect(out).toBe(want);
  expect(out).toHaveLength(text.length);
  expect(mask(out)).toBe(out);
  const hashed = hash(text);
  expect(hash(hashed)).toBe(hashed);
}
