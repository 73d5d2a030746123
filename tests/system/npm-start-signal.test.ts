import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDirsForFile } from '../helpers/temp-dirs.js';

// `npm start` runs its script through `sh -c`; npm passes a SIGTERM it receives (a supervisor stopping
// it: pm2, supervisord, `kill <npm pid>`) to that shell only. The service must get it and stop cleanly,
// not be left running, orphaned, holding the port and DATA_DIR's lock. The script is run here as npm
// runs it, minus its build step (the build is what the rest of the suite tests).

const ROOT = path.resolve(import.meta.dirname, '../..');
const tempDir = tempDirsForFile('guandian-npm-start-');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startScript(dataDir: string) {
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  expect(script).toMatch(/^npm run build && /);
  const shell = spawn('sh', ['-c', script.replace(/^npm run build && /, '')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: 'npm-start-test-admin-key-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
  shell.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => shell.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 60_000;
  while (!out.includes('GUANDIAN_LISTENING') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(out).toContain('GUANDIAN_LISTENING');
  const owner = Number.parseInt(fs.readFileSync(path.join(dataDir, '.guandian.lock'), 'utf8'), 10);
  return { shell, exited, owner };
}

describe('npm start', () => {
  test('a SIGTERM to the script\'s shell reaches the service, which stops with exit 0', async () => {
    const dataDir = tempDir();
    const { shell, exited, owner } = await startScript(dataDir);
    shell.kill('SIGTERM');
    const { code } = await exited;
    const stopBy = Date.now() + 15_000;
    while (alive(owner) && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 100));
    const orphan = alive(owner);
    if (orphan) process.kill(owner, 'SIGKILL');
    expect({ code, orphan, lockLeft: fs.existsSync(path.join(dataDir, '.guandian.lock')) }).toEqual({ code: 0, orphan: false, lockLeft: false });
  }, 90_000);

  // Ctrl-C in the terminal (or systemd stopping the unit's control group) signals every process of the
  // group, and npm passes its own copy on: the service can get the signal twice, the second once its stop
  // has begun (here: while start-up, which the stop waits for, still spawns the analyzer threads). The
  // second must not end the stop the first began.
  test('a second signal during the stop (the group\'s and npm\'s copy) does not cut it: exit 0, lock released', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'debug', DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: 'npm-start-test-admin-key-0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 60_000;
    while (!out.includes('starting analyzer threads') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGINT');
    while (!out.includes('shutting down') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const result = await exited;
    clearTimeout(killer);
    expect(result).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(dataDir, '.guandian.lock'))).toBe(false);
  }, 90_000);
});
