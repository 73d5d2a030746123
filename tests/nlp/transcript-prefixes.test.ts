import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// A transcript stored as one text with speaker prefixes: call-centre and speech-recognition exports put a time before the
// speaker ([00:05] 客户：…, 2024-11-30 10:01:02 坐席：…) or a note after it (客服(工号1023)：…, 客户（张先生）：…). No
// line was read as a prefix, so the whole call was one customer text: the agent's sales talk (我们的套餐很划算) became
// the customer's praise, and tags had no turnIndex.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('speaker prefixes with a time or a note', () => {
  it.each([
    '[00:01] 客服：您好，我们的套餐很划算\n[00:05] 客户：资费太贵了\n[00:09] 客服：我们的服务很好',
    '00:00:01 坐席：您好，我们的套餐很划算\n00:00:05 客户：资费太贵了\n00:00:09 坐席：我们的服务很好',
    '2024-11-30 10:01:02 客服：您好，我们的套餐很划算\n2024-11-30 10:01:09 客户：资费太贵了\n2024-11-30 10:01:15 客服：我们的服务很好',
    '客服(工号1023)：您好，我们的套餐很划算\n客户（张先生）：资费太贵了\n客服(工号1023)：我们的服务很好',
    '【00:01】【客服】您好，我们的套餐很划算\n【00:05】【客户】资费太贵了\n【00:09】【客服】我们的服务很好',
  ])('%s', async (text) => {
    const res = await analyzer.analyze({ kind: 'transcript', text });
    // only the customer's line, as the second turn, its span into the stored text
    expect(res.tags.map((t) => [t.aspect, t.opinion, t.polarity, t.turnIndex]), showTags(res.tags)).toEqual([['资费', '太贵', 'negative', 1]]);
    const t = res.tags[0]!;
    expect(text.slice(t.span.start, t.span.end)).toBe('资费太贵');
  });

  it('a customer line that merely starts with a time is no prefix', async () => {
    const text = '客服：您好\n客户：我十点打的电话\n10:30 还没人接，效率太低';
    const res = await analyzer.analyze({ kind: 'transcript', text });
    expect(res.tags.some((t) => t.opinion.includes('太低') && t.turnIndex === 1), showTags(res.tags)).toBe(true);
  });
});
