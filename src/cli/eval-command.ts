import fs from 'node:fs';
import path from 'node:path';
import { CliFailure, UsageError } from './errors.js';

/** dist/cli or src/cli → the package root, where lexicons/ and models/ live. */
export const PACKAGE_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The tasks src/eval/cli.ts dispatches to (task-<name>.ts; category shares the sentiment module). */
export const EVAL_TASKS = ['opinions', 'pii', 'sentiment', 'category'] as const;

/**
 * Runs the same entry point as `npm run eval`, in this process. The eval tasks look for lexicons and
 * the model in the working directory unless told otherwise, so the package's own are passed when the
 * caller gave none (and MODEL_DIR is unset, which the tasks honour as the worker does): `guandian
 * eval` then measures the same thing from any directory.
 */
export async function runEval(argv: string[], task: string | undefined, file: string | undefined): Promise<number> {
  if (task === undefined || file === undefined) throw new UsageError('eval needs --task and --file', 'eval');
  if (!(EVAL_TASKS as readonly string[]).includes(task)) throw new UsageError(`unknown task "${task}" (tasks: ${EVAL_TASKS.join(', ')})`, 'eval');
  // A file that is not there is a failed run (exit 1), as it is for `guandian import`, not a usage error.
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new CliFailure(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (stat.isDirectory()) throw new CliFailure(`cannot read ${file}: it is a directory; --file takes a JSONL file`);
  const args = [...argv];
  const lexicons = path.join(PACKAGE_ROOT, 'lexicons');
  if (!args.includes('--lexicons') && fs.existsSync(lexicons)) args.push('--lexicons', lexicons);
  const model = path.join(PACKAGE_ROOT, 'models', 'current');
  if (!args.includes('--model') && !process.env.MODEL_DIR && fs.existsSync(model)) args.push('--model', model);
  const { main } = await import('../eval/cli.js');
  const { EvalInputError } = await import('../eval/jsonl.js');
  try {
    return await main(args);
  } catch (err) {
    // A gold file in the wrong shape (a CSV, lines of another task) is the user's file, not a bug.
    if (err instanceof EvalInputError) throw new CliFailure(err.gold ? `${err.message}\n${EVAL_FORMATS[task as (typeof EVAL_TASKS)[number]]}` : err.message);
    throw err;
  }
}

/** What a line of the gold file looks like for each task; shown in the help and after a bad file. */
export const EVAL_FORMATS: Record<(typeof EVAL_TASKS)[number], string> = {
  sentiment: '--task sentiment takes lines {"text":…,"label":…} (label positive|negative|neutral, or 1|0)',
  category: '--task category takes lines {"text":…,"category":…} (a CX category id, see GET /v1/taxonomy)',
  opinions:
    '--task opinions takes lines {"id":…,"kind":…,"text":…,"opinions":[{"aspect":…,"opinion":…,"polarity":…,"category":…}],"sentiment":…}\n' +
    '  (transcripts may add "turns"), or the 之江 AOPE schema {"id":…,"text":…,"aspects":[{"aspect":…,"opinion":…,"opinion_start":N,"polarity":…,"category":…}]}',
  pii: '--task pii takes lines {"id":…,"text":…,"pii":[{"type":…,"start":N,"end":N}]} (character offsets, end exclusive)',
};
