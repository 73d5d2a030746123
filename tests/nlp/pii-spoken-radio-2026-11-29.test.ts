import { describe, expect, it } from 'vitest';
import { found, mask, masks } from '../helpers/pii.js';
import { idCardValid, luhnValid, maskPii } from '../../src/nlp/pii.js';

// PII audit 2026-11-29 (report-only): numbers read out in call transcripts leaked when they used the radio
// spelling of digits (洞 0, 拐 7, 勾 9; L5, D1) or 叉 for an ID's X (D4), or when speech recognition put
// punctuation between the groups (，、…… and a spoken 杠; D2). Our own texts and numbers.

const token = (text: string) => /\[[a-z_]+:[0-9a-f]{16}\]/.exec(maskPii(text, 'hash', { hashSecret: 's' }).text)?.[0];

const ID_X = '42011119870716202X';
const CARD = '6217856100907402';
const ID = '440106199204153217';

it('the numbers used here are valid', () => {
  expect(idCardValid(ID_X)).toBe(true);
  expect(idCardValid(ID)).toBe(true);
  expect(luhnValid(CARD)).toBe(true);
});

describe('L5/D1: radio digits 洞 (0), 拐 (7), 勾 (9)', () => {
  const cases: [string, string, string][] = [
    ['客户：我手机幺三五洞六四二洞六四二，您记一下', 'phone:幺三五洞六四二洞六四二', '客户：我手机幺三五****洞六四二，您记一下'],
    ['客户：联系电话幺拐三 六洞洞九 六八洞拐，白天打', 'phone:幺拐三 六洞洞九 六八洞拐', '客户：联系电话幺拐三 **** 六八洞拐，白天打'],
    ['客户：打幺勾勾 八二六五 勾幺六四这个号', 'phone:幺勾勾 八二六五 勾幺六四', '客户：打幺勾勾 **** 勾幺六四这个号'],
    ['客户：幺四拐三洞幺拐二洞三六，就这个', 'phone:幺四拐三洞幺拐二洞三六', '客户：幺四拐****二洞三六，就这个'],
    ['客户：借记卡六二幺拐 八五六幺 洞洞勾洞 拐四洞二', 'bank_card:六二幺拐 八五六幺 洞洞勾洞 拐四洞二', '客户：借记卡六二幺拐 八五** **** 拐四洞二'],
    ['客户：家里座机洞五拐幺 八拐三幺 二六四五', 'landline:洞五拐幺 八拐三幺 二六四五', '客户：家里座机洞五拐幺 **** 二六四五'],
    ['客户：QQ号五二洞拐三八勾六', 'qq:五二洞拐三八勾六', '客户：QQ号五*******'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }
  it('hash: the token of the number in digits', () => {
    expect(token('幺三五洞六四二洞六四二')).toBe(token('13506420642'));
    expect(token('客户：家里座机洞五拐幺 八拐三幺 二六四五')).toBe(token('座机0571 8731 2645'));
  });
  // A run still needs five digits, so the everyday words (turn, cave, tick) are never a number, alone or
  // next to one other numeral.
  const kept = [
    '过了红绿灯拐弯就到，山洞里没信号',
    '勾选了自动续费，穿洞洞鞋去的，打勾勾发誓',
    '腿伤了一瘸一拐地去营业厅，七拐八拐才找到',
    '打了十八洞，系统漏洞百出',
    '打了18洞，拐了2个弯，第3洞',
    '勾兑酒，拐卖，拐杖，勾引',
    '叉烧饭，选项打叉，一二三四五叉',
  ];
  for (const text of kept) {
    it(`keeps ${text}`, () => {
      expect(found(text)).toEqual([]);
      expect(mask(text)).toBe(text);
    });
  }
});

describe('D4: 叉 for the X of an ID read out', () => {
  it('is the 18th character', () => {
    masks('客户：身份证号码四二零一一一一九八七零七一六二零二叉，最后是叉', '客户：身份证号码四二零一一一********二零二叉，最后是叉');
    masks('客户：身份证四二洞幺幺幺幺勾八拐洞拐幺六二洞二叉', '客户：身份证四二洞幺幺幺********二洞二叉');
    expect(token('身份证四二零一一一一九八七零七一六二零二叉')).toBe(token(`身份证${ID_X}`));
  });
  it('a wrong check digit is no ID without a label, as for X', () => {
    expect(found('我的是四二零一一一一九八七零七一六二零三叉')).toEqual([]);
    expect(found('身份证四二零一一一一九八七零七一六二零三叉')).toEqual(['id_card:四二零一一一一九八七零七一六二零三叉']);
  });
});

describe('D2: punctuation between the groups of a number read out', () => {
  const cases: [string, string, string][] = [
    ['客户：手机号一五八，八八一六，九零九九，对', 'phone:一五八，八八一六，九零九九', '客户：手机号一五八，****，九零九九，对'],
    ['客户：号码是一八二、八四九零、九三九零，您查下', 'phone:一八二、八四九零、九三九零', '客户：号码是一八二、****、九三九零，您查下'],
    ['客户：手机幺三九……四四零零……四五九二，对', 'phone:幺三九……四四零零……四五九二', '客户：手机幺三九……****……四五九二，对'],
    ['客户：号码一七三杠六零零九杠六八零七', 'phone:一七三杠六零零九杠六八零七', '客户：号码一七三杠****杠六八零七'],
    ['客户：电话一五八, 八八一六, 九零九九', 'phone:一五八, 八八一六, 九零九九', '客户：电话一五八, ****, 九零九九'],
    ['客户：卡号六二一七，八五六一，零零九零，七四零二', 'bank_card:六二一七，八五六一，零零九零，七四零二', '客户：卡号六二一七，八五**，****，七四零二'],
    ['客户：身份证四四零一零六，一九九二零四一五，三二一七', 'id_card:四四零一零六，一九九二零四一五，三二一七', '客户：身份证四四零一零六，********，三二一七'],
    ['客户：身份证四二零一一一，一九八七零七一六，二零二叉', 'id_card:四二零一一一，一九八七零七一六，二零二叉', '客户：身份证四二零一一一，********，二零二叉'],
    ['客户：座机零五七一，八七三一，二六四五', 'landline:零五七一，八七三一，二六四五', '客户：座机零五七一，****，二六四五'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }
  it('hash: the token of the number in digits', () => {
    expect(token('一五八，八八一六，九零九九')).toBe(token('15888169099'));
    expect(token('身份证四四零一零六，一九九二零四一五，三二一七')).toBe(token(`身份证${ID}`));
  });
  const kept = [
    // counting and lists: no shape of a number, or a positional numeral at the end
    '客户：一二三，四五六七，八九十',
    '客户：一二三四，五六七八',
    '客户：我买了三个，四个，五个',
    // a group more than the shape: something longer
    '客户：幺三五，洞六四二，洞六四二，五五五五',
    // separators mixed
    '客户：一五八，八八一六、九零九九',
    // a business key, as in digits
    '客户：订单号一五八，八八一六，九零九九',
    // 两 at an end is the word
    '客户：两五八，八八一六，九零九二',
  ];
  for (const text of kept) {
    it(`keeps ${text}`, () => {
      expect(found(text)).toEqual([]);
      expect(mask(text)).toBe(text);
    });
  }
});
