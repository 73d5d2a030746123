import { describe, expect, it } from 'vitest';
import { found, hash, masks } from '../helpers/pii.js';
import { detectPii } from '../../src/nlp/pii.js';

// A number grouped with a middle dot (138·1234·5678: the Chinese keyboard's 间隔号, also ・ and • pasted) was kept whole
// and readable, while the same number grouped with a dot or a comma was masked. A middle dot between digits now groups
// a number as a dot does.

describe('a number grouped with middle dots', () => {
  const cases: [string, string, string][] = [
    ['电话：138·1234·5678，晚上打', 'phone:138·1234·5678', '电话：138·****·5678，晚上打'],
    ['手机 139・8765・4321 有事打我', 'phone:139・8765・4321', '手机 139・****・4321 有事打我'],
    ['座机 027·8793·2614', 'landline:027·8793·2614', '座机 027·****·2614'],
    ['卡号6222·0212·3456·7890·128', 'bank_card:6222·0212·3456·7890·128', '卡号6222·02**·****·***0·128'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }

  it('hash: the token is the number\'s however it is grouped', () => {
    expect(hash('电话：138·1234·5678')).toBe(hash('电话：138.1234.5678'));
  });

  it('short dotted numbers are no number', () => {
    for (const text of ['版本1·2·3', '价格1·5元', '约翰·史密斯 2024·11·30']) expect(detectPii(text)).toEqual([]);
  });
});
