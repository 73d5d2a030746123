import { describe, expect, it } from 'vitest';
import { found, masks } from '../helpers/pii.js';

// PII audit 2026-11-30: a caller asked how to be addressed answers 免贵姓李 and gives the full name after a comma,
// with or without 叫 (免贵姓李，李文博; 我姓王，王建军). Only 我姓X，叫… was read, so the full name stayed. The name
// must start with the surname just given: what follows is otherwise no name (免贵姓王，王者荣耀的问题). Our own texts.

describe('a full name after 免贵姓X / 我姓X and a comma', () => {
  const cases: [string, string[], string][] = [
    ['坐席：请问怎么称呼？客户：免贵姓李，李文博', ['name:李文博'], '坐席：请问怎么称呼？客户：免贵姓李，李**'],
    ['免贵姓李，叫李文博，想问下理赔进度', ['name:李文博'], '免贵姓李，叫李**，想问下理赔进度'],
    ['我姓王，王建军，上周报的案', ['name:王建军'], '我姓王，王**，上周报的案'],
    ['免贵姓欧阳，欧阳娜娜', ['name:欧阳娜娜'], '免贵姓欧阳，欧阳**'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual(want);
      masks(text, masked);
    });
  }
  const kept = ['免贵姓李', '免贵姓王，王者荣耀的充值问题', '我姓王，电话一直打不通', '免贵姓张，张先生就行', '我姓李，想咨询一下'];
  for (const text of kept) {
    it(`kept: ${text}`, () => {
      expect(found(text)).toEqual([]);
    });
  }
});
