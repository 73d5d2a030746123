import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { tempDirsForFile } from '../helpers/temp-dirs.js';

// A SIGTERM at any point of the real service's start-up (node dist/main.js) is a clean stop: exit 0,
// the DATA_DIR lock released. Start-up and shutdown used to run concurrently: the shutdown steps closed
// the store and queue under a start-up still spawning analyzer threads, and a signal before the
// handlers were installed (while the store loaded) killed the process with the lock left behind.

const MAIN = path.resolve(import.meta.dirname, '../../dist/main.js');
const ADMIN = 'shutdown-test-admin-key-0123456789';
// Registered first, so its afterAll runs last: the children below are killed before their directories go.
const tempDir = tempDirsForFile('guandian-shutdown-');
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

const lockFile = (dir: string) => path.join(dir, '.guandian.lock');

/** Starts the service, and sends SIGTERM when `when` says so; resolves with how it ended. */
function runAndStop(
  when: (ctx: { output: string; elapsedMs: number }) => boolean,
  env: Record<string, string> = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; dataDir: string; signalled: boolean }> {
  const dataDir = tempDir();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'debug', DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const started = Date.now();
  let output = '';
  let signalled = false;
  const check = () => {
    if (signalled) return;
    if (when({ output, elapsedMs: Date.now() - started })) {
      signalled = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', (d: Buffer) => ((output += d.toString()), check()));
  child.stderr.on('data', (d: Buffer) => ((output += d.toString()), check()));
  const poll = setInterval(check, 2);
  check();
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(killer);
      children.delete(child);
      resolve({ code, signal, output, dataDir, signalled });
    }),
  );
}

describe('SIGTERM during start-up', () => {
  test('right after spawn: never exit 1, no lock file', async () => {
    const r = await runAndStop(() => true);
    // Before Node runs the service's first line the signal has its default action; nothing is open then.
    expect(r.code === 0 || r.signal === 'SIGTERM').toBe(true);
    expect(fs.existsSync(lockFile(r.dataDir))).toBe(false);
  }, 40_000);

  const points: [string, (ctx: { output: string; elapsedMs: number }) => boolean][] = [
    ['after the first log line (store opening)', ({ output }) => output.includes('opening store and queue')],
    ['as the analyzer threads start', ({ output }) => output.includes('starting analyzer threads')],
    [
      'while the analyzer threads start (250 ms in)',
      (() => {
        let at = 0;
        return ({ output }: { output: string }) => {
          if (!output.includes('starting analyzer threads')) return false;
          at ||= Date.now();
          return Date.now() - at >= 250;
        };
      })(),
    ],
    ['once it listens', ({ output }) => output.includes('GUANDIAN_LISTENING')],
    // fixed delays that do not rely on the log: where they land depends on the machine, and any place must do
    ...[800, 1200].map((ms): (typeof points)[number] => [`${ms} ms after spawn`, ({ elapsedMs }) => elapsedMs >= ms]),
  ];
  test.each(points)('%s: exit 0, no lock file, nothing left running', async (_name, when) => {
    const r = await runAndStop(when, { ANALYZER_THREADS: '2' });
    expect(r.signalled, r.output).toBe(true);
    expect({ code: r.code, signal: r.signal, failed: /failed|forcing exit/.test(r.output) ? r.output : null }).toEqual({ code: 0, signal: null, failed: null });
    expect(fs.existsSync(lockFile(r.dataDir))).toBe(false);
    expect(r.output).toContain('"msg":"shutting down"');
  }, 40_000);

  // Loading the modules takes most of a second; Node itself is usually up after some tens of milliseconds, but
  // on a loaded machine the first delay can land before the service's first line has installed its handler
  // (the default action, as right after spawn). Then the point is tried again later, until it lands in time.
  test('while its modules load (300 ms after spawn, later if Node was not up yet): exit 0, no lock file', async () => {
    let r: Awaited<ReturnType<typeof runAndStop>> | undefined;
    for (const ms of [300, 600, 1000, 1500]) {
      r = await runAndStop(({ elapsedMs }) => elapsedMs >= ms, { ANALYZER_THREADS: '2' });
      expect(fs.existsSync(lockFile(r.dataDir))).toBe(false);
      const beforeFirstLine = r.signal === 'SIGTERM' && r.output === '';
      if (!beforeFirstLine) break;
    }
    expect({ code: r!.code, signal: r!.signal, failed: /failed|forcing exit/.test(r!.output) ? r!.output : null }).toEqual({ code: 0, signal: null, failed: null });
  }, 60_000);
});
