import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { exited, sleep, spawn, track } from './children.js';

// The built service as a real process (`node dist/main.js`), started on a fixed port so a client
// that retries simply reconnects after a restart. Its output goes to a log file that the script
// can show when something goes wrong.

const ROOT = path.resolve(import.meta.dirname, '../..');
export const MAIN = path.join(ROOT, 'dist/main.js');

export function assertBuilt(): void {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing; build first: npx tsc -p tsconfig.build.json`);
}

export class ServiceProcess {
  private child: ChildProcess | null = null;
  starts = 0;

  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
    readonly logPath: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    fs.appendFileSync(this.logPath, `\n==== start ${this.starts + 1} at ${new Date().toISOString()} ====\n`);
    const out = fs.createWriteStream(this.logPath, { flags: 'a' });
    const child = track(
      spawn(process.execPath, [MAIN], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(this.port), ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.child = child;
    this.starts++;
    child.stdout!.pipe(out);
    child.stderr!.pipe(out, { end: false });
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service did not listen within ${timeoutMs} ms; see ${this.logPath}`)), timeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        seen = (seen + d.toString()).slice(-4096);
        if (seen.includes('GUANDIAN_LISTENING ')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`service exited during start (code ${code}, signal ${signal}); see ${this.logPath}`));
      });
    });
  }

  /** SIGKILL: what a crash, an OOM kill or a pulled plug looks like to the process. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    this.child = null;
  }

  /** SIGTERM and wait; returns the exit code (0 means the graceful shutdown finished in time). */
  async terminate(graceMs = 30_000): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const { code } = await exited(child);
    clearTimeout(timer);
    this.child = null;
    return code;
  }

  tail(lines = 40): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

export { sleep };
