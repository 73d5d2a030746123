import { describe, expect, it } from 'vitest';
import { found, masks } from '../helpers/pii.js';
import { luhnValid } from '../../src/nlp/pii.js';

// PII gap left by the 2026-11-30 audit: the business keys a support conversation is about (a refund or an
// after-sales ticket, a return, a repair, a complaint, a claim, a parcel, a pick-up code) were masked as bank
// cards when their 16-19 digits passed Luhn (one in ten does) and their label was written without 号 (退款单,
// 售后单, 快递单) or was none the list knew (赔案号, 包裹号, 取件码). 订单号, 工单号, 售后单号, 快递单号 were
// already kept. A card number after 卡号, 银行卡 or 尾号 is still masked. Our own texts.

const CARD = '6217001234567893';
const CARD_19 = '6214830912345666732';

it('the numbers pass Luhn', () => {
  expect(luhnValid(CARD)).toBe(true);
  expect(luhnValid(CARD_19)).toBe(true);
});

describe('business keys that pass Luhn are kept after their label', () => {
  const kept = [
    `退款单${CARD}一直没处理，都一个礼拜了`,
    `售后单：6217 0012 3456 7893，师傅还没上门`,
    `服务单 ${CARD} 显示已完结，问题根本没解决`,
    `退货单${CARD}，仓库说没收到`,
    `换货单号是${CARD_19}`,
    `维修单${CARD}修了三次还是坏的`,
    `报修单：${CARD}`,
    `投诉单${CARD}没人跟进`,
    `理赔单${CARD}，材料都交齐了`,
    `赔案号${CARD}理赔款什么时候到`,
    `快递单${CARD}显示已签收，我根本没收到`,
    `物流单 ${CARD} 三天没更新`,
    `包裹号${CARD}`,
    `取件码${CARD}取不出来`,
    `交易单${CARD}重复扣款`,
    `缴费单${CARD}交了话费没到账`,
    `提现单${CARD}一直在审核`,
    `充值单${CARD}没到账`,
    `申请单${CARD}`,
    `预约号${CARD}`,
    `物流号${CARD}`,
    // 号码 after the label is the label's (it made the number personal, as after 电话号码)
    `订单号码 ${CARD} 查不到`,
    `快递单号码${CARD}`,
    `工单号码：${CARD_19}`,
    // like 会员号13812345678, which was kept: a member number (会员13812345678 is the member's phone)
    '会员号码13812345678',
  ];
  for (const text of kept) it(text, () => expect(found(text)).toEqual([]));
});

describe('a card after a card label is still masked', () => {
  const cases: [string, string, string][] = [
    [`退款单说退到卡号${CARD}`, `bank_card:${CARD}`, '退款单说退到卡号621700******7893'],
    [`售后单号发你了，我的银行卡${CARD}`, `bank_card:${CARD}`, '售后单号发你了，我的银行卡621700******7893'],
    [`退款到尾号${CARD}的卡`, `bank_card:${CARD}`, '退款到尾号621700******7893的卡'],
    [`投诉单里的银行卡 6217 0012 3456 7893 被冻结了`, 'bank_card:6217 0012 3456 7893', '投诉单里的银行卡 6217 00** **** 7893 被冻结了'],
    // a phone's 号码 after a business label is still a phone's
    ['订单号码和手机号码 13812345678', 'phone:13812345678', '订单号码和手机号码 138****5678'],
    // without a label a Luhn-valid number is still a card
    [`退款退到${CARD}了吗`, `bank_card:${CARD}`, '退款退到621700******7893了吗'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }
});
