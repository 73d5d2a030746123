import { describe, expect, it } from 'vitest';
import { detectPii, maskPii } from '../../src/nlp/pii.js';

const found = (text: string) => detectPii(text).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);

// QA audit: WeChat and QQ ids were stored readable.
describe('WeChat and QQ ids', () => {
  const cases: [string, string[], string][] = [
    ['加我wxid_abc123聊', ['wechat:wxid_abc123'], '加我wxid_******聊'],
    ['微信号：zhangsan_88', ['wechat:zhangsan_88'], '微信号：z**********'],
    ['我的微信是 Li-Na2020，加一下', ['wechat:Li-Na2020'], '我的微信是 L********，加一下'],
    ['vx：abc12345', ['wechat:abc12345'], 'vx：a*******'],
    ['QQ：123456789', ['qq:123456789'], 'QQ：1********'],
    ['qq号是 12345，联系我', ['qq:12345'], 'qq号是 1****，联系我'],
    ['扣扣987654321', ['qq:987654321'], '扣扣9********'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual(want);
      expect(maskPii(text, 'mask').text).toBe(masked);
      expect(maskPii(masked, 'mask').text).toBe(masked);
      const hashed = maskPii(text, 'hash', { hashSecret: 's' }).text;
      expect(hashed).toMatch(/\[(wechat|qq):[0-9a-f]{16}\]/);
      expect(maskPii(hashed, 'hash', { hashSecret: 's' }).text).toBe(hashed);
    });
  }
  it('a phone number given as a WeChat or QQ id is a phone', () => {
    expect(found('微信13812345678')).toEqual(['phone:13812345678']);
    expect(found('QQ：13812345678')).toEqual(['phone:13812345678']);
  });
  const not = [
    '微信支付老是失败',
    '微信app闪退',
    '微信版本8.0.49，打不开',
    '微信version8.0.1更新后打不开',
    'QQ音乐会员123元',
    'QQ群123456789里有人说',
    '用微信付了128元',
    'QQ：1********',
  ];
  for (const text of not) {
    it(`not an id: ${text}`, () => {
      expect(found(text)).toEqual([]);
    });
  }
});
