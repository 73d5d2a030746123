import { describe, expect, it } from 'vitest';
import { run } from '../../src/eval/task-sentiment.js';

describe('eval task-sentiment run()', () => {
  it('returns sentiment metrics', async () => {
    const r = (await run('tests/model/fixtures/sentiment-small.jsonl', { task: 'sentiment', model: 'models/current' })) as Record<string, unknown>;
    expect(r.task).toBe('sentiment');
    expect(r.n).toBe(8);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(r.macroF1).toBeGreaterThan(0);
    expect(r.macroF1).toBeLessThanOrEqual(1);
  });

  it('returns category metrics', async () => {
    const r = (await run('tests/model/fixtures/category-small.jsonl', { task: 'category', model: 'models/current' })) as Record<string, unknown>;
    expect(r).toMatchObject({ task: 'category', n: 6 });
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(r.accuracy).toBeLessThanOrEqual(1);
    expect(typeof r.macroF1).toBe('number');
  });
});
