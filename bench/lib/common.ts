import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DATA = process.env.GUANDIAN_DATA_DIR_SHARED ?? '/work/shared/data';
/** Debian's python3 sees python3-jieba; the pyenv shim first on PATH does not. */
export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
export const SENTIMENT_SETS = ['chnsenticorp_htl', 'waimai_10k', 'online_shopping_10_cats'] as const;

export interface BenchOptions {
  quick: boolean;
  /** Absolute deadline (ms since epoch) the whole run should finish by; benchmarks shrink to fit it. */
  deadline: number;
  log: (msg: string) => void;
}

/** One result line; `ours`/`peerValue` are in `unit`, `ratio` is ours ÷ peer with "higher is better" units. */
export interface BenchResult {
  bench: string;
  unit: string;
  ours: number | null;
  peer: string;
  peerValue: number | null;
  ratio: number | null;
  target: string;
  targetMet: boolean | null;
  /** Why a target was missed or not measured; shown in the docs next to the row. */
  note?: string;
  details: Record<string, unknown>;
  seconds: number;
  measuredAt?: string;
  commit?: string;
}

export function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // nearest-rank: p95 of 20 samples is the 19th, never an interpolated value nobody observed
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `guandian-bench-${prefix}-`));
}

export function machine() {
  const cpus = os.cpus();
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
  } catch {
    /* not a git checkout: leave unknown */
  }
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    loadAverage: os.loadavg().map((x) => round(x, 2)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
    dirty,
    date: new Date().toISOString(),
  };
}

/** Runs a command to completion; stdout is returned, stderr passed to the log on failure. */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : null;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}:\n${err.slice(-3000)}`));
    });
  });
}

/** Peak and current resident set of a process, from /proc (Linux only; null elsewhere). */
export function rssMb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: round(kb('VmRSS') / 1024, 1), hwm: round(kb('VmHWM') / 1024, 1) };
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system) a process has used on its main thread (the one whose tid is the pid)
 * and on all its other threads (worker threads, libuv's pool, V8's helpers), from /proc. CPU time,
 * unlike throughput, does not shrink when other work shares the machine, so it is the stable figure
 * for where a document's cost goes. `byThread` has each other thread by id (Node 20 leaves them all
 * named "node", so only their size tells an analyzer thread from V8's and libuv's helpers).
 */
export function processCpuSeconds(pid: number): { main: number; others: number; byThread: Record<string, number> } | null {
  try {
    const ticks = 100; // USER_HZ, 100 on Linux
    const out = { main: 0, others: 0, byThread: {} as Record<string, number> };
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / ticks;
      if (tid === String(pid)) {
        out.main += seconds;
      } else {
        out.others += seconds;
        out.byThread[tid] = seconds;
      }
    }
    return out;
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
