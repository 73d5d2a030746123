import { describe, expect, it } from 'vitest';
import { found, masks } from '../helpers/pii.js';

// PII audit 2026-11-30: customers name the card by its bank's short name (工行卡, 建行卡, 招行卡…), which was no card
// label, so a card number with one digit mistyped (failing Luhn) stayed whole after it, while after 银行卡 or 我的卡
// it was masked. Our own texts; the numbers fail Luhn on purpose.

describe('a card number after a bank short name + 卡', () => {
  const cases: [string, string, string][] = [
    ['我的工行卡6222 0202 0011 2233 445没收到退款', 'bank_card:6222 0202 0011 2233 445', '我的工行卡6222 02** **** ***3 445没收到退款'],
    ['招行卡6214830123456789退款没到', 'bank_card:6214830123456789', '招行卡621483******6789退款没到'],
    ['建行卡号：6217000012345678901', 'bank_card:6217000012345678901', '建行卡号：621700*********8901'],
    ['农行卡是 6228 4800 1234 5678', 'bank_card:6228 4800 1234 5678', '农行卡是 6228 48** **** 5678'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }
  it('not a card: an order number after a bank word, a short number', () => {
    expect(found('工行卡的订单号6214830123456789')).toEqual([]);
    expect(found('招行卡积分12345')).toEqual([]);
  });
});
