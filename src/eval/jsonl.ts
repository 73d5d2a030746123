import { readFileSync } from 'node:fs';

export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch {
        throw new Error(`${file}:${i + 1}: not JSON`);
      }
    });
}

export const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
export const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
export const round = (x: number) => Math.round(x * 10000) / 10000;
