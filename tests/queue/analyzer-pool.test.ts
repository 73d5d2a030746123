import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { AnalyzerPool } from '../../src/worker/analyzer-pool.js';

// Real analyzer threads. A stuck thread is simulated by asking the watchdog about a moment far past
// the stall limit while a request is still in flight. The request is a long document (about a second of
// work): a short one could be answered by the thread, which runs in parallel, before the watchdog looks
// (the test failed that way under load once the rules got faster).

let pool: AnalyzerPool;
beforeAll(async () => {
  pool = await AnalyzerPool.start({ lexiconDir: 'lexicons', modelDir: 'models/current' }, 1, createLogger('silent'));
});
afterAll(async () => pool.close());

describe('analyzer pool watchdog', () => {
  test('a thread holding work past the stall limit is replaced; its request fails, the next one is served', async () => {
    const input = { kind: 'comment' as const, text: '网速太慢了，客服态度也很差' };
    expect((await pool.analyze(input)).tags.length).toBeGreaterThan(0);

    const stuck = pool.analyze({ kind: 'comment', text: '网速太慢了，客服态度也很差，'.repeat(1500) });
    pool.terminateStalled(Date.now() + pool.stallMs + 1);
    await expect(stuck).rejects.toThrow(/stalled/);

    // the replacement thread comes up and takes work again
    const deadline = Date.now() + 30_000;
    let result = null;
    while (!result && Date.now() < deadline) {
      result = await pool.analyze(input).catch(() => null);
      if (!result) await new Promise((r) => setTimeout(r, 100));
    }
    expect(result?.tags.map((t) => t.polarity)).toEqual(['negative', 'negative']);
  });

  test('an idle thread is left alone', async () => {
    pool.terminateStalled(Date.now() + pool.stallMs + 1);
    const results = await Promise.all(Array.from({ length: 5 }, () => pool.analyze({ kind: 'comment', text: '信号很好' })));
    expect(results.every((r) => r.tags.length === 1)).toBe(true);
  });
});
