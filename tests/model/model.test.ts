import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createModelClassifier, resolveModelDir } from '../../src/nlp/model/index.js';
import { CATEGORY_IDS, type ClauseClassification } from '../../src/nlp/types.js';

const MODEL = 'models/current';

const top = (c: ClauseClassification) =>
  Object.entries(c.category).reduce((a, b) => ((b[1] ?? 0) > (a[1] ?? 0) ? b : a))[0];

describe('shipped model', () => {
  it('is found through the models/current pointer', () => {
    const dir = resolveModelDir(MODEL);
    expect(dir).not.toBeNull();
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'MODEL_CARD.md', 'metrics.json'])
      expect(existsSync(join(dir!, f)), f).toBe(true);
  });

  it('returns null when no model is present', async () => {
    expect(await createModelClassifier('models/does-not-exist')).toBeNull();
  });

  it('loads offline and classifies unambiguous clauses', async () => {
    const clf = await createModelClassifier(MODEL);
    expect(clf).not.toBeNull();
    expect(clf!.kind).toBe('model');
    const cfg = JSON.parse(readFileSync(join(resolveModelDir(MODEL)!, 'config.json'), 'utf8')) as { guandian: { version: string } };
    expect(clf!.version).toBe(cfg.guandian.version);
    const pos = ['服务态度特别好', '房间干净，早餐丰盛', '送餐很快，味道很棒', '质量很好，非常满意', '客服很耐心，问题很快就解决了'];
    const neg = ['等了两个小时还没人处理', '太难吃了，再也不点了', '质量太差，用了两天就坏了', '客服态度恶劣', '房间又脏又吵'];
    const out = await clf!.classify([...pos, ...neg]);
    out.forEach((o, i) => {
      const s = o.sentiment;
      expect(s.negative + s.neutral + s.positive).toBeCloseTo(1, 5);
      const sum = Object.values(o.category).reduce((a, b) => a + (b ?? 0), 0);
      expect(sum).toBeCloseTo(1, 4);
      expect(Object.keys(o.category).every((k) => (CATEGORY_IDS as readonly string[]).includes(k))).toBe(true);
      const label = s.positive > s.negative ? 'positive' : 'negative';
      expect(label, [...pos, ...neg][i]).toBe(i < pos.length ? 'positive' : 'negative');
    });
  });

  it('gives a clause exactly the same scores alone and among others, as served (int8, one clause per call)', async () => {
    const texts = ['价格太贵了', '快递送得很快', '客服态度很差', '这家店的菜味道不错，就是有点贵', '网络信号不好', '等了两个小时还没人处理'];
    const clf = (await createModelClassifier(MODEL))!;
    const batch = await clf.classify(texts);
    const reversed = (await clf.classify([...texts].reverse())).reverse();
    for (let i = 0; i < texts.length; i++) {
      expect((await clf.classify([texts[i]!]))[0]).toEqual(batch[i]);
      expect(reversed[i]).toEqual(batch[i]);
    }
    expect(await clf.classify([])).toEqual([]);
    // float32 in padded batches differs from float32 alone in the last bits only
    const fp32 = (await createModelClassifier(MODEL, { quantized: false, batchSize: 4 }))!;
    const fb = await fp32.classify(texts);
    for (let i = 0; i < texts.length; i++) expect((await fp32.classify([texts[i]!]))[0]!.sentiment.positive).toBeCloseTo(fb[i]!.sentiment.positive, 6);
  });

  it('moves int8 scores with the batch when several clauses share a call, which is why serving runs one per call', async () => {
    const clf = (await createModelClassifier(MODEL, { quantized: true, batchSize: 8 }))!;
    const texts = ['价格太贵了', '快递送得很快', '客服态度很差，等了两个小时还没人处理，打了三次电话都说在处理', '网络信号不好'];
    const batch = await clf.classify(texts);
    const alone = await Promise.all(texts.map(async (t) => (await clf.classify([t]))[0]!));
    // close (the same verdicts) but not identical: the activation scale is the whole batch's
    texts.forEach((_, i) => expect(alone[i]!.sentiment.positive).toBeCloseTo(batch[i]!.sentiment.positive, 1));
    expect(alone.some((a, i) => a.sentiment.positive !== batch[i]!.sentiment.positive)).toBe(true);
  });

  it('matches the Python reference outputs (fp32 exactly, int8 closely)', async () => {
    const ref = JSON.parse(readFileSync('tests/model/fixtures/reference-outputs.json', 'utf8')) as {
      text: string;
      sentiment: [number, number, number];
      category: string;
    }[];
    const fp32 = (await createModelClassifier(MODEL, { quantized: false }))!;
    const int8 = (await createModelClassifier(MODEL, { quantized: true }))!;
    const a = await fp32.classify(ref.map((r) => r.text));
    const b = await int8.classify(ref.map((r) => r.text));
    ref.forEach((r, i) => {
      const s = a[i]!.sentiment;
      expect(s.negative).toBeCloseTo(r.sentiment[0], 3);
      expect(s.neutral).toBeCloseTo(r.sentiment[1], 3);
      expect(s.positive).toBeCloseTo(r.sentiment[2], 3);
      expect(top(a[i]!)).toBe(r.category);
      expect(Math.abs(b[i]!.sentiment.positive - r.sentiment[2])).toBeLessThan(0.1);
    });
  });
});
