import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const FIX = resolve(ROOT, 'tests/fixtures/nlp');

async function cli(...args: string[]): Promise<{ json: Record<string, unknown>; stdout: string }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/eval/cli.ts', ...args], { cwd: ROOT, timeout: 60_000 });
  const lines = stdout.trim().split('\n');
  return { json: JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>, stdout };
}

describe('eval CLI', () => {
  it('opinions task prints one JSON object with the metrics', async () => {
    const { json } = await cli('--task', 'opinions', '--file', resolve(FIX, 'opinions-mini.jsonl'));
    expect(json.task).toBe('opinions');
    expect(json.n).toBe(4);
    for (const k of ['precision', 'recall', 'f1', 'relaxedF1', 'categoryAccuracy', 'docSentimentAccuracy']) {
      expect(typeof json[k], k).toBe('number');
      expect(json[k] as number).toBeGreaterThanOrEqual(0);
      expect(json[k] as number).toBeLessThanOrEqual(1);
    }
    // these fixture lines are the hard cases the analyzer is built for
    expect(json.f1).toBe(1);
    expect(json.docSentimentAccuracy).toBe(1);
  });

  it('opinions task accepts the AOPE schema with given spans', async () => {
    const { json } = await cli('--task', 'opinions', '--file', resolve(FIX, 'aope-mini.jsonl'));
    expect(json.n).toBe(1);
    expect(json.categoryAccuracy).toBeNull();
    expect(json.recall as number).toBeGreaterThan(0);
  });

  it('pii task reports character-level precision and recall', async () => {
    const { json } = await cli('--task', 'pii', '--file', resolve(FIX, 'pii-mini.jsonl'));
    expect(json).toMatchObject({ task: 'pii', n: 2, precision: 1, recall: 1 });
  });

  it('rejects an unknown task', async () => {
    await expect(cli('--task', 'nope', '--file', resolve(FIX, 'pii-mini.jsonl'))).rejects.toThrow();
  });
});
