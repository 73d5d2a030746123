import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

/** dist/cli or src/cli → the package root, where lexicons/ lives. */
export const PACKAGE_ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Runs the same entry point as `npm run eval`, in this process. The eval tasks look for lexicons in
 * the working directory unless told otherwise, so the package's own lexicons are passed when the
 * caller gave none: `guandian eval` then works from any directory.
 */
export async function runEval(argv: string[], task: string | undefined, file: string | undefined): Promise<number> {
  if (task === undefined || file === undefined) throw new UsageError('eval needs --task and --file', 'eval');
  if (!fs.existsSync(file)) throw new UsageError(`--file ${file} does not exist`, 'eval');
  const args = [...argv];
  const lexicons = path.join(PACKAGE_ROOT, 'lexicons');
  if (!args.includes('--lexicons') && fs.existsSync(lexicons)) args.push('--lexicons', lexicons);
  const { main } = await import('../eval/cli.js');
  return main(args);
}
