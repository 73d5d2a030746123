import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createModelClassifier } from '../../src/nlp/model/classifier.js';
import { baseLogProbs, clauseFeatures, serializeHead, type SerializedHead } from '../../src/nlp/model/head.js';
import { trainHead, vocabularyOf, type HeadExample } from '../../src/nlp/model/head-train.js';
import { AnalyzerPool } from '../../src/worker/analyzer-pool.js';

// Retrained heads reach the analyzer threads once and are then named in requests. Versions are per
// tenant, so two tenants can both have "<base>+r1": the threads must keep them apart.

let pool: AnalyzerPool;
const TEXTS = ['这网速真是绝了', '信号真是绝了', '客服真是绝了', '物流真是绝了', '账单真是绝了'];

async function headFor(label: number, id: string): Promise<SerializedHead> {
  const c = (await createModelClassifier('models/current'))!;
  const probs = await c.classify(TEXTS);
  const ex: HeadExample[] = TEXTS.map((t, i) => ({ ...clauseFeatures(t), task: 'sentiment', base: baseLogProbs(probs[i]!).sentiment, label, binary: false, weight: 20 }));
  return { ...serializeHead(trainHead('guandian-zh-cx-test+r1', ex, vocabularyOf(ex))), id };
}

beforeAll(async () => {
  pool = await AnalyzerPool.start({ lexiconDir: 'lexicons', modelDir: 'models/current' }, 1, createLogger('silent'));
});
afterAll(async () => pool.close());

describe('heads in analyzer threads', () => {
  test('two tenants with the same version name get their own head', async () => {
    const negative = await headFor(0, 'telco:guandian-zh-cx-test+r1');
    const positive = await headFor(2, 'fans:guandian-zh-cx-test+r1');
    const input = { kind: 'comment' as const, text: '这宽带真是绝了' };
    const plain = await pool.analyze(input);
    const a = await pool.analyze(input, undefined, negative);
    const b = await pool.analyze(input, undefined, positive);
    const again = await pool.analyze(input, undefined, negative);
    const polarity = (r: typeof a) => r.tags.find((t) => t.opinion.includes('绝了'))?.polarity;
    // The rules call 绝了 praise; each tenant's head wins where it learned something.
    expect(polarity(plain)).toBe('positive');
    expect(polarity(a)).toBe('negative');
    expect(polarity(b)).toBe('positive');
    expect(polarity(again)).toBe('negative');
    expect(a.modelVersion).toBe('guandian-zh-cx-test+r1');
    expect(plain.modelVersion).not.toBe(a.modelVersion);
  });
});
