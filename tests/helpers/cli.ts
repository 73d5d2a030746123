import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startService, type ServiceProcess } from './process.js';

/** The built CLI (`npm run build`); the CLI tests run it as a user would, never its sources. */
export const CLI = path.resolve(import.meta.dirname, '../../dist/cli/index.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Fails the file up front, with what to run, when the CLI has not been built. */
export function assertCliBuilt(): void {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli/index.js is missing: run `npx tsc -p tsconfig.build.json` first');
}

/**
 * Runs the built CLI as a child process in an environment holding only PATH and `env` (so nothing of the
 * test process's own environment leaks into what the CLI sees), and collects its output. A CLI that hangs
 * is killed after `timeoutMs`; `onStderr` sees stderr as it grows (all of it so far).
 */
export function runBuiltCli(
  args: string[],
  opts: { env: Record<string, string>; cwd?: string; timeoutMs: number; onStderr?: (soFar: string) => void },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      env: { PATH: process.env.PATH ?? '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * For a CLI test file: a work directory (the CLI's cwd; `prepare` fills it) and the built service as a
 * real process with its DATA_DIR inside it, both for the whole file. Afterwards the service is stopped
 * with SIGTERM, waited for, and the directory removed.
 */
export function useCliService(
  opts: { adminKey: string; workPrefix: string; env?: Record<string, string>; prepare?: (work: string) => void },
  started: (s: { service: ServiceProcess; work: string }) => void,
): void {
  let service: ServiceProcess | undefined;
  let work: string | undefined;
  beforeAll(async () => {
    assertCliBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), opts.workPrefix));
    opts.prepare?.(work);
    service = await startService({ DATA_DIR: path.join(work, 'data'), GUANDIAN_ADMIN_KEY: opts.adminKey, ...opts.env });
    started({ service, work });
  });
  afterAll(async () => {
    if (service) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
}
