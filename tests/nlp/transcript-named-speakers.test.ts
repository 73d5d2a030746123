import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// A speaker role followed by a short name and a colon, no brackets (客服小王：, 坐席小李：, 客户张先生：), was not read as
// a speaker prefix: no line of the call was, so the whole call was one customer text and the agent's sales talk (我们的
// 套餐很划算, 我们的服务很好) became the customer's praise, with no turnIndex. 客服(工号1023)： already worked.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a speaker role with a short name', () => {
  it.each([
    '客服小王：您好，我们的套餐很划算\n客户张先生：资费太贵了\n客服小王：我们的服务很好',
    '坐席小李：您好，我们的套餐很划算\n客户：资费太贵了\n坐席小李：我们的服务很好',
    '客服王芳：您好，我们的套餐很划算\n客户李建国：资费太贵了\n客服王芳：我们的服务很好',
    '客服老周：您好，我们的套餐很划算\n客户陈女士：资费太贵了\n客服老周：我们的服务很好',
    '[00:01] 客服 小王：您好，我们的套餐很划算\n[00:05] 客户：资费太贵了\n[00:09] 客服 小王：我们的服务很好',
  ])('%s', async (text) => {
    const res = await analyzer.analyze({ kind: 'transcript', text });
    expect(res.tags.map((t) => [t.aspect, t.opinion, t.polarity, t.turnIndex]), showTags(res.tags)).toEqual([['资费', '太贵', 'negative', 1]]);
    const t = res.tags[0]!;
    expect(text.slice(t.span.start, t.span.end)).toBe('资费太贵');
  });

  it('a customer line that opens with the word 客服 and a colon is still the customer speaking', async () => {
    for (const text of ['客服态度很差：问了三遍都说不知道', '客服太差：问了三遍都说不知道']) {
      const res = await analyzer.analyze({ kind: 'transcript', text });
      expect(res.tags.some((t) => t.opinion.includes('差') && t.polarity === 'negative'), `${text}: ${showTags(res.tags)}`).toBe(true);
    }
  });
});

describe("a speaker role with the agent's number", () => {
  it('客服007：, 坐席8023：, 客服3号：', async () => {
    for (const agent of ['客服007', '坐席8023', '客服3号']) {
      const text = `客户：你好，我要投诉\n${agent}：您好，我们的服务很好\n客户：资费太贵了`;
      const res = await analyzer.analyze({ kind: 'transcript', text });
      expect(res.tags.map((t) => [t.aspect, t.opinion, t.polarity, t.turnIndex]), `${text}: ${showTags(res.tags)}`).toEqual([['资费', '太贵', 'negative', 2]]);
    }
  });
});
