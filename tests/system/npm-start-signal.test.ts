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

describe('npm start', () => {
  test('a SIGTERM to the script\'s shell reaches the service, which stops with exit 0', async () => {
    const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(script).toMatch(/^npm run build && /);
    const dataDir = tempDir();
    const shell = spawn('sh', ['-c', script.replace(/^npm run build && /, '')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: 'npm-start-test-admin-key-0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
    shell.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => shell.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!out.includes('GUANDIAN_LISTENING') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('GUANDIAN_LISTENING');
    const owner = Number.parseInt(fs.readFileSync(path.join(dataDir, '.guandian.lock'), 'utf8'), 10);

    shell.kill('SIGTERM');
    const code = await exited;
    const stopBy = Date.now() + 15_000;
    while (alive(owner) && Date.now() < stopBy) await new Promise((r) => setTimeout(r, 100));
    const orphan = alive(owner);
    if (orphan) process.kill(owner, 'SIGKILL');
    expect({ code, orphan, lockLeft: fs.existsSync(path.join(dataDir, '.guandian.lock')) }).toEqual({ code: 0, orphan: false, lockLeft: false });
  }, 90_000);
});
