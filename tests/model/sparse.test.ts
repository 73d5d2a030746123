import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModelDir } from '../../src/nlp/model/index.js';
import { charNgrams, mixedSentiment, routerProbabilities, SparseLinear, VocabIndex, type SparseMeta, type SparseMixture } from '../../src/nlp/model/sparse.js';
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

  it('find every n-gram of the shipped vocabularies at its line, as a Map of the lines would, and nothing else', () => {
    const dir = resolveModelDir('models/current')!;
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { guandian: { sparse: Record<'sentiment' | 'category', SparseMeta> } };
    for (const meta of Object.values(cfg.guandian.sparse)) {
      const text = readFileSync(join(dir, meta.vocab), 'utf8');
      const lines = text.split('\n');
      const index = new VocabIndex(text);
      expect(index.size).toBe(lines.length);
      const map = new Map(lines.map((g, i) => [g, i]));
      const wrong = lines.filter((g) => index.get(g) !== map.get(g));
      expect(wrong.slice(0, 5), meta.vocab).toEqual([]);
      // n-grams of real text, most of them not in the vocabulary, and near misses of lines that are
      const probes = [
        ...charNgrams(modelChars('酒店前台办理入住很快，房间干净；外卖送得太慢了，菜都凉了！APP 一直闪退😀'), [1, 5]),
        ...lines.slice(0, 2000).flatMap((g) => [g + '的', g.slice(1), `${g} `]),
        '',
        '\n',
      ];
      const differ = probes.filter((g) => index.get(g) !== map.get(g));
      expect(differ.slice(0, 5), meta.vocab).toEqual([]);
    }
  });

  it('index a repeated line at its last occurrence and an empty line as the empty n-gram, as Map.set would', () => {
    const index = new VocabIndex('网络\n卡\n网络\n\n好');
    expect(index.size).toBe(5);
    expect(index.get('网络')).toBe(2);
    expect(index.get('卡')).toBe(1);
    expect(index.get('')).toBe(3);
    expect(index.get('好')).toBe(4);
    expect(index.get('网')).toBeUndefined();
    expect(index.get('网络卡')).toBeUndefined();
  });

  it('mix sentiment columns: pooled alone out of domain, the mean with the expert in domain', () => {
    // columns: 0 pooled, 1-2 experts (hotel, waimai), 3-5 router (hotel, waimai, other)
    const mixture: SparseMixture = { experts: [1, 2], router: [3, 4, 5], router_domains: ['hotel', 'waimai', 'other'] };
    const sure = 40; // sigmoid(±40) is 1 or 0 to 17 digits
    expect(mixedSentiment([1.5, -3, 7, -sure, -sure, sure], mixture)).toBeCloseTo(1.5, 9);
    expect(mixedSentiment([1.5, -3, 7, sure, -sure, -sure], mixture)).toBeCloseTo((1.5 - 3) / 2, 9);
    expect(mixedSentiment([1.5, -3, 7, -sure, sure, -sure], mixture)).toBeCloseTo((1.5 + 7) / 2, 9);
    // undecided router: each domain weighs a third
    expect(mixedSentiment([1.5, -3, 7, 0, 0, 0], mixture)).toBeCloseTo(1.5 + ((-3 - 1.5) / 3 + (7 - 1.5) / 3) / 2, 9);
    expect(mixedSentiment([2, 9, 9], undefined)).toBe(2);
  });

  it('route the shipped model\'s texts to the domain experts they belong to', () => {
    const dir = resolveModelDir('models/current')!;
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { guandian: { sparse: Record<'sentiment', SparseMeta> } };
    const sent = new SparseLinear(dir, cfg.guandian.sparse.sentiment);
    const mixture = sent.meta.mixture!;
    expect(mixture.router_domains).toEqual(['hotel', 'waimai', 'other']);
    const route = (text: string) => {
      const p = routerProbabilities(sent.score(text), mixture);
      return Object.fromEntries(mixture.router_domains.map((d, j) => [d, p[j]!]));
    };
    expect(route('酒店前台办理入住很快，房间干净，早餐丰富').hotel).toBeGreaterThan(0.5);
    expect(route('外卖送得太慢了，菜都凉了，米饭也不够').waimai).toBeGreaterThan(0.5);
    expect(route('手机宽带又断网了，营业厅也不给解决').other).toBeGreaterThan(0.5);
  });
});
