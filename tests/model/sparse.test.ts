import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModelDir } from '../../src/nlp/model/index.js';
import { charNgrams, SparseLinear, type SparseMeta } from '../../src/nlp/model/sparse.js';
import { modelChars } from '../../src/nlp/model/tokenizer.js';

describe('sparse n-gram models', () => {
  it('cut n-grams in scikit-learn char-analyzer order: by length, then by position', () => {
    expect(charNgrams(['网', '络', '卡'], [1, 3])).toEqual(['网', '络', '卡', '网络', '络卡', '网络卡']);
    expect(charNgrams(['好'], [2, 3])).toEqual([]);
    // a surrogate pair is one character, as in Python
    expect(charNgrams(modelChars('赞😀'), [2, 2])).toEqual(['赞😀']);
  });

  it('score a text the same from shared n-grams as on their own', () => {
    const dir = resolveModelDir('models/current')!;
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { guandian: { sparse: Record<'sentiment' | 'category', SparseMeta> } };
    const sent = new SparseLinear(dir, cfg.guandian.sparse.sentiment);
    const cat = new SparseLinear(dir, cfg.guandian.sparse.category);
    for (const text of ['网络顺畅，客服态度也很好', '等了两个小时还没人处理！！', 'APP 一直闪退', '']) {
      const grams = charNgrams(modelChars(text), sent.meta.ngram_range);
      expect(sent.scoreGrams(grams)).toEqual(sent.score(text));
      expect(cat.scoreGrams(grams)).toEqual(cat.score(text));
      // a wider list (longer n-grams appended) scores the same: its extra lengths are not in the vocabulary
      const [lo, hi] = sent.meta.ngram_range;
      expect(sent.scoreGrams(charNgrams(modelChars(text), [lo, hi + 2]))).toEqual(sent.score(text));
    }
    expect(sent.score('服务态度特别好')[0]).toBeGreaterThan(0);
    expect(sent.score('等了两个小时还没人处理')[0]).toBeLessThan(0);
  });
});
