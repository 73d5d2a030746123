import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { assertCliBuilt, runBuiltCli } from '../helpers/cli.js';
import { freePort } from '../helpers/redis.js';
import { tempDirsForFile } from '../helpers/temp-dirs.js';

// A path through a regular file (`notes.txt/feedback.jsonl`) is a mistyped path, like a missing file: a
// message naming it and exit 1, not a Node stack trace. Both checks run before the server is asked
// anything, so the URL here answers nothing.

const tempDir = tempDirsForFile('guandian-cli-paths-');
let work = '';
let url = '';

beforeAll(async () => {
  assertCliBuilt();
  work = tempDir();
  fs.writeFileSync(path.join(work, 'notes.txt'), 'not a folder\n');
  url = `http://127.0.0.1:${await freePort()}`;
});

const run = (args: string[]) => runBuiltCli(args, { cwd: work, env: { GUANDIAN_URL: url, GUANDIAN_KEY: 'gdk_unused' }, timeoutMs: 30_000 });

describe('paths that run through a file', () => {
  test('import FILE: exit 1 naming the file, no stack trace', async () => {
    const r = await run(['import', 'notes.txt/feedback.jsonl']);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toContain('cannot read notes.txt/feedback.jsonl: ENOTDIR');
    expect(r.code).toBe(1);
  });

  test('export --out: exit 1 naming the file, no stack trace, nothing downloaded', async () => {
    const r = await run(['export', '--out', 'notes.txt/tags.csv']);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).toContain('cannot write notes.txt/tags.csv: ENOTDIR');
    expect(r.code).toBe(1);
  });
});
