import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadLexicon } from '../../src/nlp/lexicon.js';
import { PatternPrefilter, requiredLiterals } from '../../src/nlp/pattern-literals.js';

const DIR = resolve(import.meta.dirname, '../../lexicons');

/** Every text of the project's gold and hold-out files, lower-cased as the analyzer reads it. */
function fixtureTexts(): string[] {
  const dirs = ['../fixtures/gold', '../fixtures/holdout'].map((d) => resolve(import.meta.dirname, d));
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(d, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => (JSON.parse(l) as { text: string }).text.toLowerCase()),
  );
}

describe('required literals of a pattern', () => {
  it('reads alternations, optional pieces, repeats and lookarounds', () => {
    expect(requiredLiterals('(?:等了|排了)才到')).toEqual(['等了才到', '排了才到']);
    // an optional prefix requires nothing, so the rest is what is needed
    expect(requiredLiterals('(?:完全|根本)?不用担心')).toEqual(['不用担心']);
    // what a lookbehind or lookahead looks at is not part of the match
    expect(requiredLiterals('(?<=(?:网速|信号)(?:真的)?)飞起(?!来)')).toEqual(['飞起']);
    expect(requiredLiterals('(?<!想|要)(?:点名|必须)表扬')).toEqual(['点名表扬', '必须表扬']);
    // a class, a run of any characters or a run of digits between literals: the longest known piece
    expect(requiredLiterals('说好的[^，。]{1,8}呢')).toEqual(['说好的']);
    expect(requiredLiterals('等了[0-9]+分钟才(?<rest>[^，]{1,3})')).toEqual(['分钟才']);
    expect(requiredLiterals('(?:哈){2}')).toEqual(['哈哈']);
    expect(requiredLiterals('卡成(?:ppt|狗)')).toEqual(['卡成ppt', '卡成狗']);
    expect(requiredLiterals('\\u5feb\\?')).toEqual(['快?']);
  });

  it('says nothing when a match may hold no fixed text', () => {
    expect(requiredLiterals('[\\u4e00-\\u9fa5]{2,4}')).toBeNull();
    expect(requiredLiterals('(?:好|[0-9]+)')).toBeNull();
    expect(requiredLiterals('(?:太)?')).toBeNull();
    expect(requiredLiterals('a*b?')).toBeNull();
  });
});

describe('pattern prefilter over the shipped patterns', () => {
  const lex = loadLexicon(DIR);
  const clauses = fixtureTexts().flatMap((t) => t.split(/[，。！？!?\n]+/)).filter(Boolean);

  it('never skips a pattern that matches the clause', () => {
    let matched = 0;
    for (const c of clauses) {
      const candidates = lex.patternFilter.candidates(c);
      lex.patterns.forEach((p, k) => {
        p.re.lastIndex = 0;
        if (!p.re.test(c)) return;
        matched++;
        expect(candidates, `${p.re.source} on ${c}`).toContain(k);
      });
    }
    // the sample exercises the patterns, not only the skip
    expect(matched).toBeGreaterThan(300);
  });

  it('runs only a few patterns per clause', () => {
    // every pattern shipped needs some literal text, so none runs on every clause
    expect(lex.patternFilter.literals.filter((l) => l === null)).toEqual([]);
    let run = 0;
    for (const c of clauses) run += lex.patternFilter.candidates(c).length;
    expect(run / clauses.length).toBeLessThan(0.05 * lex.patterns.length);
  });

  it('indexes literals that share a first character or a pattern', () => {
    const f = new PatternPrefilter([['不用担心', '不必担心'], ['不用'], null, ['担心']]);
    expect(f.candidates('完全不用担心')).toEqual([0, 1, 2, 3]);
    expect(f.candidates('不必担心')).toEqual([0, 2, 3]);
    expect(f.candidates('很好')).toEqual([2]);
    // in pattern order whatever order the clause holds the literals in
    expect(f.candidates('担心，不用')).toEqual([1, 2, 3]);
  });
});
