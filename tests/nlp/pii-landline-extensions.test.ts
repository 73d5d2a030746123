import { describe, expect, it } from 'vitest';
import { found, hash, masks } from '../helpers/pii.js';

// A landline whose number is written in two groups (021-5888 8888, (021)5888 8888, 021 5888 8888) followed by an
// extension after a dash was kept whole and readable: the extension was looked for only after a number written in
// one run (0571-87310264-8023), so the dash and digits after a grouped number made it look like part of a longer
// one. It is masked now as without the extension, and the extension stays, as for a mobile (138 1234 5678-806).

describe('a grouped landline with an extension after a dash', () => {
  const cases: [string, string, string][] = [
    ['有问题请致电 021-5888 8888-123，工作日在', 'landline:021-5888 8888', '有问题请致电 021-**** 8888-123，工作日在'],
    ['公司电话 021 5888 8888-123', 'landline:021 5888 8888', '公司电话 021 **** 8888-123'],
    ['座机(021)5888 8888-6012转人工', 'landline:(021)5888 8888', '座机(021)**** 8888-6012转人工'],
    ['国外拨 +86 755 8261 4037-8001', 'landline:+86 755 8261 4037', '国外拨 +86 755 **** 4037-8001'],
    // found before: the number in one run
    ['电话0571-87310264-8023', 'landline:0571-87310264', '电话0571-****0264-8023'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }

  it('hash: the token is the landline\'s, the extension stays', () => {
    expect(hash('电话 021-5888 8888-123')).toBe(hash('电话 021-5888 8888') + '-123');
  });

  it('a number written with dashes throughout, or digits too many for an extension, is still one longer number', () => {
    expect(found('电话 0755-8261-4037-8001')).toEqual([]);
    expect(found('电话 021-5888 8888-1234567')).toEqual([]);
  });
});
