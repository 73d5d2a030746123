import { describe, expect, it } from 'vitest';
import { detectPii, idCardValid, luhnValid, maskPii } from '../../src/nlp/pii.js';
import type { PiiType } from '../../src/nlp/types.js';

/** Build a valid 18-digit ID from its first 17 digits (MOD 11-2). */
function withCheck(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return first17 + '10X98765432'[sum % 11];
}
/** Append a Luhn check digit. */
function luhn(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(prefix + d)) return prefix + d;
  throw new Error('unreachable');
}
const ID = withCheck('11010519900307123');
const BAD_ID = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0');
const CARD = luhn('622848001234567');
const BAD_CARD = CARD.slice(0, -1) + String((Number(CARD.slice(-1)) + 1) % 10);

const found = (text: string) => detectPii(text).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);

describe('detectPii: true positives', () => {
  const cases: [string, PiiType, string][] = [
    ['我的手机13812345678', 'phone', '13812345678'],
    ['电话 138 1234 5678 找我', 'phone', '138 1234 5678'],
    ['电话138-1234-5678', 'phone', '138-1234-5678'],
    ['打+86 13812345678', 'phone', '+86 13812345678'],
    ['号码是１３８１２３４５６７８', 'phone', '１３８１２３４５６７８'],
    ['座机010-62345678转8', 'landline', '010-62345678'],
    ['座机0571-55519188', 'landline', '0571-55519188'],
    ['电话021-6123 4567转2', 'landline', '021-6123 4567'],
    ['座机(0755)61234567', 'landline', '(0755)61234567'],
    ['座机075526543210', 'landline', '075526543210'],
    ['联系电话：01062345678', 'landline', '01062345678'],
    ['固话05715551918，白天打', 'landline', '05715551918'],
    [`身份证${ID}，请核对`, 'id_card', ID],
    [`身份证 ${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`, 'id_card', `${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`],
    [`卡号${CARD}`, 'bank_card', CARD],
    [`卡号${CARD.replace(/(\d{4})(?=\d)/g, '$1 ')}`, 'bank_card', CARD.replace(/(\d{4})(?=\d)/g, '$1 ')],
    ['邮箱li.na_1@mail.ustc.edu.cn，谢谢', 'email', 'li.na_1@mail.ustc.edu.cn'],
  ];
  for (const [text, type, value] of cases) {
    it(`${type}: ${text}`, () => {
      expect(found(text)).toEqual([`${type}:${value}`]);
    });
  }

  // Found by an audit with fresh sentences: separators and unit-like characters around a phone number.
  const around: [string, string[]][] = [
    ['电话13812345678,13987654321', ['phone:13812345678', 'phone:13987654321']],
    ['电话13812345678/13987654321', ['phone:13812345678', 'phone:13987654321']],
    ['我电话是13812345678,2号楼', ['phone:13812345678']],
    ['手机号13812345678天天被骚扰', ['phone:13812345678']],
    ['电话13812345678分机302', ['phone:13812345678']],
    ['电话 (010) 62345678', ['landline:(010) 62345678']],
    ['邮箱：zhang＠qq.com，电话13812345678', ['email:zhang＠qq.com', 'phone:13812345678']],
    // a party named right before a number gives that party's phone; 会员号/快递单号 still name a key
    ['给快递13812345678打电话也不接', ['phone:13812345678']],
    ['会员13812345678', ['phone:13812345678']],
    ['会员号13812345678，快递单号13987654321', []],
  ];
  for (const [text, want] of around) {
    it(`next to other text: ${text}`, () => {
      expect(found(text)).toEqual(want);
    });
  }
});

describe('detectPii: look-alikes are not PII', () => {
  const cases = [
    '客服热线4008208820打不通，95588也占线，10086一直忙',
    '热线400-820-8820',
    '系统显示156****3803，证件号440305********0680',
    '订单号20231218444945，快递单号SF1129967276398，运单号75991053240255',
    `合同编号${ID}，批次号${ID}`,
    `工单号13812345678`,
    '金额¥13812345678.00，共1,272,084元，年利率2.49%',
    '2024-08-06 16:57:01 下单，2023/04/05 到账',
    '路由器192.168.0.201，版本V13.812.345678，固件v5.75.355',
    // without an ID label an 18-character ID must pass its check digit (after 身份证 region and
    // birth date are enough: pii-ids.test.ts)
    `请核对${BAD_ID}`,
    // without a label a card must pass Luhn (after 银行卡/卡号 any 16-19 digits are one: pii-cards.test.ts)
    `退款${BAD_CARD}`,
    '会员号10201535310，流水号11609260309',
    '这个月话费13812345678元？余额：13812345678',
    '热线800-820-8820，区号0755',
    '共1,380,000元，账单日2024/05/06，打了13812345678次',
    // one run of digits starting with 0 is a landline only when a phone label introduces it
    '账户075526543210已冻结，编号01062345678',
    '单号075526543210，座机没人接',
    '电话01012345678',
  ];
  for (const text of cases) {
    it(text, () => {
      expect(found(text)).toEqual([]);
    });
  }
  it('a courier calling a phone number is still a phone number', () => {
    expect(found('快递员打13489364390找我')).toEqual(['phone:13489364390']);
  });
});

describe('validators', () => {
  it('ID check digit and birth date', () => {
    expect(idCardValid(ID)).toBe(true);
    expect(idCardValid(BAD_ID)).toBe(false);
    expect(idCardValid(withCheck('11010519901307123'))).toBe(false); // month 13
    expect(idCardValid(withCheck('11010530000307123'))).toBe(false); // born in the future
    expect(idCardValid(withCheck('99010519900307123'))).toBe(false); // no such province
  });
  it('Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});

describe('maskPii', () => {
  const text = `手机13812345678，身份证${ID}，卡${CARD}，邮箱chenxi2020@foxmail.com，座机010-62345678。`;

  it('mask keeps the documented parts and the length', () => {
    const { text: out, entities } = maskPii(text, 'mask');
    expect(entities.map((e) => e.type)).toEqual(['phone', 'id_card', 'bank_card', 'email', 'landline']);
    expect(out).toContain('138****5678');
    expect(out).toContain(`${ID.slice(0, 6)}********${ID.slice(-4)}`);
    expect(out).toContain(`${CARD.slice(0, 6)}${'*'.repeat(CARD.length - 10)}${CARD.slice(-4)}`);
    expect(out).toContain('c*********@foxmail.com');
    expect(out).toContain('010-****5678');
    expect(out).toHaveLength(text.length);
    expect(out).not.toContain('13812345678');
  });

  it('entities refer to the original text', () => {
    const { entities } = maskPii(text, 'hash', { hashSecret: 's' });
    expect(entities.map((e) => text.slice(e.start, e.end))).toEqual(['13812345678', ID, CARD, 'chenxi2020@foxmail.com', '010-62345678']);
  });

  it('hash gives short deterministic tokens that depend on the secret', () => {
    const a = maskPii('电话13812345678', 'hash', { hashSecret: 'one' }).text;
    const b = maskPii('电话138-1234-5678', 'hash', { hashSecret: 'one' }).text;
    const c = maskPii('电话13812345678', 'hash', { hashSecret: 'two' }).text;
    expect(a).toMatch(/^电话\[phone:[0-9a-f]{16}\]$/);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('keep leaves text unchanged but still reports entities', () => {
    const r = maskPii(text, 'keep');
    expect(r.text).toBe(text);
    expect(r.entities).toHaveLength(5);
  });

  it('full-width numbers are masked in place', () => {
    expect(maskPii('号码是１３８１２３４５６７８', 'mask').text).toBe('号码是１３８****５６７８');
  });

  it('an address with a full-width ＠ keeps its length and domain', () => {
    const text = '邮箱：zhang＠qq.com，电话13812345678';
    expect(maskPii(text, 'mask').text).toBe('邮箱：z****＠qq.com，电话138****5678');
    // an unseparated landline keeps its area code (3 digits for 010/02x) and last four, like 0755-****3210
    expect(maskPii('座机075526543210', 'mask').text).toBe('座机0755****3210');
    expect(maskPii('联系电话：01062345678', 'mask').text).toBe('联系电话：010****5678');
    // the same address typed either way hashes to the same token
    expect(maskPii('zhang＠qq.com', 'hash').text).toBe(maskPii('zhang@qq.com', 'hash').text);
  });
});
