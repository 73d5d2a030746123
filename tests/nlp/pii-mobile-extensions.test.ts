import { describe, expect, it } from 'vitest';
import { found, hash, masks } from '../helpers/pii.js';
import { maskPiiTurns } from '../../src/nlp/pii.js';

// PII gap left by the 2026-11-30 audit: a mainland mobile followed by an extension after a dash
// (13812345678-1234, a company's mobile trunk or a switchboard that forwards to a mobile) was kept whole: the
// dash and digits after it made the number look like part of a longer one. The mobile is masked as without the
// extension, and the extension stays, as a landline's does (0571-****0264-8023). After 转, 分机 or a space the
// mobile was already found. Our own texts.

describe('a mobile with an extension after a dash', () => {
  const cases: [string, string, string][] = [
    ['我手机13812345678-1234，打不通就发短信', 'phone:13812345678', '我手机138****5678-1234，打不通就发短信'],
    ['联系电话：138 1234 5678-806，找刘经理', 'phone:138 1234 5678', '联系电话：138 **** 5678-806，找刘经理'],
    ['国外回拨+86 139 8765 4321-22', 'phone:+86 139 8765 4321', '国外回拨+86 139 **** 4321-22'],
    ['公司号码15912345678—8023转人工', 'phone:15912345678', '公司号码159****5678—8023转人工'],
    // already found before: after 转 or 分机 the mobile ends itself
    ['客户说手机是138 1234 5678 转 1234', 'phone:138 1234 5678', '客户说手机是138 **** 5678 转 1234'],
    ['电话13812345678分机302', 'phone:13812345678', '电话138****5678分机302'],
  ];
  for (const [text, want, masked] of cases) {
    it(text, () => {
      expect(found(text)).toEqual([want]);
      masks(text, masked);
    });
  }

  it('a call-centre turn', () => {
    const out = maskPiiTurns(
      [
        { speaker: 'agent', text: '请问您的联系方式是？' },
        { speaker: 'customer', text: '单位的，18612345678-2031，上班时间打' },
      ],
      'mask',
    );
    expect(out[1]).toBe('单位的，186****5678-2031，上班时间打');
  });

  it('hash: the token is the mobile\'s, the extension stays', () => {
    expect(hash('我手机13812345678-1234')).toBe(hash('我手机13812345678') + '-1234');
  });

  const kept = [
    // a business key with a dash suffix
    '订单号13812345678-1234',
    '工单号 13812345678-02',
    // six digits and more after the dash are no extension (a code or a range)
    '13812345678-123456',
    // a longer number grouped with dashes throughout
    '138-1234-5678-1234',
  ];
  for (const text of kept) it(`keeps ${text}`, () => expect(found(text)).toEqual([]));
});
