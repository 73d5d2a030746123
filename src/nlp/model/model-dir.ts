import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * `models/current` may be a directory, a symlink, or a one-line pointer file naming a sibling
 * folder (pointer files survive checkouts on systems without symlinks).
 */
export function resolveModelDir(modelDir: string): string | null {
  if (!existsSync(modelDir)) return null;
  if (statSync(modelDir).isFile()) {
    const target = readFileSync(modelDir, 'utf8').trim();
    if (!target) return null;
    return resolveModelDir(resolve(dirname(modelDir), target));
  }
  return existsSync(join(modelDir, 'config.json')) ? modelDir : null;
}

