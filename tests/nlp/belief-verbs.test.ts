import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a word that only ends in 得 is not the verb of a speed complement', () => {
  // 送得很快 keeps its verb (the gold convention); 觉得 / 显得 / 记得 are words of their own, not V + 得
  it.each([
    ['我觉得慢', '慢', 'negative'],
    ['说实话我觉得很慢', '很慢', 'negative'],
    ['页面显得很慢', '很慢', 'negative'],
    ['我觉得挺快', '挺快', 'positive'],
  ] as const)('%s', async (text, opinion, polarity) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(tags.map((t) => [t.opinion, t.polarity]), showTags(tags)).toEqual([[opinion, polarity]]);
  });

  it('a real verb before 得 still stays with its complement', async () => {
    const { tags } = await analyzeChecked(analyzer, '外卖送得很快');
    expect(tags.map((t) => t.opinion), showTags(tags)).toEqual(['送得很快']);
  });
});

describe('a verdict under a negated verb of belief is denied', () => {
  // 不觉得贵 says the price is fine; the word alone (贵) says the opposite of what the customer means
  it.each([
    ['我不觉得价格贵', '价格', 'positive'],
    ['我并不觉得网速慢', '网速', 'positive'],
    ['没感觉信号差，挺稳定的', '信号', 'positive'],
    ['我不认为客服态度差', '客服态度', 'positive'],
    ['也没有觉得东西好', '东西', 'negative'],
    ['我不觉得这个app好用', 'app', 'negative'],
  ] as const)('%s', async (text, aspect, polarity) => {
    const { tags } = await analyzeChecked(analyzer, text);
    const tag = tags.find((t) => t.aspect === aspect);
    expect(tag?.polarity, showTags(tags)).toBe(polarity);
    // the denial is part of the phrase, and the span covers the target it names
    expect(tag!.opinion, showTags(tags)).toMatch(/^(?:并)?(?:不|没有?)(?:觉得|认为|感觉)/);
    expect(text.slice(tag!.span.start, tag!.span.end)).toContain(aspect);
  });

  it.each([
    ['不觉得贵', '不觉得贵', 'positive'],
    ['这次也不觉得吵', '不觉得吵', 'positive'],
    ['宝宝买的，真没觉得好', '真没觉得好', 'negative'],
    ['没觉得慢', '没觉得慢', 'positive'],
  ] as const)('%s (no target)', async (text, opinion, polarity) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(tags.map((t) => [t.opinion, t.polarity]), showTags(tags)).toEqual([[opinion, polarity]]);
  });

  it('someone else not seeing a fault, or the question, is not the customer denying one', async () => {
    for (const text of ['看来人家就不觉得有问题', '客服就是不认为机器有问题', '你不觉得价格很贵吗？']) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags.some((t) => t.polarity === 'positive'), `${text}: ${showTags(tags)}`).toBe(false);
    }
  });
});
