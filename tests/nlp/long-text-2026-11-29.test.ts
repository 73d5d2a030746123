import { describe, expect, it } from 'vitest';
import { LEXICON_DIR } from '../helpers/analyzer.js';
import { analyzeAllWithin } from '../helpers/worker-within.js';

// A text of ~19,000 characters made of one short opinion repeated (送得比你们快多了，×2,000; 说好的三天到呢，×2,400)
// held the rules for 60–110 s: every opinion without a target looked through every earlier clause of its sentence,
// and every look walked all the tokens of the text (cubic). It now looks back at most 8 clauses, over the tokens of
// the range only (a category from context likewise: at most 8 clauses back, and at most 80 characters back within
// one clause). The texts go through the built analyzer (dist/, as the service's analyzer threads run it) in a
// worker thread that is terminated if it has not answered in time; they take well under a second each.
describe('untrusted text of many clauses', () => {
  it('one long sentence of repeated opinions does not stall the rules', async () => {
    // (料子太差， x3,800 took the category context ~100 s the same way; 很方便 x6,300 is one clause of 19,000 characters)
    const texts = ['送得比你们快多了，', '比别家快多了，', '说好的三天到呢，', '之前那家隔音太差，隔壁那家送得比你们快多了，', '料子太差，', '很方便'].map((unit) =>
      unit.repeat(Math.floor(19_000 / unit.length)),
    );
    expect(await analyzeAllWithin(texts, LEXICON_DIR, 20_000)).toBe('done');
  }, 30_000);
});
