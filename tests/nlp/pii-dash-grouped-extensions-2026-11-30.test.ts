import { describe, expect, it } from 'vitest';
import { found, hash, masks } from '../helpers/pii.js';

// A mobile or landline written in dash groups throughout, then a dash and a short extension (138-1234-5678-806,
// 010-8888-6666-123), stayed readable: after a number with dashes of its own, any digits after one more dash were read
// as another group of one longer number. A group of four keeps that reading (138-1234-5678-1234 and
// 0755-8261-4037-8001 are still kept, pii-mobile-extensions and pii-landline-extensions), but a group shorter than
// the number's own four-digit groups breaks the grouping: it is an extension, and the number before it is masked.

describe('a dash-grouped number with a short extension', () => {
  const cases: [string, string, string][] = [
    ['我的电话138-1234-5678-806，白天打', 'phone:138-1234-5678', '我的电话138-****-5678-806，白天打'],
    ['回拨 159-8765-4321-23', 'phone:159-8765-4321', '回拨 159-****-4321-23'],
    ['+86-138-1234-5678-806', 'phone:+86-138-1234-5678', '+86-138-****-5678-806'],
    ['座机010-8888-6666-123转人工', 'landline:010-8888-6666', '座机010-****-6666-123转人工'],
    ['公司电话 0755-8261-4037-806', 'landline:0755-8261-4037', '公司电话 0755-****-4037-806'],
    ['(021)5888-8888-12', 'landline:(021)5888-8888', '(021)****-8888-12'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }

  it('hash: the token is the number\'s, the extension stays', () => {
    expect(hash('我的电话138-1234-5678-806')).toBe(hash('我的电话138-1234-5678') + '-806');
  });

  it('a business key, or a group as long as the number\'s own, is still no phone', () => {
    expect(found('订单号138-1234-5678-806')).toEqual([]);
    expect(found('138-1234-5678-1234')).toEqual([]);
    expect(found('138-1234-5678-12345')).toEqual([]);
    expect(found('电话 0755-8261-4037-8001')).toEqual([]);
  });
});
