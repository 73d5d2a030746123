import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvalInputError } from './jsonl.js';

/**
 * `npm run --silent eval -- --task T --file F.jsonl [--key value ...]`
 * Dispatches to ./task-<T>.ts; progress goes to stderr, the last stdout line is one JSON object.
 */
export type EvalArgs = Record<string, string | boolean>;

// tasks whose module name differs from the task name (sentiment and category share one module)
const ALIASES: Record<string, string> = { category: 'sentiment' };

export function parseArgs(argv: string[]): EvalArgs {
  const out: EvalArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out[key] = next;
      i++;
    } else out[key] = true;
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const task = typeof args.task === 'string' ? args.task : '';
  const file = typeof args.file === 'string' ? args.file : '';
  if (!/^[a-z][a-z0-9-]*$/.test(task) || !file) {
    process.stderr.write('usage: eval --task <opinions|pii|sentiment|category> --file <data.jsonl>\n');
    return 2;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const moduleName = `task-${ALIASES[task] ?? task}`;
  const candidates = [join(here, `${moduleName}.ts`), join(here, `${moduleName}.js`)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    process.stderr.write(`unknown task "${task}" (no ${moduleName}.ts)\n`);
    return 2;
  }
  const mod = (await import(path.endsWith('.ts') ? `./${moduleName}.js` : path)) as {
    run: (file: string, args: EvalArgs) => Promise<object>;
  };
  const result = await mod.run(file, { ...args, task });
  process.stdout.write(JSON.stringify(result) + '\n');
  return 0;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      // A wrong gold file or model folder is a message, not a crash.
      if (err instanceof EvalInputError) {
        process.stderr.write(`eval: ${err.message}\n`);
        process.exit(1);
      }
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
