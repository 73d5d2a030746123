import { describe, expect, it } from 'vitest';
import { detectPii, idCardValid, maskPii } from '../../src/nlp/pii.js';

const found = (text: string) => detectPii(text).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);

// QA audit, defect 3: first-generation 15-digit ID numbers (6 region digits, YYMMDD, 3 sequence
// digits, no check digit) were kept in full.
describe('15-digit ID numbers', () => {
  it('the audit input is found and masked 6+3 (the whole birth date hidden)', () => {
    expect(found('身份证110101900307451')).toEqual(['id_card:110101900307451']);
    expect(found('老身份证号是110101900307451，一直用这个')).toEqual(['id_card:110101900307451']);
    // valid structure is enough, as for 18-digit numbers: no label needed
    expect(found('110101900307451')).toEqual(['id_card:110101900307451']);
    expect(maskPii('身份证110101900307451', 'mask').text).toBe('身份证110101******451');
  });
  it('hash gives a token', () => {
    expect(maskPii('身份证110101900307451', 'hash', { hashSecret: 's' }).text).toMatch(/^身份证\[id_card:[0-9a-f]{16}\]$/);
  });
  const notIds = [
    '订单号202611280001',
    // 15-digit runs without a valid structure
    '编号202611280001234', // no province 20
    '123456789012345',
    '110101901307451', // month 13
    '110101900230451', // February 30th
    '110000900307451', // no city/county in the region code
    // a valid structure behind a business label
    '订单号110101900307451',
    '运单号110101900307451',
    '合同编号110101900307451',
    '金额110101900307451元',
  ];
  for (const text of notIds) {
    it(`not an ID: ${text}`, () => {
      expect(found(text)).toEqual([]);
    });
  }
});

// QA audit, defect 4: an 18-character ID with a wrong check digit was kept in full although 17 of its
// characters are the real ones (a typo in the last digit, or one made up for the audit).
describe('18-character IDs with a wrong check digit after an ID label', () => {
  const BAD = '11010119900307451X';
  it('the audit input fails the checksum but is masked after an ID label', () => {
    expect(idCardValid(BAD)).toBe(false);
    expect(found(`身份证${BAD}`)).toEqual([`id_card:${BAD}`]);
    expect(found(`证件号：${BAD}，请核对`)).toEqual([`id_card:${BAD}`]);
    expect(found(`我的身份证号码是${BAD}`)).toEqual([`id_card:${BAD}`]);
    expect(maskPii(`身份证${BAD}`, 'mask').text).toBe('身份证110101********451X');
  });
  it('without a label a failed checksum is still not an ID', () => {
    expect(found(BAD)).toEqual([]);
    expect(found(`编号${BAD}`)).toEqual([]);
    expect(found(`合同编号${BAD}`)).toEqual([]);
  });
  it('an ID label does not make any 18 characters an ID: region and birth date must be valid', () => {
    expect(found('身份证99010119900307451X')).toEqual([]); // no such province
    expect(found('身份证11010119901307451X')).toEqual([]); // month 13
    expect(found('身份证110101203003074510')).toEqual([]); // born in the future
  });
  it('masking is idempotent', () => {
    for (const s of [`身份证${BAD}`, '身份证110101900307451']) {
      const once = maskPii(s, 'mask').text;
      expect(maskPii(once, 'mask').text).toBe(once);
    }
  });
});
