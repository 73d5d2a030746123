import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { LEXICON_DIR, opinionExpectations, showTags } from '../helpers/analyzer.js';
import type { Analyzer } from '../../src/nlp/types.js';

// Words and frames a third blind recall audit (tests/fixtures/gold/opinions-recall-audit-c-2026-11-29.jsonl) found
// missing. Our own sentences, with controls.

let analyzer: Analyzer;

beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

const { tags, expectTag } = opinionExpectations(() => analyzer);
const show = showTags;

describe('slang and set phrases of praise and complaint', () => {
  it('knows them, with the category they imply', async () => {
    const cases: [string, string, 'positive' | 'negative', string][] = [
      ['办事的姐姐还算有点人情味', '还算有点人情味', 'positive', 'service_attitude'],
      ['前台職員仲黑口黑面', '黑口黑面', 'negative', 'service_attitude'],
      ['卫生间地漏返臭', '返臭', 'negative', 'environment'],
      ['交了三年保费等于打水漂', '打水漂', 'negative', 'price'],
      ['这不是明抢吗', '这不是明抢吗', 'negative', 'price'],
      ['说好的优惠又不算了，有点膈应', '有点膈应', 'negative', 'other'],
      ['又踩大雷了', '又踩大雷了', 'negative', 'other'],
      ['白等一小时', '白等一小时', 'negative', 'efficiency'],
    ];
    for (const [text, opinion, polarity, category] of cases) {
      const ts = await tags(text);
      expect(ts.some((t) => t.opinion === opinion && t.polarity === polarity && t.category === category), `${text} ${show(ts)}`).toBe(true);
    }
  });

  it('reads 天花板 as praise only as a verdict, never the ceiling of a room', async () => {
    await expectTag('这家的服务绝对是天花板', '绝对是天花板', 'positive');
    for (const text of ['天花板有点漏水', '房间天花板很高', '天花板上有霉斑']) {
      const ts = await tags(text);
      expect(ts.some((t) => t.opinion.includes('天花板') && t.polarity === 'positive'), `${text} ${show(ts)}`).toBe(false);
    }
  });

  it('reads a taste or size just right as praise, and 刚好 elsewhere as nothing', async () => {
    await expectTag('辣度正好，分量也够', '正好', 'positive');
    const ts = await tags('我刚好路过就进去看了看');
    expect(ts.some((t) => t.opinion.includes('刚好')), show(ts)).toBe(false);
    await expectTag('奶茶甜到齁', '甜到齁', 'negative');
  });

  it('breaks on touch and a slow account credit', async () => {
    await expectTag('鱼片一夹就碎', '一夹就碎', 'negative');
    const ts = await tags('跨行入账慢');
    expect(ts.some((t) => t.aspect === '入账' && t.opinion === '慢' && t.polarity === 'negative'), show(ts)).toBe(true);
  });
});

describe('spans the audit showed cut short', () => {
  it('keeps a feeling caused (让人很反感, 没让我失望) but not a feeling reported (让我很难受)', async () => {
    await expectTag('这种套路让人很反感', '让人很反感', 'negative');
    await expectTag('这次没让我失望', '没让我失望', 'positive');
    const ts = await tags('柜员让我很难受');
    expect(ts.some((t) => t.opinion === '很难受' && t.polarity === 'negative'), show(ts)).toBe(true);
  });

  it('keeps degree complements written with 的, and 到上头', async () => {
    await expectTag('推销电话烦的要死', '烦的要死', 'negative');
    await expectTag('辣油香到上头', '香到上头', 'positive');
  });

  it('keeps the size of a scalar change and of damage (小了一圈, 破了个洞, 漏了一路)', async () => {
    await expectTag('房间比图片上小了一圈', '比图片上小了一圈', 'negative');
    await expectTag('外包装破了个洞', '破了个洞', 'negative');
    await expectTag('螺蛳粉汤漏了一路', '漏了一路', 'negative');
  });
});
