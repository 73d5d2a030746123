import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/nlp/normalize.js';
import { detectPii, luhnValid, maskPii, maskPiiJson } from '../../src/nlp/pii.js';

// Numbers read out digit by digit: call transcripts from speech recognition and casual typing write
// personal numbers in Chinese numerals (幺三八…), financial capitals (壹叁捌…), mixed with Arabic digits
// (138一二三四5678) or as single digits separated by spaces (1 3 8 1 2 3 4 5 6 7 8). They are found by the
// same structure checks and labels as numbers written in digits, masked in place showing the same positions,
// and hashed to the token of the same number in digits.

const mask = (t: string) => maskPii(t, 'mask').text;
const hash = (t: string) => maskPii(t, 'hash', { hashSecret: 's' }).text;
const found = (t: string) => detectPii(t).map((e) => `${e.type}:${t.slice(e.start, e.end)}`);

/** Digits as read out in Chinese numerals (lowercase or financial capitals). */
const SMALL = '〇一二三四五六七八九';
const CAPITAL = '零壹贰叁肆伍陆柒捌玖';
const spell = (digits: string, numerals = SMALL) => digits.replace(/\d/g, (d) => numerals[Number(d)]!);
const spaced = (digits: string) => [...digits].join(' ');

function withCheck(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return first17 + '10X98765432'[sum % 11];
}
const ID = withCheck('11010519880312451'); // 110105198803124517
const ID_X = [...Array(100).keys()].map((n) => withCheck(`110105198803124${String(n).padStart(2, '0')}`)).find((id) => id.endsWith('X'))!;
const BAD_ID = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0');
const CARD = [...'0123456789'].map((d) => '622848001234567' + d).find(luhnValid)!;
const BAD_CARD = CARD.slice(0, -1) + String((Number(CARD.slice(-1)) + 1) % 10);

describe('mobile numbers read out digit by digit', () => {
  const cases: [string, string][] = [
    ['我手机号是幺三八一二三四五六七八', '我手机号是幺三八****五六七八'],
    ['电话一三八 一二三四 五六七八', '电话一三八 **** 五六七八'],
    ['电话一三八-一二三四-五六七八', '电话一三八-****-五六七八'],
    ['138一二三四5678', '138****5678'],
    ['一三八12345678打不通', '一三八****5678打不通'],
    ['手机 壹叁捌壹贰叁肆伍陆柒捌', '手机 壹叁捌****伍陆柒捌'],
    // traditional capitals (貳 參 陸) read like simplified ones
    ['手機 壹參捌壹貳參肆伍陸柒捌', '手機 壹參捌****伍陸柒捌'],
    ['打一三八〇〇一二三四五六', '打一三八****三四五六'],
    ['号码是一三八零零一二三四五六', '号码是一三八****三四五六'],
    // 两 inside a run is a digit (一三两 = 132)
    ['电话一三两一二三四五六七八', '电话一三两****五六七八'],
    // as speech recognition writes single digits
    ['客户：号码是 1 3 8 1 2 3 4 5 6 7 8 谢谢', '客户：号码是 1 3 8 * * * * 5 6 7 8 谢谢'],
    ['一 三 八 一 二 三 四 五 六 七 八', '一 三 八 * * * * 五 六 七 八'],
    ['打+86 一三八一二三四五六七八', '打+86 一三八****五六七八'],
    // 么 typed for 幺 (the script conversion reads it so outside words like 什么)
    ['手机么三八一二三四五六七八', '手机么三八****五六七八'],
    ['怎么一三八一二三四五六七八', '怎么一三八****五六七八'],
    ['Tel一三八一二三四五六七八', 'Tel一三八****五六七八'],
    ['手机一三八\u200b一二三四\u200b五六七八', '手机一三八\u200b****\u200b五六七八'],
  ];
  for (const [text, want] of cases) {
    it(`masks ${JSON.stringify(text)}`, () => {
      const out = mask(text);
      expect(out).toBe(want);
      expect(out).toHaveLength(text.length);
      expect(mask(out)).toBe(out);
      expect(detectPii(text).map((e) => e.type)).toEqual(['phone']);
    });
  }

  it('a whole transcript turn: the span is the number as written', () => {
    expect(found('客户：嗯我手机号是幺三八一二三四五六七八，你们打这个就行')).toEqual(['phone:幺三八一二三四五六七八']);
    expect(found('电话一三八 一二三四 五六七八 白天打')).toEqual(['phone:一三八 一二三四 五六七八']);
    expect(found('号码 1 3 8 1 2 3 4 5 6 7 8。')).toEqual(['phone:1 3 8 1 2 3 4 5 6 7 8']);
  });
});

describe('ID numbers and bank cards read out digit by digit', () => {
  const cases: [string, string][] = [
    [`身份证${spell(ID)}`, `身份证${spell(ID.slice(0, 6))}********${spell(ID.slice(-4))}`],
    // no label: region, birth date and check digit decide, as for digits
    [`我的是${spell(ID)}`, `我的是${spell(ID.slice(0, 6))}********${spell(ID.slice(-4))}`],
    [`证件号${spell(ID, CAPITAL)}`, `证件号${spell(ID.slice(0, 6), CAPITAL)}********${spell(ID.slice(-4), CAPITAL)}`],
    [`身份证${spell(ID_X)}`, `身份证${spell(ID_X.slice(0, 6))}********${spell(ID_X.slice(-4))}`],
    [`身份证 ${spaced(ID)}`, `身份证 ${spaced(ID.slice(0, 6) + '*'.repeat(8) + ID.slice(-4))}`],
    [`身份证 ${spaced(ID_X)}`, `身份证 ${spaced(ID_X.slice(0, 6) + '*'.repeat(8) + ID_X.slice(-4))}`],
    // 6-8-4 as on forms
    [
      `身份证${spell(ID.slice(0, 6))} ${spell(ID.slice(6, 14))} ${spell(ID.slice(14))}`,
      `身份证${spell(ID.slice(0, 6))} ******** ${spell(ID.slice(14))}`,
    ],
    // right after an ID label a wrong check digit is a typo, as for digits
    [`身份证${spell(BAD_ID)}`, `身份证${spell(BAD_ID.slice(0, 6))}********${spell(BAD_ID.slice(-4))}`],
    [`卡号${spell(CARD)}`, `卡号${spell(CARD.slice(0, 6))}******${spell(CARD.slice(-4))}`],
    // no label: Luhn decides
    [`退到${spell(CARD)}里`, `退到${spell(CARD.slice(0, 6))}******${spell(CARD.slice(-4))}里`],
    [`银行卡${spell(CARD, CAPITAL)}`, `银行卡${spell(CARD.slice(0, 6), CAPITAL)}******${spell(CARD.slice(-4), CAPITAL)}`],
    [
      `卡号${spell(CARD.slice(0, 4))} ${spell(CARD.slice(4, 8))} ${spell(CARD.slice(8, 12))} ${spell(CARD.slice(12))}`,
      `卡号${spell(CARD.slice(0, 4))} ${spell(CARD.slice(4, 6))}** **** ${spell(CARD.slice(12))}`,
    ],
    // after a card label any 16-19 digits are a card
    [`卡号${spell(BAD_CARD)}`, `卡号${spell(BAD_CARD.slice(0, 6))}******${spell(BAD_CARD.slice(-4))}`],
    [`卡号 ${spaced(CARD)}`, `卡号 ${spaced(CARD.slice(0, 6) + '******' + CARD.slice(-4))}`],
  ];
  for (const [text, want] of cases) {
    it(`masks ${text}`, () => {
      const out = mask(text);
      expect(out).toBe(want);
      expect(out).toHaveLength(text.length);
      expect(mask(out)).toBe(out);
    });
  }

  it('types', () => {
    expect(detectPii(`身份证${spell(ID)}，卡号${spell(CARD)}`).map((e) => e.type)).toEqual(['id_card', 'bank_card']);
  });

  it('without a label a wrong check digit or a failed Luhn is kept, as for digits', () => {
    expect(mask(`我的是${spell(BAD_ID)}`)).toBe(`我的是${spell(BAD_ID)}`);
    expect(mask(`退到${spell(BAD_CARD)}里`)).toBe(`退到${spell(BAD_CARD)}里`);
  });
});

describe('landlines and QQ numbers read out follow their digit rules', () => {
  it('masks them', () => {
    expect(mask('座机零七五五二六五四三二一零')).toBe('座机零七五五****三二一零');
    expect(mask('座机零七五五-二六五四三二一零')).toBe('座机零七五五-****三二一零');
    expect(mask('QQ号一二三四五六七八')).toBe('QQ号一*******');
  });
});

describe('hash: the token of the number, however it is written', () => {
  const groups: string[][] = [
    ['13812345678', '幺三八一二三四五六七八', '手机么三八一二三四五六七八', '一三八 一二三四 五六七八', '138一二三四5678', '壹叁捌壹贰叁肆伍陆柒捌', '壹參捌壹貳參肆伍陸柒捌', '1 3 8 1 2 3 4 5 6 7 8'],
    [`身份证${ID}`, `身份证${spell(ID)}`, `身份证${spell(ID, CAPITAL)}`, `身份证 ${spaced(ID)}`],
    [`身份证${ID_X}`, `身份证${spell(ID_X)}`, `身份证${spell(ID_X).toLowerCase().replace('X', 'x')}`],
    [`卡号${CARD}`, `卡号${spell(CARD)}`, `卡号${spell(CARD, CAPITAL)}`],
    ['座机075526543210', '座机零七五五二六五四三二一零'],
    ['QQ号12345678', 'QQ号一二三四五六七八'],
  ];
  for (const group of groups) {
    it(group[0]!, () => {
      const token = (text: string) => /\[[a-z_]+:[0-9a-f]{16}\]$/.exec(hash(text))?.[0];
      const want = token(group[0]!);
      expect(want).toBeDefined();
      for (const text of group) {
        expect(token(text)).toBe(want);
        expect(hash(hash(text))).toBe(hash(text));
      }
    });
  }
  it('a different number has a different token', () => {
    expect(hash('一三两一二三四五六七八')).toBe(hash('13212345678'));
    expect(hash('一三两一二三四五六七八')).not.toBe(hash('13812345678'));
  });
});

describe('numerals that are not a number read out digit by digit stay', () => {
  const kept = [
    '一二三四五六七八九十，数到十再开门',
    '一二三四五六七',
    '打一三八开头的号码都是骚扰',
    '二〇二六年十一月二十九日下的单',
    '二零二六年一月一日到账',
    '一共一千二百三十四元',
    '壹万贰仟叁佰肆拾伍元整',
    '壹拾贰万叁仟肆佰伍拾陆元',
    // a run touching 十百千万亿 or 点 is a quantity
    '一三八十二三四五六七八',
    '一三八一二三四五六七八十',
    '一三八一二三四五六七八点五',
    // business keys, as for digits
    '订单号一三八一二三四五六七八',
    '运单号幺三八一二三四五六七八',
    '工单号幺三八 一二三四 五六七八',
    `合同编号${spell(ID)}`,
    '会员号 1 3 8 1 2 3 4 5 6 7 8',
    'DD一三八一二三四五六七八',
    // hotlines
    '打幺零零八六没人接，九五五八八也占线，四零零八二零八八二零打不通',
    // amounts
    '共一三八一二三四五六七八元',
    // 两 at either end of a run is the word, not a digit
    '一三八一二三四五六七两',
    '两一三八一二三四五六七',
    '三三两两，七七八八',
    '幺蛾子真多，老幺说的',
    // twelve spaced digits are no mobile
    '1 3 8 1 2 3 4 5 6 7 8 9',
    // a numeral alone among Arabic digits is a word or a dash: ten digits and 一直 are no mobile
    '1000一晚，1903一1987年，35一41码',
    '手机1381234567一直打不通',
    // already masked
    '幺三八****五六七八',
    '一 三 八 * * * * 五 六 七 八',
  ];
  for (const text of kept) {
    it(text, () => {
      expect(detectPii(text)).toEqual([]);
      expect(mask(text)).toBe(text);
    });
  }

  it('an Arabic number next to a numeral word is found as before, the word stays', () => {
    expect(mask('手机13812345678一直打不通')).toBe('手机138****5678一直打不通');
    expect(mask('一 13812345678')).toBe('一 138****5678');
    expect(mask('两13812345678')).toBe('两138****5678');
  });
});

describe('normalizedText and metadata', () => {
  it('normalizedText of the masked text holds no full number in any writing', () => {
    const text = `电话幺三八一二三四五六七八，备用一三八 一二三四 五六七八；还有 1 3 9 8 7 6 5 4 3 2 1，身份证${spell(ID)}，卡号${spell(CARD, CAPITAL)}`;
    const out = mask(text);
    expect(detectPii(text).map((e) => e.type)).toEqual(['phone', 'phone', 'phone', 'id_card', 'bank_card']);
    expect(out).toHaveLength(text.length);
    // read back as digits, with every space dropped: no number comes back together
    const value: Record<string, string> = { 幺: '1', 两: '2', 零: '0' };
    [...SMALL].forEach((c, d) => (value[c] = String(d)));
    [...CAPITAL].forEach((c, d) => (value[c] = String(d)));
    const asDigits = [...normalizeText(out).text].map((c) => value[c] ?? c).join('').replace(/\s/g, '');
    for (const n of ['13812345678', '13987654321', ID, CARD]) expect(asDigits).not.toContain(n);
    expect(asDigits).toContain('138****5678');
  });

  it('spans point into the original text', () => {
    const text = '客户：我手机号是幺三八一二三四五六七八';
    const [e] = detectPii(text);
    expect(text.slice(e!.start, e!.end)).toBe('幺三八一二三四五六七八');
  });

  it('metadata strings and keys', () => {
    expect(maskPiiJson({ note: '回电幺三八一二三四五六七八', 手机一三八一二三四五六七八: 1 }, 'mask')).toEqual({
      note: '回电幺三八****五六七八',
      '手机一三八****五六七八': 1,
    });
  });
});
