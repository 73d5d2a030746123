import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// Every child process and temp dir a script creates is registered here, and removed on any way out:
// normal end, a thrown error, Ctrl-C or SIGTERM. A chaos run that leaves a redis-server or a
// half-killed service behind would poison the next run and the machine other people share.

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let keepTemp = false;
let installed = false;

export function log(message: string): void {
  const at = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[${at}] ${message}\n`);
}

export function keepTempDirs(keep: boolean): void {
  keepTemp = keep;
}

function cleanupSync(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  if (keepTemp) {
    for (const dir of tempDirs) process.stderr.write(`kept ${dir}\n`);
  } else {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  tempDirs.clear();
}

export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping children and removing temp dirs\n`);
      cleanupSync();
      process.exit(130);
    });
  }
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export { spawn };
