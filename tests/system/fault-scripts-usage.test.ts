import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

// `npm run chaos` exits 1 when a delivery check fails (a document lost, a tag duplicated) and 2 when the
// run could not proceed (docs/reliability.md); the soak the same with its memory verdict. A mistyped flag
// is the second kind: it must not read as a failed check, nor print a stack trace.

const ROOT = path.resolve(import.meta.dirname, '../..');

function run(script: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
  return { code: r.status, stderr: r.stderr };
}

describe('chaos and soak flags', () => {
  test.each([
    ['chaos', ['--docs', 'abc'], '--docs'],
    ['chaos', ['--doc', '100'], '--doc'],
    ['chaos', ['--scenario', 'flood'], '--scenario'],
    ['soak', ['--minutes', '0'], '--minutes'],
    ['soak', ['stray'], 'stray'],
  ])('%s %j: exit 2 naming it, no stack trace', (script, args, named) => {
    const { code, stderr } = run(script, args);
    expect({ code, stack: /^\s+at /m.test(stderr) }).toEqual({ code: 2, stack: false });
    expect(stderr).toContain(named);
  }, 60_000);
});
