import { describe, expect, it } from 'vitest';
import { found, mask, hash, masks } from '../helpers/pii.js';
import { luhnValid } from '../../src/nlp/pii.js';

// PII audit 2026-11-29 (report-only): QQ and WeChat labels no rule knew (L7), a product name after 微信
// taken for a WeChat id (O1), a tracking number after "<carrier>快递" masked as a card (O2), and e-mail
// addresses written with a Chinese full stop or an "@" spelled out (L6). Our own texts.


describe('L7: QQ and WeChat labels', () => {
  const cases: [string, string, string][] = [
    ['售后问题加我Q号2846193057，白天在线', 'qq:2846193057', '售后问题加我Q号2*********，白天在线'],
    ['企鹅号518273946，直接加好友', 'qq:518273946', '企鹅号5********，直接加好友'],
    ['有事找我企鹅：518273946', 'qq:518273946', '有事找我企鹅：5********'],
    ['加我QQ 3917 2846 05，空格是我自己加的', 'qq:3917 2846 05', '加我QQ 3*** **** **，空格是我自己加的'],
    ['退货的事加我V:sunny_day88', 'wechat:sunny_day88', '退货的事加我V:s**********'],
    ['售后加我v：lanlan2021，别打电话', 'wechat:lanlan2021', '售后加我v：l*********，别打电话'],
    ['薇信 lan-lan2021，拉我进群', 'wechat:lan-lan2021', '薇信 l**********，拉我进群'],
    ['威信号abc_1234', 'wechat:abc_1234', '威信号a*******'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }
  it('hash: a QQ number in groups is the same number', () => {
    expect(hash('QQ 3917 2846 05')).toBe(hash('QQ 3917284605'));
  });
  const kept = [
    'QQ群 3917 2846 05',
    'QQ 2026 11 29 登录不了',
    '企鹅电竞会员续费失败',
    'IQ号称180',
    'TV：abcdef12',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
  it('a QQ number is its first group when the rest is no grouping (QQ 12345 2次)', () => {
    expect(found('QQ 518273 2次都没加上')).toEqual(['qq:518273']);
  });
});

describe('O1: a product or platform word after 微信 is no WeChat id', () => {
  const kept = [
    '微信 Android 客户端一直闪退',
    '我用的是微信 HarmonyOS 版本，扫码没反应',
    '关注了微信 Official 账号，推送太多',
    '电脑上微信Windows版登录不了',
    'vx Official账号推送太多',
    '微信 MacBook 端收不到文件',
  ];
  for (const text of kept) {
    it(`keeps ${text}`, () => {
      expect(found(text)).toEqual([]);
      expect(mask(text)).toBe(text);
    });
  }
  const ids: [string, string][] = [
    // a digit, _ or - after a bare space or nothing: an id
    ['加我微信 wang_88 聊', 'wechat:wang_88'],
    ['微信lucky2020加一下', 'wechat:lucky2020'],
    // 号, a colon or 是 says an id follows: letters alone are one too
    ['我的微信号 zhangsan', 'wechat:zhangsan'],
    ['加微信：zhangsan', 'wechat:zhangsan'],
    ['我的微信是 zhangsan', 'wechat:zhangsan'],
  ];
  for (const [text, want] of ids) it(`finds ${text}`, () => expect(found(text)).toEqual([want]));
});

describe('O2: a tracking number after a carrier\'s 快递 is no card', () => {
  // Luhn-valid by chance, starting like a payment card: what the card rule takes without a veto
  const tracking = ['421969345055', '9184390592213', '92021007706513', '496501235519202'];
  it('the numbers pass Luhn', () => {
    for (const n of tracking) expect(luhnValid(n)).toBe(true);
  });
  const kept = [
    `韵达快递${tracking[1]}到哪了，三天没更新`,
    `中通快递 ${tracking[2]} 显示派送中两天了`,
    `顺丰快递${tracking[3]}一直卡在转运中心`,
    `京东快递${tracking[1]}，还没到`,
    `EMS快递${tracking[3]}`,
    `快递${tracking[1]}到哪了`,
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
  it('without 快递 the same number is still a card (Luhn decides)', () => {
    expect(found(`退到${tracking[1]}`)).toEqual([`bank_card:${tracking[1]}`]);
  });
  it('a mobile after 快递 is still the courier\'s phone', () => {
    expect(found('给快递15030875726打电话也不接')).toEqual(['phone:15030875726']);
    expect(found('韵达快递18637334164一直打不通')).toEqual(['phone:18637334164']);
  });
});

describe('L6: e-mail with a Chinese full stop, or an "@" spelled out, before a known top-level domain', () => {
  const cases: [string, string, string][] = [
    ['发票发到wu_mingjie@126。com，谢谢', 'wu_mingjie@126。com', '发票发到w*********@126。com，谢谢'],
    ['资料发chenlu2008艾特qq.com', 'chenlu2008艾特qq.com', '资料发c*********艾特qq.com'],
    ['邮箱liyan艾特163点com，怕被爬', 'liyan艾特163点com', '邮箱l****艾特163点com，怕被爬'],
    ['有事发邮件 zhao.kai at outlook dot com 谢谢', 'zhao.kai at outlook dot com', '有事发邮件 z******* at outlook dot com 谢谢'],
    ['简历投递mengfei(at)sina.com', 'mengfei(at)sina.com', '简历投递m******(at)sina.com'],
    ['联系邮箱mengfei[at]sina.cn。', 'mengfei[at]sina.cn', '联系邮箱m******[at]sina.cn。'],
    ['邮箱是 hr_team @ yeah.net 中间没空格', 'hr_team @ yeah.net', '邮箱是 h****** @ yeah.net 中间没空格'],
    ['邮箱：x艾特qq.com', 'x艾特qq.com', '邮箱：*艾特qq.com'],
  ];
  for (const [text, span, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([`email:${span}`]);
      masks(text, masked);
    });
  }
  it('hash: one token however the address is written', () => {
    const plain = hash('chenlu2008@qq.com');
    for (const t of ['chenlu2008艾特qq.com', 'chenlu2008 at qq dot com', 'chenlu2008(at)qq点com', 'ChenLu2008 @ QQ.com']) expect(hash(t)).toBe(plain);
  });
  const kept = [
    // 艾特 as @-mentioning someone
    '艾特客服好几次了都没人理',
    'App里艾特我一下abc.com',
    // no known top-level domain
    'xx艾特abc.xyz',
    // " at " in English needs a mail provider or a spelled " dot "
    'look at google.com for details',
    '我在 at home',
    // amounts with 点
    '价格1.5点com',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
});
