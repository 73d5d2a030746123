import { describe, expect, it } from 'vitest';
import { luhnValid, maskPiiJson } from '../../src/nlp/pii.js';

const CARD = [...'0123456789'].map((d) => '622848001234567' + d).find(luhnValid)!;

// QA audit: a phone number sent as a JSON number in metadata ({"num":13812345678}) was kept, because
// only strings were masked. maskPiiJson masks strings as before and numbers shaped like a phone, an ID
// or a card (they become the masked string); other numbers stay numbers.
describe('maskPiiJson', () => {
  const meta = {
    num: 13812345678,
    card: Number(CARD),
    // a 16-digit order number is no card without Luhn (numbers carry no label to go by)
    bigOrder: 2024061140544055,
    oldId: 110101900307451,
    orderNo: 42,
    order: 202611280001,
    score: 9.5,
    nested: { phones: [13700001111, '13987654321'], note: '邮箱a@b.cn' },
    ok: true,
    none: null,
  };
  it('mask: phone-, ID- and card-shaped numbers become masked strings', () => {
    expect(maskPiiJson(meta, 'mask')).toEqual({
      num: '138****5678',
      card: `${CARD.slice(0, 6)}******${CARD.slice(-4)}`,
      bigOrder: 2024061140544055,
      oldId: '110101******451',
      orderNo: 42,
      order: 202611280001,
      score: 9.5,
      nested: { phones: ['137****1111', '139****4321'], note: '邮箱*@b.cn' },
      ok: true,
      none: null,
    });
  });
  it('hash: tokens, the same as for the number written as a string', () => {
    const out = maskPiiJson({ a: 13812345678, b: '13812345678' }, 'hash', { hashSecret: 's' }) as Record<string, string>;
    expect(out.a).toMatch(/^\[phone:[0-9a-f]{16}\]$/);
    expect(out.a).toBe(out.b);
  });
  it('keep: unchanged', () => {
    expect(maskPiiJson(meta, 'keep')).toEqual(meta);
  });
  it('idempotent', () => {
    const once = maskPiiJson(meta, 'mask');
    expect(maskPiiJson(once, 'mask')).toEqual(once);
  });
});
