import { describe, expect, it } from 'vitest';
import { detectPii, maskPii } from '../../src/nlp/pii.js';

// QA audit: an address with a one-character local part (a@b.cn) was stored unchanged, because the
// mask keeps the first character of the local part and the domain, which left nothing to mask.
describe('e-mail with a one-character local part', () => {
  it('is masked: the local part becomes *', () => {
    expect(maskPii('邮箱a@b.cn，谢谢', 'mask').text).toBe('邮箱*@b.cn，谢谢');
    expect(maskPii('a@b.cn', 'mask').text).toBe('*@b.cn');
    expect(maskPii('邮箱：Ｘ＠qq.com', 'mask').text).toBe('邮箱：*＠qq.com');
  });
  it('longer local parts keep their first character as before', () => {
    expect(maskPii('ab@b.cn', 'mask').text).toBe('a*@b.cn');
    expect(maskPii('chenxi2020@foxmail.com', 'mask').text).toBe('c*********@foxmail.com');
  });
  it('masking is idempotent', () => {
    for (const s of ['邮箱a@b.cn', 'ab@b.cn', 'chenxi2020@foxmail.com']) {
      const once = maskPii(s, 'mask').text;
      expect(maskPii(once, 'mask').text).toBe(once);
      expect(detectPii(once)).toEqual([]);
    }
  });
});
