import { describe, expect, it } from 'vitest';
import { aspectMatches, customerText, findWords } from '../../src/actions/text.js';

const doc = (kind: 'comment' | 'transcript', text: string | null, normalizedText: string | null = null) => ({ kind, text, turns: null, normalizedText });

describe("action keywords see only the customer's own words", () => {
  it('a transcript stored as prefixed text drops the agent lines', () => {
    const text = '坐席：您好，您是要投诉吗？\n客户：信号很差，经常断网';
    expect(findWords(customerText(doc('transcript', text, '信号很差,经常断网')), ['投诉', '断网'])).toEqual(['断网']);
  });

  it("a review drops the merchant's reply but keeps the customer's follow-up", () => {
    const text = '发货太慢。商家回复：亲，可以申请退款哦。补充点评：等了十天，我要投诉';
    expect(findWords(customerText(doc('comment', text)), ['退款', '投诉', '太慢'])).toEqual(['投诉', '太慢']);
  });

  it('keywords in simplified Chinese match traditional text through the normalized text', () => {
    expect(findWords(customerText(doc('comment', '我要投訴', '我要投诉')), ['投诉'])).toEqual(['投诉']);
  });
});

// QA audit 2026-11-30: a transcript's keywords were matched only in its raw customer turns, so 投訴 and
// １２３１５ in a call missed 投诉 and 12315 (a comment's normalized text caught them); a rule keyword in
// traditional or full-width form matched nothing; and a rule on the aspect 网络 missed 網絡 and ＷＩＦＩ, which
// the dashboard counts under 网络.
describe('script and width on either side', () => {
  const call = (customer: string, normalizedText: string) => ({
    kind: 'transcript' as const,
    text: null,
    turns: [
      { speaker: 'agent' as const, text: '您好，请问是要投诉吗？' },
      { speaker: 'customer' as const, text: customer },
    ],
    normalizedText,
  });

  it("a transcript's customer turns match in their normalized form; the agent's words still do not", () => {
    expect(findWords(customerText(call('信號太差了，我要投訴你們', '信号太差了,我要投诉你们')), ['投诉'])).toEqual(['投诉']);
    expect(findWords(customerText(call('我要打１２３１５', '我要打12315')), ['12315'])).toEqual(['12315']);
    expect(findWords(customerText(call('信号太差了', '信号太差了')), ['投诉'])).toEqual([]);
  });

  it('a keyword written in traditional or full-width form matches simplified, half-width text', () => {
    expect(findWords(customerText(doc('comment', 'app闪退', 'app闪退')), ['ＡＰＰ閃退'])).toEqual(['ＡＰＰ閃退']);
  });

  it("a rule's aspect matches the tag's group and other scripts, not an unrelated aspect", () => {
    expect(aspectMatches({ aspect: '網絡', canonicalAspect: '网络' }, '网络')).toBe(true);
    expect(aspectMatches({ aspect: 'ＷＩＦＩ', canonicalAspect: '网络' }, '网络')).toBe(true);
    expect(aspectMatches({ aspect: '网络信号', canonicalAspect: '网络' }, '信号')).toBe(true);
    expect(aspectMatches({ aspect: null, canonicalAspect: '价格' }, '價格')).toBe(true);
    expect(aspectMatches({ aspect: '客服', canonicalAspect: '客服' }, '网络')).toBe(false);
  });
});
