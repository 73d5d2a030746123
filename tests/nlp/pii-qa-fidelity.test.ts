import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/nlp/normalize.js';
import { detectPii, maskPii, maskPiiJson, maskPiiKey } from '../../src/nlp/pii.js';

// QA audit 2026-11-29 (text fidelity and privacy), findings F1, F2, F3, F6 (token length) and F9 (keys).
const mask = (t: string) => maskPii(t, 'mask').text;
const hash = (t: string, secret = 's') => maskPii(t, 'hash', { hashSecret: secret }).text;

describe('F1: 0086 prefixes and numbers glued to Latin letters', () => {
  const masked: [string, string][] = [
    ['电话0086 13912345678打不通', '电话0086 139****5678打不通'],
    ['电话0086-138-1234-5678', '电话0086-138-****-5678'],
    ['电话008613812345678', '电话0086138****5678'],
    ['Tel13812345678', 'Tel138****5678'],
    ['TEL13812345678也不行', 'TEL138****5678也不行'],
    ['vx13812345678', 'vx138****5678'],
    ['wx13812345678', 'wx138****5678'],
    ['加v13812345678', '加v138****5678'],
    ['phone13812345678', 'phone138****5678'],
    ['ID110105198803124517', 'ID110105********4517'],
    ['QQ12345678', 'QQ1*******'],
    // a letter typed after a number its label calls a phone is a slip, not the rest of a code
    ['手机号码是13812345678a', '手机号码是138****5678a'],
  ];
  for (const [text, want] of masked) it(`masks ${text}`, () => expect(mask(text)).toBe(want));

  it('the audit repro: no number survives', () => {
    const text = '电话0086 13912345678打不通，Tel13912345670也不行，vx13712340000，ID110105198803124517，客服态度太差';
    const out = mask(text);
    for (const n of ['13912345678', '13912345670', '13712340000', '110105198803124517']) expect(out).not.toContain(n);
  });

  // Letters glued to a number still make a code unless they are a whole contact word: order, tracking
  // and invoice numbers, model and SKU codes, and words that merely end like a label (hotel, UUID).
  const kept = [
    'DD13812345678',
    '订单号DD13812345678a',
    'SF1234567890123',
    '运单号SF1234567890123',
    '发票号码FP13812345678',
    '型号ABC13812345678',
    'sku13812345678',
    'hotel13812345678',
    'iPhone13812345678',
    'UUID110105198803124517',
    '订单ID13812345678',
    '会员ID13812345678',
    '工号A13812345678',
    '13812345678abc',
    '12013812345678',
    '版本V13.8.1234',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(mask(text)).toBe(text));

  it('hash: 0086, +86 and the plain number are one value', () => {
    const plain = hash('13812345678');
    expect(hash('0086 13812345678')).toBe(plain);
    expect(hash('008613812345678')).toBe(plain);
    expect(hash('+86 138 1234 5678')).toBe(plain);
  });
});

describe('F2: numbers split by invisible characters or Unicode spaces', () => {
  const cases: [string, string][] = [
    ['手机138\u00a01234\u00a05678', '手机138\u00a0****\u00a05678'],
    ['手机138\u20091234\u20095678', '手机138\u2009****\u20095678'],
    ['手机138\t1234\t5678', '手机138\t****\t5678'],
    ['手机138\u200b1234\u200b5678', '手机138\u200b****\u200b5678'],
    ['手机1381234\u00ad5678', '手机138****\u00ad5678'],
    ['手机\u200e13812345678\u200e', '手机\u200e138****5678\u200e'],
    ['手机138\u20131234\u20135678', '手机138\u2013****\u20135678'],
    ['身份证1101051988\u200b03124517', '身份证110105****\u200b****4517'],
    ['邮箱zhang\u200bsan@163.com', '邮箱z********@163.com'],
    ['卡号6222\u00a00212\u00a03456\u00a07890\u00a0128', '卡号6222\u00a002**\u00a0****\u00a0***0\u00a0128'],
  ];
  for (const [text, want] of cases) {
    it(`masks ${JSON.stringify(text)}`, () => {
      const out = mask(text);
      expect(out).toBe(want);
      expect(mask(out)).toBe(out);
    });
  }

  it('normalizedText of the masked text holds no full number', () => {
    const text = '手机138\u00a01234\u00a05679，身份证1101051988\u200b03124517，邮箱zhang\u200bsan@163.com，网速太慢了';
    const normalized = normalizeText(mask(text)).text;
    for (const n of ['13812345679', '110105198803124517', 'zhangsan', '1234']) expect(normalized).not.toContain(n);
    // under hash the whole value is replaced, separators included
    expect(hash(text).replace(/\[[a-z_]+:[0-9a-f]+\]/g, '')).not.toMatch(/\d|zhang/);
  });

  it('spans point into the original text', () => {
    const text = '手机\u00a0138\u200b1234\u200b5678，好';
    const [e] = detectPii(text);
    expect(text.slice(e!.start, e!.end)).toBe('138\u200b1234\u200b5678');
  });
});

describe('F3: traditional script', () => {
  const cases: [string, string][] = [
    ['身份證號110105198803124510', '身份證號110105********4510'],
    ['卡號6222021234567890123', '卡號622202*********0123'],
    ['帳號6222021234567890123', '帳號622202*********0123'],
    ['電話075526543210', '電話0755****3210'],
    ['聯繫人：王小明', '聯繫人：王**'],
    ['收貨人張小明', '收貨人張**'],
    ['我叫張小明', '我叫張**'],
    ['姓名：陳大文', '姓名：陳**'],
    ['本人歐陽娜娜', '本人歐陽**'],
    ['微信號zhangsan_1988', '微信號z************'],
    ['地址：台北市大安區忠孝東路４段２號５樓之３', '地址：台北市大安區忠孝東路４段*號*樓之*'],
  ];
  for (const [text, want] of cases) it(`masks ${text}`, () => expect(mask(text)).toBe(want));

  it('a traditional business label still vetoes (訂單號 is an order number)', () => {
    expect(mask('訂單號13812345678')).toBe('訂單號13812345678');
  });

  it('hash: a name gets one token in either script', () => {
    expect(hash('我叫張小明')).toBe(hash('我叫张小明'));
  });
});

describe('F6: hash tokens', () => {
  it('are 64 bits and keyed', () => {
    expect(hash('电话13812345678', 'one')).toMatch(/^电话\[phone:[0-9a-f]{16}\]$/);
    expect(hash('电话13812345678', 'one')).not.toBe(hash('电话13812345678', 'two'));
  });

  it('tokens of the old 8-hex length and all-digit 16-hex tokens are recognised as masked', () => {
    for (const text of ['电话[phone:c5c5bb04]', '身份证[id_card:6222021234567890]', '卡号[bank_card:4111111111111111]', '[qq:12345678]']) {
      expect(hash(text)).toBe(text);
      expect(mask(text)).toBe(text);
      expect(detectPii(text)).toEqual([]);
    }
  });
});

describe('F9: metadata keys', () => {
  it('mask: a key holding a phone, an ID or a name is masked like a value', () => {
    expect(maskPiiJson({ '13812345678': 'x', phone13812345678: 1, user_13812345678: 2, app: 'y', v2: 3, 联系人王小明: { '110105198803124517': true } }, 'mask')).toEqual({
      '138****5678': 'x',
      'phone138****5678': 1,
      'user_138****5678': 2,
      app: 'y',
      v2: 3,
      '联系人王**': { '110105********4517': true },
    });
  });

  it('two keys that mask alike both stay, whatever order they were sent in', () => {
    const a = maskPiiJson({ '13812345678': 'a', '13899995678': 'b' }, 'mask');
    const b = maskPiiJson({ '13899995678': 'b', '13812345678': 'a' }, 'mask');
    expect(a).toEqual({ '138****5678': 'a', '138****5678~2': 'b' });
    expect(b).toEqual(a);
    expect(maskPiiJson(a, 'mask')).toEqual(a);
  });

  it('hash: a key becomes its token; keep leaves keys alone', () => {
    const out = maskPiiJson({ '13812345678': 'x' }, 'hash', { hashSecret: 's' }) as Record<string, string>;
    expect(Object.keys(out)).toEqual([hash('13812345678')]);
    expect(maskPiiJson({ '13812345678': 'x' }, 'keep')).toEqual({ '13812345678': 'x' });
    expect(maskPiiKey('orderNo', 'mask')).toBe('orderNo');
  });
});
