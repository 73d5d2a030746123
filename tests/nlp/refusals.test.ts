import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// A business refusing to act (不给X: 不给解决, 不给处理, 不给理赔, 不给保价) was a complaint only for 不给退/不给换/不给退款
// (sentiment words) or after 一直/就是: 客服也不给解决 and 保险公司不给理赔 gave no tag.

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a refusal to act', () => {
  it.each([
    ['卡被冻结了，客服也不给解决', '不给解决'],
    ['银行不给办理', '不给办理'],
    ['商家不肯给我处理', '不肯给我处理'],
    ['保险公司不给理赔', '不给理赔'],
    ['刚买就降价了，也不给保价', '不给保价'],
    ['商家不给开发票', '不给开发票'],
  ])('%s', async (text, opinion) => {
    const { tags } = await analyzeChecked(analyzer, text);
    expect(tags.some((t) => t.opinion.endsWith(opinion) && t.polarity === 'negative'), showTags(tags)).toBe(true);
  });

  it('asking whether they will, or asking them to, is no refusal', async () => {
    for (const text of ['你们给不给解决？', '麻烦给我处理一下']) {
      const { tags } = await analyzeChecked(analyzer, text);
      expect(tags, `${text}: ${showTags(tags)}`).toEqual([]);
    }
  });
});
