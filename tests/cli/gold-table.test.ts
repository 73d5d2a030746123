import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BEGIN, END, SETS, replaceBlock, row } from '../../scripts/gold-table.js';

// The README's opinion-quality table is generated (`npm run --silent eval:table -- --write`), so its numbers
// come from a command anyone can rerun. These checks keep the generator and the README in step.

const readme = readFileSync('README.md', 'utf8');

describe('the gold table generator', () => {
  test('every gold and hold-out file in the repository has a row', () => {
    const inRepo = ['tests/fixtures/gold', 'tests/fixtures/holdout'].flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => `${dir}/${f}`),
    );
    const listed = SETS.map((s) => s.file);
    expect(inRepo.filter((f) => !listed.includes(f))).toEqual([]);
  });

  test("the README's block holds one row per set, written by the generator", () => {
    const block = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END));
    const rows = block.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(SETS.length);
    expect(block).toMatch(/^\nMeasured at [0-9a-f]{7,} with model \S+, lexicons \S+\.\n/);
    // a row is what row() prints: documents / opinions and four scores with three decimals
    for (const r of rows) expect(r).toMatch(/^\| `[^`]+` \| \d+ \/ \d+ \| (0|1)\.\d{3} \| (0|1)\.\d{3} \| (0|1)\.\d{3} \| (0|1)\.\d{3} \| .+ \|$/);
  });

  test('a missing file is a row saying so, not an old number', () => {
    expect(row('x.jsonl', 'what', null)).toBe('| `x.jsonl` | — | — | — | — | — | what (not on this machine) |');
    const s = { n: 3, gold: 5, precision: 0.5, recall: 0.25, f1: 1 / 3, relaxedF1: 0.75, modelVersion: 'm', lexiconVersion: 'l' };
    expect(row('x.jsonl', 'what', s)).toBe('| `x.jsonl` | 3 / 5 | 0.500 | 0.250 | 0.333 | 0.750 | what |');
  });

  test('--write replaces only the block between the markers, and refuses a README without them', () => {
    const text = `before\n${BEGIN}\nold table\n${END}\nafter\n`;
    expect(replaceBlock(text, 'new table')).toBe(`before\n${BEGIN}\nnew table\n${END}\nafter\n`);
    expect(() => replaceBlock('no markers here', 'x')).toThrow(/markers/);
  });
});
