import { describe, expect, it } from 'vitest';
import { found, masks } from '../helpers/pii.js';

// PII audit 2026-11-30: two numbers listed with "/" or a comma where one of them is written in groups. A
// number glued to another by "/" is read as a date or a fraction unless the other side is a whole identifier
// of seven digits or more, and only a plain run of digits was counted: 138 1234 5678/139 8765 4321, the way a
// customer fills in "phone / backup phone", kept both numbers whole; and after a 4-digit group a comma made
// the next number a thousands group (备用138 1234 5678，13987654321 kept the second). Our own texts.

describe('numbers listed with "/" or a comma, one of them in groups', () => {
  const cases: [string, string[], string][] = [
    ['手机号：138 1234 5678/139 8765 4321', ['phone:138 1234 5678', 'phone:139 8765 4321'], '手机号：138 **** 5678/139 **** 4321'],
    ['手机号：138-1234-5678/139-8765-4321', ['phone:138-1234-5678', 'phone:139-8765-4321'], '手机号：138-****-5678/139-****-4321'],
    ['电话13812345678/139 8765 4321都行', ['phone:13812345678', 'phone:139 8765 4321'], '电话138****5678/139 **** 4321都行'],
    ['电话138 1234 5678/13987654321', ['phone:138 1234 5678', 'phone:13987654321'], '电话138 **** 5678/139****4321'],
    ['座机010-6234 5678/010-6234 5679', ['landline:010-6234 5678', 'landline:010-6234 5679'], '座机010-**** 5678/010-**** 5679'],
    ['备用138 1234 5678，13987654321', ['phone:138 1234 5678', 'phone:13987654321'], '备用138 **** 5678，139****4321'],
    ['备用138 1234 5678,139 8765 4321', ['phone:138 1234 5678', 'phone:139 8765 4321'], '备用138 **** 5678,139 **** 4321'],
    ['备用一三八 一二三四 五六七八，1 3 9 8 7 6 5 4 3 2 1', ['phone:一三八 一二三四 五六七八', 'phone:1 3 9 8 7 6 5 4 3 2 1'], '备用一三八 **** 五六七八，1 3 9 * * * * 4 3 2 1'],
    ['2024-11-30,13812345678来电', ['phone:13812345678'], '2024-11-30,138****5678来电'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual(want);
      masks(text, masked);
    });
  }

  const kept = ['日期2024/11/30', '比分 1380 1234/5678', '金额1,380,000元', '金额 12 345,138', '尺寸 120/80 cm，库存 1 234/5 678', '第1380 1234/5678页'];
  for (const text of kept) {
    it(`kept: ${text}`, () => {
      expect(found(text)).toEqual([]);
    });
  }
});
