import { describe, expect, it } from 'vitest';
import { detectPii, maskPii } from '../../src/nlp/pii.js';

const found = (text: string) => detectPii(text).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);

// QA audit: names after a self-introduction (我叫王小明, 我是李娜, 本人陈静) were stored readable.
// The surname stays (王**), the given name is masked; hash replaces the whole name.
describe('personal names after a self-introduction or a name label', () => {
  const cases: [string, string, string][] = [
    ['我叫王小明', '王小明', '我叫王**'],
    ['我是李娜', '李娜', '我是李*'],
    ['本人陈静', '陈静', '本人陈*'],
    ['我姓张，叫张伟', '张伟', '我姓张，叫张*'],
    ['你好，我是李娜，手机坏了', '李娜', '你好，我是李*，手机坏了'],
    ['我叫王小明今年30岁', '王小明', '我叫王**今年30岁'],
    ['姓名：张三，电话打不通', '张三', '姓名：张*，电话打不通'],
    ['联系人：刘德华', '刘德华', '联系人：刘**'],
    ['户主欧阳娜娜，要求过户', '欧阳娜娜', '户主欧阳**，要求过户'],
    ['我的名字是诸葛亮', '诸葛亮', '我的名字是诸葛*'],
  ];
  for (const [text, name, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([`name:${name}`]);
      expect(maskPii(text, 'mask').text).toBe(masked);
      expect(maskPii(masked, 'mask').text).toBe(masked);
      const hashed = maskPii(text, 'hash', { hashSecret: 's' }).text;
      expect(hashed).toMatch(/\[name:[0-9a-f]{16}\]/);
      expect(hashed).not.toContain(name);
      expect(maskPii(hashed, 'hash', { hashSecret: 's' }).text).toBe(hashed);
    });
  }
  it('a name next to a phone number: both', () => {
    expect(found('我叫王小明，手机13812345678')).toEqual(['name:王小明', 'phone:13812345678']);
  });
  const not = [
    '我是老用户了，网速越来越慢',
    '我是学生，流量不够用',
    '我是你们的客户',
    '我是第一次用这个App',
    '我是新用户',
    '我是车主，',
    '我是常客，',
    '我是金卡会员',
    '我是高中生',
    '我是华为用户',
    '我是17382495222的机主',
    '本人身份证号330106199504086727',
    '本人于2024年办理',
    '本人方便的话再来',
    '紧急联系人：李先生，电话打不通',
    '联系人王经理一直不回',
    '我叫车等了半小时',
    '我叫师傅上门',
    '我叫了外卖',
    '收件人电话16333265964',
    '入住人证件号',
    '户名李华', // an account holder's name: not labelled in the PII gold set (see docs/pii.md)
    '我是东方航空的会员',
    '我是周末去的',
    '因为我是周五、周六休息',
  ];
  for (const text of not) {
    it(`no name: ${text}`, () => {
      expect(found(text).filter((f) => f.startsWith('name:'))).toEqual([]);
    });
  }
});

// Found by running detection over public review corpora: labels followed by a place, a brand or a word.
describe('a name label followed by something else', () => {
  const not = [
    '酒店门口的名字是金山大酒店不是叫做别的',
    '点的名叫马来风光的蔬菜也不错',
    '还能在联系人项目中添加电邮地址',
    '不能按输入的姓名查找要发送的号码',
    '我是颜值控，轻巧的机身',
  ];
  for (const text of not) {
    it(`no name: ${text}`, () => {
      expect(found(text).filter((f) => f.startsWith('name:'))).toEqual([]);
    });
  }
  it('a name may be followed by what the writer says about it', () => {
    expect(found('收件人张三地址写错了')).toEqual(['name:张三']);
    expect(found('联系人刘德华电话打不通')).toEqual(['name:刘德华']);
  });
});
