import { describe, expect, it } from 'vitest';
import { found, mask, hash, masks } from '../helpers/pii.js';
import { idCardValid, luhnValid } from '../../src/nlp/pii.js';

// PII audit 2026-11-29 (report-only, /tmp/pii-audit/REPORT.md): numbers written in groupings and with
// separators no rule knew were kept in full (L1 mobiles 3-8, 7-4, 4-4-3 and mixed separators; D3 dots and
// commas between groups; L2 IDs and L3 cards in other groupings; L4 landline extensions and +86 without the
// area code's 0), and a landline was found inside a longer grouped number, which left most of an ID readable
// (O3). The texts and numbers here are our own: mobiles 13x-19x, IDs with a valid region, birth date and
// check digit, cards passing Luhn (checked below).


const ID_A = '440106199204153217';
const ID_B = '510107198509234616';
const ID_C = '330102197806115824';
const ID_D = '210204199912310076';
const CARD_16 = '6217856100907402';
const CARD_19A = '6214830912345666732';
const CARD_19B = '6229081234987654122';
const AMEX = '371256348901272';

it('the numbers used here are valid (and the look-alikes are not)', () => {
  for (const id of [ID_A, ID_B, ID_C, ID_D]) expect(idCardValid(id)).toBe(true);
  expect(idCardValid(ID_A.slice(0, 17) + '5')).toBe(false);
  expect(luhnValid(ID_A.slice(0, 17) + '5')).toBe(false);
  for (const card of [CARD_16, CARD_19A, CARD_19B, AMEX]) expect(luhnValid(card)).toBe(true);
  expect(luhnValid('371256348901273')).toBe(false);
  expect(luhnValid('6225765743903529360')).toBe(false);
  expect(luhnValid('5743903529360')).toBe(true);
  expect(luhnValid('6228057133824193')).toBe(false);
});

/** Checks a masked text: the expected mask, its length, and that masking it again changes nothing. */
describe('L1: mobiles grouped 3-8, 7-4, 4-4-3 or with mixed separators', () => {
  const cases: [string, string, string][] = [
    ['客户：我手机135 06420642，麻烦回个电话。', '135 06420642', '客户：我手机135 ****0642，麻烦回个电话。'],
    ['装维师傅说联系电话147-30172036打不通', '147-30172036', '装维师傅说联系电话147-****2036打不通'],
    ['我的联系方式1588816 9099，晚上打', '1588816 9099', '我的联系方式158**** 9099，晚上打'],
    ['换了新号1669 0397 037，请更新一下资料', '1669 0397 037', '换了新号166* ***7 037，请更新一下资料'],
    ['#联通# 我的号1736 0096 807天天收到推销短信', '1736 0096 807', '#联通# 我的号173* ***6 807天天收到推销短信'],
    ['我电话182-8490 9390，白天不方便接', '182-8490 9390', '我电话182-**** 9390，白天不方便接'],
    ['国外漫游中，回拨+86 1915763 9900就行', '+86 1915763 9900', '国外漫游中，回拨+86 191**** 9900就行'],
  ];
  for (const [text, span, want] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([`phone:${span}`]);
      masks(text, want);
    });
  }
  it('hash: the same number however it is grouped', () => {
    const token = (t: string) => /\[phone:[0-9a-f]{16}\]/.exec(hash(t))?.[0];
    expect(token('电话13506420642')).toBeDefined();
    for (const t of ['电话135 06420642', '电话1350642 0642', '电话1350 6420 642', '电话135-0642 0642', '电话135.0642.0642']) {
      expect(token(t)).toBe(token('电话13506420642'));
    }
  });
  const kept = [
    // a business key, as for any grouping
    '订单号135 06420642，还没发货',
    '工单号1588816 9099',
    // no mobile prefix, or a grouping that is no number's (2-9, 5-6)
    '编码125 06420642',
    '我填的是13 506420642',
    '这个是13506 420642',
    // part of a longer grouped number: 4-4-3 inside 4-4-3-4, 3-4-4 inside 3-4-4-4
    '页面上一串1915 7639 900 2231是啥',
    '付款码 135 0642 0642 9012 怎么用不了',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
  it('a 1-2 digit quantity after a grouped mobile is no part of it', () => {
    expect(found('我的手机135 0642 0642 24小时开机')).toEqual(['phone:135 0642 0642']);
    expect(found('电话135 0642 0642 139 4400 4592都可以')).toEqual(['phone:135 0642 0642', 'phone:139 4400 4592']);
  });
  it('a house or room number right before a mobile is no part of it', () => {
    expect(found('收货地址：建国路66号2单元301 13506420642 张女士')).toEqual(['address:66号2单元301', 'phone:13506420642']);
    expect(found('收货地址：建国路66号2单元301 135 0642 0642')).toEqual(['address:66号2单元301', 'phone:135 0642 0642']);
  });
});

describe('D3: dots or commas between the groups of a fixed shape, the same throughout', () => {
  const cases: [string, string, string][] = [
    ['理赔员一直联系不上，我留的电话是135.0642.0642', 'phone:135.0642.0642', '理赔员一直联系不上，我留的电话是135.****.0642'],
    ['我的手机199，8265，9164，不是系统里那个', 'phone:199，8265，9164', '我的手机199，****，9164，不是系统里那个'],
    ['联系我:150,3087,5726 工作日都在', 'phone:150,3087,5726', '联系我:150,****,5726 工作日都在'],
    [`退款打到${CARD_16.replace(/(\d{4})(?=\d)/g, '$1.')}这张卡`, 'bank_card:6217.8561.0090.7402', '退款打到6217.85**.****.7402这张卡'],
    [`银行卡${CARD_19A.replace(/^(\d{4})(\d{4})(\d{4})(\d{4})/, '$1，$2，$3，$4，')}，快点退钱`, 'bank_card:6214，8309，1234，5666，732', '银行卡6214，83**，****，***6，732，快点退钱'],
    [`身份证${ID_A.slice(0, 6)}.${ID_A.slice(6, 14)}.${ID_A.slice(14)}，请核对`, 'id_card:440106.19920415.3217', '身份证440106.********.3217，请核对'],
    ['办公室电话0571.8731.2645，老人接', 'landline:0571.8731.2645', '办公室电话0571.****.2645，老人接'],
    ['座机021,6235,8890', 'landline:021,6235,8890', '座机021,****,8890'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }
  const kept = [
    // separators mixed: no fixed shape
    '我的手机135.0642-0642',
    // amounts, versions, dates and times stay
    '理赔款1,350,642元，积分13,812,345分',
    '固件版本135.0642.06',
    '2026.11.29 13:45下的单',
    // the shape continues: a longer number, not a mobile
    '编码135,0642,0642,1234',
    '共135.0642.0642.88',
    // no Luhn, no label: no card
    '显示6217.8561.0090.7403',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
});

describe('L2: ID numbers grouped other than 6-8-4, with a valid check digit', () => {
  const cases: [string, string, string][] = [
    [`身份证号${ID_A.replace(/(\d{4})(?=\d)/g, '$1 ')}，办卡要用`, '4401 0619 9204 1532 17', '身份证号4401 06** **** **32 17，办卡要用'],
    [`投保人证件号码${ID_B.slice(0, 3)} ${ID_B.slice(3, 6)} ${ID_B.slice(6, 10)} ${ID_B.slice(10, 14)} ${ID_B.slice(14)}，请核实`, '510 107 1985 0923 4616', '投保人证件号码510 107 **** **** 4616，请核实'],
    [`身份证${ID_C.slice(0, 6)} ${ID_C.slice(6, 10)} ${ID_C.slice(10, 14)} ${ID_C.slice(14)}，查一下社保`, '330102 1978 0611 5824', '身份证330102 **** **** 5824，查一下社保'],
    [`证件号${ID_D.replace(/(\d{4})(?=\d)/g, '$1-')}`, '2102-0419-9912-3100-76', '证件号2102-04**-****-**00-76'],
  ];
  for (const [text, span, want] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([`id_card:${span}`]);
      masks(text, want);
    });
  }
  it('O3: an ID in groups of four is one ID, not a landline inside it (most of the ID visible)', () => {
    const text = `手机银行上显示的身份证是${ID_D.replace(/(\d{4})(?=\d)/g, '$1 ')}，跟我的一致`;
    expect(found(text)).toEqual(['id_card:2102 0419 9912 3100 76']);
    expect(mask(text)).toBe('手机银行上显示的身份证是2102 04** **** **00 76，跟我的一致');
  });
  it('a wrong check digit in such a grouping is no ID, and nothing inside it is found either', () => {
    const bad = (ID_A.slice(0, 17) + '5').replace(/(\d{4})(?=\d)/g, '$1 ');
    expect(found(`身份证号${bad}`)).toEqual([]);
    expect(found(`编号${ID_A.replace(/(\d{4})(?=\d)/g, '$1 ')}`)).toEqual([]);
  });
});

describe('L3: cards grouped 6-13, 4-4-4-7 and American Express 4-6-5', () => {
  const cases: [string, string, string][] = [
    [`借记卡${CARD_19A.slice(0, 6)} ${CARD_19A.slice(6)}，柜台办的，手机银行绑不上`, '621483 0912345666732', '借记卡621483 *********6732，柜台办的，手机银行绑不上'],
    [`信用卡号${CARD_19B.slice(0, 4)} ${CARD_19B.slice(4, 8)} ${CARD_19B.slice(8, 12)} ${CARD_19B.slice(12)}，账单日是几号`, '6229 0812 3498 7654122', '信用卡号6229 08** **** ***4122，账单日是几号'],
    // the Amex shape needs no label (34/37, 4-6-5, Luhn)
    [`上个月用${AMEX.slice(0, 4)} ${AMEX.slice(4, 10)} ${AMEX.slice(10)}在机场消费被拒`, '3712 563489 01272', '上个月用3712 56**** *1272在机场消费被拒'],
  ];
  for (const [text, span, want] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([`bank_card:${span}`]);
      masks(text, want);
    });
  }
  const kept = [
    // Amex shape failing Luhn, or not starting 34/37
    '上个月用3712 563489 01273在机场消费被拒',
    '编码5712 563489 01272',
    // an irregular grouping without a card label
    `显示${CARD_19A.slice(0, 6)} ${CARD_19A.slice(6)}`,
    // after a label, an irregular grouping still has to pass Luhn
    `借记卡${CARD_19A.slice(0, 6)} ${CARD_19A.slice(6, 18)}${(Number(CARD_19A[18]) + 1) % 10}`,
    // the 13-digit tail of a 6-13 number passes Luhn on its own: it is no card inside the longer number
    '显示622576 5743903529360，不认识',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
});

describe('O3: nothing is found inside a longer space-grouped run of digits', () => {
  const kept = [
    // 16 digits failing Luhn with a 0xxx group inside
    '付款页面显示6228 0571 3382 4193，这是什么号',
    // a business key whose label does not reach the inner group
    '订单号：1234 0571 3382 4196，怎么还没发货',
    '0755 2658 3041 1234 这串数字是什么',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
  it('a card label makes the whole run a card', () => {
    expect(found('退款没到账，付款的卡是6228 0571 3382 4193')).toEqual(['bank_card:6228 0571 3382 4193']);
  });
});

describe('L4: landline extensions after a dash, +86 without the 0, a spaced dash', () => {
  const cases: [string, string, string][] = [
    // the extension is no personal data and stays
    ['公司座机0755-86127345-603，找前台转', 'landline:0755-86127345', '公司座机0755-****7345-603，找前台转'],
    ['请拨021-52378861-1024转售后', 'landline:021-52378861', '请拨021-****8861-1024转售后'],
    ['门店电话+86 571 8731 2645，营业到十点', 'landline:+86 571 8731 2645', '门店电话+86 571 **** 2645，营业到十点'],
    ['总部电话0086 10 6523 8890', 'landline:0086 10 6523 8890', '总部电话0086 10 **** 8890'],
    ['座机0571 - 8731 2645，固话也行', 'landline:0571 - 8731 2645', '座机0571 - **** 2645，固话也行'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }
  it('hash: +86 755 … and 0755-… are one number', () => {
    const token = (t: string) => /\[landline:[0-9a-f]{16}\]/.exec(hash(t))?.[0];
    expect(token('门店电话+86 571 8731 2645')).toBeDefined();
    expect(token('门店电话+86 571 8731 2645')).toBe(token('门店电话0571-87312645'));
  });
  const kept = [
    // a business key with a dash suffix, an extension too long to be one
    '编号0755-86127345-603',
    '座机0755-86127345-603112',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
  it('+86 and a mobile is still a phone', () => {
    expect(found('+86 135 0642 0642')).toEqual(['phone:+86 135 0642 0642']);
  });
});
