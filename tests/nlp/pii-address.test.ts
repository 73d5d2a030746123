import { describe, expect, it } from 'vitest';
import { detectPii, maskPii } from '../../src/nlp/pii.js';

const found = (text: string) => detectPii(text).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);

// QA audit: a street address down to the flat (北京市朝阳区建国路88号3单元502) was stored readable.
// The numbers from the house number down (building, unit, floor, room) are masked; province, city,
// district and street name stay for analytics.
describe('street addresses down to the building or flat', () => {
  const cases: [string, string, string][] = [
    ['北京市朝阳区建国路88号3单元502', '88号3单元502', '北京市朝阳区建国路**号*单元***'],
    ['地址：上海市浦东新区世纪大道100号5栋1201室，快递总放错', '100号5栋1201室', '地址：上海市浦东新区世纪大道***号*栋****室，快递总放错'],
    ['幸福小区3号楼2单元501，装机师傅找不到', '3号楼2单元501', '幸福小区*号楼*单元***，装机师傅找不到'],
    ['阳光花园B座1703', 'B座1703', '阳光花园*座****'],
    ['人民路12号院4号楼', '12号院4号楼', '人民路**号院*号楼'],
    ['建国路88号502室', '88号502室', '建国路**号***室'],
    ['家住6栋12层1203', '6栋12层1203', '家住*栋**层****'],
  ];
  for (const [text, span, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([`address:${span}`]);
      expect(maskPii(text, 'mask').text).toBe(masked);
      expect(maskPii(masked, 'mask').text).toBe(masked);
      expect(maskPii(text, 'hash', { hashSecret: 's' }).text).toMatch(/\[address:[0-9a-f]{16}\]/);
    });
  }
  it('full-width digits are masked in place', () => {
    expect(maskPii('建国路８８号３单元５０２', 'mask').text).toBe('建国路**号*单元***');
  });
  it('a phone number next to an address is still a phone', () => {
    expect(found('建国路88号3单元502，电话13812345678')).toEqual(['address:88号3单元502', 'phone:13812345678']);
  });
  const not = [
    // a street and house number alone name a building, not a household (shops, offices, branches)
    '邮编200951，收货地址填的是人民路227号，快递说地址不详。',
    '我在建国路88号的营业厅办的卡',
    // dates, lines, numbered staff, single building or room numbers, flat layouts
    '5号到货，结果8号才送到',
    '地铁3号线人太多',
    '88号技师服务很好',
    '2号楼的电梯又坏了',
    '房号2730，入住日期2024年2月15日',
    '三室两厅，3室2厅',
    '我在5楼等了半小时',
    '12月3号15点送达',
    '订单号202611280001',
  ];
  for (const text of not) {
    it(`not an address: ${text}`, () => {
      expect(found(text)).toEqual([]);
    });
  }
});

describe('a floor followed by a price is no address', () => {
  it('19楼290元的房间', () => {
    expect(found('我住的是19楼290元的房间')).toEqual([]);
    expect(found('3楼120平的房子')).toEqual([]);
  });
});
