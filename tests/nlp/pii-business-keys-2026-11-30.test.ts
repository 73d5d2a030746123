import { describe, expect, it } from 'vitest';
import { found, masks } from '../helpers/pii.js';
import { luhnValid } from '../../src/nlp/pii.js';

// PII audit 2026-11-30: numbers that pass Luhn by chance after a word that names them as a product's or a
// business's key, masked as bank cards. A Chinese barcode (EAN-13, 690-699) and an airline ticket number
// (13 digits, the airline's code first: 999 Air China, 324 Shandong, 479 Shenzhen) start with a card's digit,
// and one in ten passes Luhn; so do a bank's reference and voucher numbers and a merchant's or a POS
// terminal's number on a slip. Masked, the barcode of the spoiled milk or the ticket of the cancelled flight
// is gone from the complaint, and none of them is a person's data. Our own texts.

describe('business keys that pass Luhn are kept after their label', () => {
  const kept = [
    '条形码6901234567892的酸奶涨袋了，还没过期',
    '商品条码 6901234567892 扫不出来',
    '条码是6901234567892，批次看不清',
    '机票票号9992384715024，航班取消了退票一直不到账',
    '电子客票号 3241650938217 值机时说无效',
    '票号：999-2384715024',
    '退款参考号622848012345674，银行说没收到',
    '交易凭证号6217001234567893，麻烦查一下',
    '银行回执号6217001234567893',
    '商户号6217001234567893扣了两次款',
    'POS终端号6217001234567893，小票上写的',
  ];
  it('the numbers do pass Luhn', () => {
    for (const n of ['6901234567892', '9992384715024', '3241650938217', '622848012345674', '6217001234567893']) expect(luhnValid(n)).toBe(true);
  });
  for (const text of kept) {
    it(text, () => {
      expect(found(text)).toEqual([]);
    });
  }
});

describe('a personal number in the same clause is still masked', () => {
  const cases: [string, string, string][] = [
    ['条码6901234567892的奶有问题，我的卡号6217001234567893', 'bank_card:6217001234567893', '条码6901234567892的奶有问题，我的卡号621700******7893'],
    ['票号9992384715024 手机13812345678', 'phone:13812345678', '票号9992384715024 手机138****5678'],
    ['商户号后面是我的银行卡6217001234567893', 'bank_card:6217001234567893', '商户号后面是我的银行卡621700******7893'],
    ['我的电话13812345678，回执号发我', 'phone:13812345678', '我的电话138****5678，回执号发我'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }
});
