import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveModelDir } from '../../src/nlp/model/model-dir.js';
import { applyHead, clauseFeatures, deserializeHead, serializeHead, type HeadWeights } from '../../src/nlp/model/head.js';
import { decodeHeadData, encodeHeadData, readHeadData } from '../../src/nlp/model/head-data.js';
import { buildCandidate, type CorrectionExample } from '../../src/nlp/model/head-candidate.js';
import { emptyHead, evaluate, gateReasons, predict, predictPipeline, sliceMetrics, trainHead, vocabularyOf, type HeadExample } from '../../src/nlp/model/head-train.js';
import { CATEGORY_IDS, type ClauseClassification } from '../../src/nlp/types.js';

const uniform3 = Float32Array.from([Math.log(0.3), Math.log(0.3), Math.log(0.4)]);

function example(text: string, label: number, opts: Partial<HeadExample> = {}): HeadExample {
  return { ...clauseFeatures(text), task: 'sentiment', base: uniform3, label, binary: false, weight: 1, ...opts };
}

const baseClassification: ClauseClassification = {
  sentiment: { negative: 0.2, neutral: 0.1, positive: 0.7 },
  category: Object.fromEntries(CATEGORY_IDS.map((c, i) => [c, i === 6 ? 0.5 : 0.5 / 14])),
};

describe('residual head', () => {
  test('n-gram features are deterministic, distinct and normalised', () => {
    const a = clauseFeatures('网速真是绝了');
    expect(Array.from(a.keys)).toEqual(Array.from(clauseFeatures('网速真是绝了').keys));
    expect(new Set(a.keys).size).toBe(a.keys.length);
    // 6 unigrams + 5 bigrams + 4 trigrams, all distinct here
    expect(a.keys.length).toBe(15);
    expect(a.scale).toBeCloseTo(1 / Math.sqrt(15));
    // full width and case fold like the model's tokenizer
    expect(Array.from(clauseFeatures('ＡＰＰ卡').keys)).toEqual(Array.from(clauseFeatures('app卡').keys));
  });

  test('an empty head reproduces the base model and adjusts nothing', () => {
    const out = applyHead(baseClassification, '网速真是绝了', emptyHead('v0'));
    expect(out.sentiment.positive).toBeCloseTo(0.7, 4);
    expect(out.category.network).toBeCloseTo(0.5, 4);
    expect(out.adjusted).toEqual({ sentiment: false, category: false });
  });

  test('training learns a pattern from corrections and leaves clauses without it alone', () => {
    const corrections = ['网速真是绝了', '信号真是绝了', '客服真是绝了', '物流真是绝了', '账单真是绝了'].map((t) => example(t, 0, { weight: 5 }));
    const anchors = Array.from({ length: 200 }, (_, i) => example(`第${i}次体验还可以`, 2, { anchor: true }));
    const head = trainHead('v1', [...anchors, ...corrections], vocabularyOf(corrections));
    const unseen = example('宽带真是绝了', 0);
    expect(predict(null, unseen)).toBe(2);
    expect(predict(head, unseen)).toBe(0);
    // no shared n-gram: exactly the base answer
    const other = example('服务很好', 2);
    expect(predict(head, other)).toBe(2);
    const applied = applyHead(baseClassification, '宽带真是绝了', head);
    expect(applied.adjusted?.sentiment).toBe(true);
    expect(applied.sentiment.negative).toBeGreaterThan(applied.sentiment.positive);
    expect(applyHead(baseClassification, '服务很好', head).adjusted).toEqual({ sentiment: false, category: false });
  });

  test('the vocabulary keeps the most frequent n-grams up to its cap and skips common ones', () => {
    const ex = [example('网速真是绝了', 0), example('网速很慢', 0), example('网速还行', 1)];
    const all = vocabularyOf(ex);
    const capped = vocabularyOf(ex, undefined, 3);
    expect(capped.length).toBe(3);
    const top = clauseFeatures('网速');
    // 网, 速 and 网速 occur in all three examples
    expect(Array.from(capped)).toEqual(Array.from(top.keys));
    const common = new Set(top.keys);
    expect(vocabularyOf(ex, common).length).toBe(all.length - 3);
  });

  test('serialisation round-trips exactly', () => {
    const corrections = ['网速真是绝了', '信号真是绝了'].map((t) => example(t, 0, { weight: 5 }));
    const head = trainHead('v2', corrections, vocabularyOf(corrections));
    const back: HeadWeights = deserializeHead(JSON.parse(JSON.stringify(serializeHead(head))));
    expect(back.version).toBe('v2');
    expect(Array.from(back.sentiment.keys)).toEqual(Array.from(head.sentiment.keys));
    expect(Array.from(back.sentiment.w)).toEqual(Array.from(head.sentiment.w));
    expect(() => deserializeHead({ ...serializeHead(head), sentiment: { ...serializeHead(head).sentiment, bias: [0] } })).toThrow(/malformed/);
  });

  test('pipeline answers: the head where it learned something, else what the pipeline said before', () => {
    const corrections = ['网速真是绝了', '信号真是绝了', '客服真是绝了'].map((t) => example(t, 0, { weight: 5 }));
    const head = trainHead('v3', corrections, vocabularyOf(corrections));
    expect(predictPipeline(head, { ...example('宽带真是绝了', 0), before: 2 })).toBe(0);
    expect(predictPipeline(head, { ...example('服务很好', 2), before: 1 })).toBe(1);
    expect(predictPipeline(null, { ...example('服务很好', 2), before: -1 })).toBe(-1);
    expect(predictPipeline(null, example('服务很好', 2))).toBe(2);
  });

  test('binary sentiment examples are scored positive vs negative', () => {
    const e = { ...example('一般', 0, { binary: true }), base: Float32Array.from([Math.log(0.3), Math.log(0.5), Math.log(0.2)]) };
    expect(predict(null, e)).toBe(0);
    expect(evaluate(null, [e]).sentimentAccuracy).toBe(1);
  });
});

describe('metrics and the gate', () => {
  const m = (overall: number | null, s: number | null = overall, c: number | null = overall, n = 10) => ({
    n,
    nSentiment: n,
    nCategory: n,
    sentimentAccuracy: s,
    categoryAccuracy: c,
    categoryMacroF1: c,
    overall,
  });

  test('slice metrics count each task and average them', () => {
    const ex = [example('a', 0), example('b', 2), { ...example('c', 3), task: 'category' as const, base: new Float32Array(15) }];
    const r = sliceMetrics(ex, [0, 0, 3]);
    expect(r).toMatchObject({ n: 3, nSentiment: 2, nCategory: 1, sentimentAccuracy: 0.5, categoryAccuracy: 1, overall: 0.75 });
  });

  test('passes only when better on corrections and not worse on the regression set', () => {
    expect(gateReasons({ regression: m(0.9), parentRegression: m(0.9), corrections: m(0.8), parentCorrections: m(0.2) })).toEqual([]);
    expect(gateReasons({ regression: m(0.897), parentRegression: m(0.9), corrections: m(0.8), parentCorrections: m(0.2) })).toEqual([]);
    const worse = gateReasons({ regression: m(0.89), parentRegression: m(0.9), corrections: m(0.8), parentCorrections: m(0.2) });
    expect(worse.map((r) => r.field)).toEqual(['metrics.regression.overall']);
    const taskDrop = gateReasons({ regression: m(0.9, 0.85, 0.95), parentRegression: m(0.9, 0.9, 0.9), corrections: m(0.8), parentCorrections: m(0.2) });
    expect(taskDrop.map((r) => r.field)).toEqual(['metrics.regression.sentimentAccuracy']);
    // code + params let the UI word the reason in Chinese
    expect(taskDrop[0]).toMatchObject({ code: 'regression_task_fell', params: { task: 'sentimentAccuracy', parent: 90, candidate: 85, allowed: 1 } });
    const same = gateReasons({ regression: m(0.9), parentRegression: m(0.9), corrections: m(0.5), parentCorrections: m(0.5) });
    expect(same[0]!.message).toMatch(/not better on the corrected slice: 50.0% .* vs 50.0%/);
    const none = gateReasons({ regression: m(0.9), parentRegression: m(0.9), corrections: m(null, null, null, 0), parentCorrections: m(null, null, null, 0) });
    expect(none[0]!.message).toMatch(/no new corrections/);
    expect(none[0]).toMatchObject({ code: 'no_corrections', params: {} });
    expect(same[0]).toMatchObject({ code: 'corrections_not_better', params: { candidate: 50, parent: 50 } });
  });

  test('on the reviewed tags (corrections plus confirmed) a candidate must be better overall and not worse at either task', () => {
    const base = { regression: m(0.9), parentRegression: m(0.9), corrections: m(0.8), parentCorrections: m(0.2) };
    expect(gateReasons({ ...base, reviewed: m(0.65, 0.7, 0.6, 40), parentReviewed: m(0.6, 0.6, 0.6, 40) })).toEqual([]);
    // as many right answers broken as fixed: nothing gained for the labelers
    const tie = gateReasons({ ...base, reviewed: m(0.6, 0.6, 0.6, 40), parentReviewed: m(0.6, 0.6, 0.6, 40) });
    expect(tie).toEqual([expect.objectContaining({ field: 'metrics.reviewed.overall', code: 'reviewed_not_better', params: { candidate: 60, parent: 60, n: 40, nSentiment: 40, nCategory: 40 } })]);
    expect(tie[0]!.message).toMatch(/not better on the reviewed tags .*40 sentiment and 40 category judgments.*60.0% vs 60.0%/);
    // better at sentiment, worse at category: a trade the labelers did not ask for
    const fell = gateReasons({ ...base, reviewed: m(0.625, 0.7, 0.55, 40), parentReviewed: m(0.6, 0.6, 0.6, 40) });
    expect(fell).toEqual([
      expect.objectContaining({ field: 'metrics.reviewed.categoryAccuracy', code: 'reviewed_fell', params: { task: 'categoryAccuracy', candidate: 55, parent: 60, n: 40 } }),
    ]);
    expect(fell[0]!.message).toMatch(/reviewed tags .*40 category judgments.*categoryAccuracy fell from 60.0% to 55.0%/);
  });

  test('a head that fixes its corrections by breaking confirmed right answers is refused', () => {
    // The base model calls every clause positive (uniform3). Labelers corrected sarcastic "绝了" to
    // negative, and accepted many tags where "绝了" is praise: learning the corrections breaks those.
    const positive = Float32Array.from([Math.log(0.2), Math.log(0.1), Math.log(0.7)]);
    const mk = (text: string, label: number, at: number, before: number): CorrectionExample => ({ ...example(text, label), base: positive, weight: 5, at, before });
    const corrections = ['网速真是绝了', '客服态度真是绝了', '这速度也是绝了', '排队两小时真是绝了', '扣费扣得真绝了', '信号差得绝了', '又掉线了真绝了', '退款流程绝了'].map((t, i) =>
      mk(t, 0, i + 1, 2),
    );
    const praise = ['味道绝了', '这家的汤绝了', '服务真是绝了好评', '景色绝了', '口感绝了', '包装绝了很用心', '性价比绝了', '音质绝了', '拍照效果绝了', '颜值绝了', '这个价格绝了', '手感绝了'];
    const confirmed = praise.flatMap((t, i) => [mk(t, 2, 100 + i, 2), mk(`${t}！`, 2, 200 + i, 2)]).map((e) => ({ ...e, weight: 1 }));
    const generic = ['服务很好', '价格便宜', '送货很快', '质量不错', '很满意'].map((t) => ({ ...example(t, 2), base: positive }));
    const input = { version: 'r1', base: generic, regression: generic, corrections, parent: null, parentCutoff: 0, folds: 4 };
    const blind = buildCandidate(input);
    expect(blind.metrics.corrections.overall!).toBeGreaterThan(blind.parentMetrics.corrections.overall!);
    expect(blind.gate.passes).toBe(true);
    expect(blind.metrics.confirmed.n).toBe(0);

    const judged = buildCandidate({ ...input, confirmed });
    expect(judged.metrics.confirmed.n).toBe(confirmed.length);
    expect(judged.parentMetrics.confirmed.sentimentAccuracy).toBe(1);
    expect(judged.metrics.confirmed.sentimentAccuracy!).toBeLessThan(0.9);
    expect(judged.metrics.reviewed.n).toBe(corrections.length + confirmed.length);
    expect(judged.gate.passes).toBe(false);
    expect(judged.gate.reasons.map((r) => [r.code, r.params.task])).toEqual([
      ['reviewed_not_better', undefined],
      ['reviewed_fell', 'sentimentAccuracy'],
    ]);
    // the same head, judged on praise it does not touch, passes
    const unrelated = ['服务很好', '价格便宜', '送货很快'].map((t, i) => ({ ...mk(t, 2, 300 + i, 2), weight: 1 }));
    expect(buildCandidate({ ...input, confirmed: unrelated }).gate.passes).toBe(true);
  });
});

describe('shipped head data', () => {
  test('encodes and decodes losslessly', () => {
    const set = { baseVersion: 'x', sources: ['a', 'b'], examples: [{ ...example('网速真是绝了', 1), source: 1, anchor: true }] };
    const back = decodeHeadData(encodeHeadData(set));
    expect(back.baseVersion).toBe('x');
    expect(back.sources).toEqual(['a', 'b']);
    expect(Array.from(back.examples[0]!.keys)).toEqual(Array.from(set.examples[0]!.keys));
    expect(back.examples[0]).toMatchObject({ task: 'sentiment', label: 1, source: 1, binary: false, anchor: true });
    expect(() => decodeHeadData(Buffer.from('nope'))).toThrow(/not a head data file/);
  });

  test('was built for the shipped model and holds both tasks', () => {
    const dir = resolveModelDir('models/current')!;
    const version = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { guandian: { version: string } }).guandian.version;
    for (const name of ['base', 'regression']) {
      const set = readHeadData(join(dir, 'head', `${name}.bin`));
      expect(set.baseVersion).toBe(version);
      expect(set.examples.filter((e) => e.task === 'sentiment').length).toBeGreaterThan(1000);
      expect(set.examples.filter((e) => e.task === 'category').length).toBeGreaterThan(1000);
      expect(set.sources).toContain(name === 'base' ? 'waimai_10k' : 'gold');
    }
  });
});
