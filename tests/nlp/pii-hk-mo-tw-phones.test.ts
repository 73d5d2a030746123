import { describe, expect, it } from 'vitest';
import { found, hash, masks } from '../helpers/pii.js';
import { maskPiiTurns } from '../../src/nlp/pii.js';

// PII gap left by the 2026-11-30 audit: Hong Kong (+852), Macau (+853) and Taiwan (+886) numbers were kept in
// full. Banks and telcos serve customers who give a Hong Kong or Macau number (cross-border card holders, roaming)
// and a Taiwan one. Masked like a mainland number: a country code and a Taiwan area code stay, then the four
// digits before the last four are hidden (138****5678 hides the four before its last four too). Hong Kong and
// Macau numbers are eight digits, and so are order numbers, amounts and dates: without a country code only a
// phone word right before one makes it a phone. A Taiwan mobile grouped 09xx-xxx-xxx is distinctive; written as
// one run (0912345678) it needs the phone word too. Our own texts and numbers.

describe('Hong Kong and Macau numbers with a country code or a phone word', () => {
  const cases: [string, string, string][] = [
    ['我人在香港，手机 +852 9123 4567，白天都开机', 'phone:+852 9123 4567', '我人在香港，手机 +852 **** 4567，白天都开机'],
    ['卡是在内地办的，人在香港，回拨00852 6234 5178就行', 'phone:00852 6234 5178', '卡是在内地办的，人在香港，回拨00852 **** 5178就行'],
    ['请回拨852-91234567，谢谢', 'phone:852-91234567', '请回拨852-****4567，谢谢'],
    ['香港公司座机是(852)2345 6789，找财务', 'landline:(852)2345 6789', '香港公司座机是(852)**** 6789，找财务'],
    ['我的香港手机号是91234567，收不到验证码', 'phone:91234567', '我的香港手机号是****4567，收不到验证码'],
    ['有事WhatsApp：5123 4567', 'phone:5123 4567', '有事WhatsApp：**** 4567'],
    ['联系电话 2345 6789（香港）', 'landline:2345 6789', '联系电话 **** 6789（香港）'],
    ['澳门手机00853 6612 3456，之前一直收不到短信', 'phone:00853 6612 3456', '澳门手机00853 **** 3456，之前一直收不到短信'],
    ['澳门家里电话 2871 2345，晚上打', 'landline:2871 2345', '澳门家里电话 **** 2345，晚上打'],
    ['+853 2856 1234是我们店的电话', 'landline:+853 2856 1234', '+853 **** 1234是我们店的电话'],
    ['Tel: +852 3123 4567', 'landline:+852 3123 4567', 'Tel: +852 **** 4567'],
    // 852 and a space: a country code only after a phone word
    ['香港电话 852 9123 4567', 'phone:852 9123 4567', '香港电话 852 **** 4567'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }

  it('a call-centre transcript: the customer turn is masked, the agent turns stay', () => {
    const out = maskPiiTurns(
      [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: '我的信用卡在香港刷不了，你们打我香港手机9876 5432吧' },
        { speaker: 'agent', text: '好的，稍后会有专员致电您。' },
      ],
      'mask',
    );
    expect(out).toEqual(['您好，请问有什么可以帮您？', '我的信用卡在香港刷不了，你们打我香港手机**** 5432吧', '好的，稍后会有专员致电您。']);
  });

  it('hash: 00852, +852 and 852- are one number', () => {
    const token = (t: string) => /\[phone:[0-9a-f]{16}\]/.exec(hash(t))?.[0];
    expect(token('回拨+852 9123 4567')).toBeDefined();
    expect(token('回拨00852 91234567')).toBe(token('回拨+852 9123 4567'));
    expect(token('回拨852-9123-4567')).toBe(token('回拨+852 9123 4567'));
  });

  const kept = [
    // eight digits without a country code or a phone word: order numbers, amounts, dates, points
    '订单 91234567 一直没发货',
    '我已经还款 23456789 ，额度还没恢复',
    '积分 9123 4567 怎么突然清零了',
    '流水 5678 1234 对不上',
    '20241130 那天扣的费',
    // a business key after a phone word's label is still a business key
    '投诉工单号码 91234567',
    // a phone word with a number that is no Hong Kong or Macau number (8 and 1 start none; 4 digits)
    '电话 81234567',
    '电话 1234 5678',
    '手机尾号5678',
    // a country code with a number of the wrong shape
    '+852 1234 5678',
    // 852 and a space without a phone word: a list of numbers as often
    '库存 852 9123 4567 件',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
});

describe('Taiwan numbers', () => {
  const cases: [string, string, string][] = [
    ['台湾的朋友帮我买的，他的手机 0912-345-678', 'phone:0912-345-678', '台湾的朋友帮我买的，他的手机 09**-**5-678'],
    ['收件人电话0988 123 456，台北', 'phone:0988 123 456', '收件人电话09** **3 456，台北'],
    ['0922-123-456 这个号码是我本人的', 'phone:0922-123-456', '09**-**3-456 这个号码是我本人的'],
    ['我在台湾，手机+886 912 345 678，漫游收不到短信', 'phone:+886 912 345 678', '我在台湾，手机+886 9** **5 678，漫游收不到短信'],
    ['回拨886-912345678', 'phone:886-912345678', '回拨886-9****5678'],
    ['台湾手机 886 912 345 678', 'phone:886 912 345 678', '台湾手机 886 9** **5 678'],
    ['我手机0912345678，麻烦回电', 'phone:0912345678', '我手机09****5678，麻烦回电'],
    ['台北公司电话 02-2345-6789，找会计', 'landline:02-2345-6789', '台北公司电话 02-****-6789，找会计'],
    ['门市(02)2345-6789营业到九点', 'landline:(02)2345-6789', '门市(02)****-6789营业到九点'],
    ['高雄店 07-345-6789', 'landline:07-345-6789', '高雄店 07-***-6789'],
    ['+886 2 2345 6789 是台北分行', 'landline:+886 2 2345 6789', '+886 2 **** 6789 是台北分行'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }

  it('hash: a Taiwan mobile with and without +886 is one number', () => {
    const token = (t: string) => /\[phone:[0-9a-f]{16}\]/.exec(hash(t))?.[0];
    expect(token('手机0912-345-678')).toBeDefined();
    expect(token('手机+886 912 345 678')).toBe(token('手机0912-345-678'));
    expect(token('手机0912345678')).toBe(token('手机0912-345-678'));
  });

  const kept = [
    // one run of ten digits without a phone word: as often an order or account number
    '0912345678这个单子怎么还没发',
    // business keys
    '快递单号 0912-345-678',
    '订单号02-2345-6789',
    // part of a date or a longer number
    '2024-02-2345-6789',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
});
