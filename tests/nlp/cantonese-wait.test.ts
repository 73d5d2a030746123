import { beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/nlp/analyzer.js';
import { analyzeChecked, LEXICON_DIR, showTags } from '../helpers/analyzer.js';
import { normalizeText, toOriginal } from '../../src/nlp/normalize.js';
import type { Analyzer } from '../../src/nlp/types.js';

// 等咗成個鐘都冇人理 ("waited a whole hour and nobody answered") gave only 都冇人理, with 鐘 as its aspect: the
// perfective 咗 was not read as 了, and 成个钟 (a whole hour) was no wait. 咗 → 了 is one character for one, like
// 唔 → 不 and 冇 → 没, so the spans still slice the stored Cantonese text (analyzeChecked checks every tag's).

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer({ lexiconDir: LEXICON_DIR });
});

describe('a Cantonese wait', () => {
  it('等咗成個鐘都冇人理', async () => {
    const { tags } = await analyzeChecked(analyzer, '等咗成個鐘都冇人理');
    expect(tags.map((t) => [t.aspect, t.opinion, t.polarity, t.category]), showTags(tags)).toEqual([
      [null, '等咗成個鐘', 'negative', 'efficiency'],
      [null, '都冇人理', 'negative', 'resolution'],
    ]);
  });

  it('咗 reads as 了, one character for one', () => {
    const n = normalizeText('部手機壞咗，等咗成個鐘');
    expect(n.text).toBe('部手机坏了,等了成个钟');
    const at = n.text.indexOf('等了成个钟');
    expect(toOriginal(n, at, at + 5)).toEqual({ start: 6, end: 11 });
  });

  it('a whole hour in Mandarin too', async () => {
    const { tags } = await analyzeChecked(analyzer, '营业厅排了成个钟头的队');
    expect(tags.some((t) => t.opinion.startsWith('排了成个钟') && t.polarity === 'negative'), showTags(tags)).toBe(true);
  });
});
