import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * Returns a function that makes a new temporary directory (named `<prefix>…`) on each call; all of them
 * are removed after the test file (afterAll, registered where this is called: hooks registered later in
 * the file, such as killing processes that use the directories, run before it).
 */
export function tempDirsForFile(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}
