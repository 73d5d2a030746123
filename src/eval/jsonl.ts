import { readFileSync } from 'node:fs';

/**
 * The eval's inputs are wrong (a gold file that is not JSONL or not in the task's line schema, a model
 * folder with no model): the caller's mistake, reported as a message rather than a stack trace.
 * `gold` says whether it is about the gold file, so the task's line format can be shown with it.
 */
export class EvalInputError extends Error {
  constructor(
    message: string,
    readonly gold = true,
  ) {
    super(message);
  }
}

/**
 * Parses a JSONL gold file; `check` turns each value into the task's line (throwing EvalInputError
 * when it is not one), and its message is given the file and line number.
 */
export function readJsonl<T>(file: string, check: (value: unknown) => T = (v) => v as T): T[] {
  const out: T[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((l, i) => {
      if (l.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        throw new EvalInputError(`${file}:${i + 1}: not JSON`);
      }
      try {
        out.push(check(value));
      } catch (err) {
        if (err instanceof EvalInputError) throw new EvalInputError(`${file}:${i + 1}: ${err.message}`);
        throw err;
      }
    });
  return out;
}

/** The line as an object, for the tasks' checks. */
export function objectLine(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EvalInputError('not a JSON object');
  return value as Record<string, unknown>;
}

export const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
export const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
export const round = (x: number) => Math.round(x * 10000) / 10000;
