import { describe, expect, it } from 'vitest';
import { customerText, findWords } from '../../src/actions/text.js';

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
