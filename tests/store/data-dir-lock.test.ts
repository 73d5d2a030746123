import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../src/store/data-dir-lock.js';
import { NedbEngine } from '../../src/store/nedb-engine.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-lockdir-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('DATA_DIR lock', () => {
  test('a lock held by a live process refuses the directory before any data file is touched', async () => {
    const dir = tmp();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, '.guandian.lock'), `${other.pid}\n`);
      fs.writeFileSync(path.join(dir, 'documents.db'), '{"_id":"a","n":1}\n{"_id":"a","n":2}\n');
      await expect(NedbEngine.open(dir)).rejects.toBeInstanceOf(DataDirInUseError);
      expect(fs.readFileSync(path.join(dir, 'documents.db'), 'utf8')).toBe('{"_id":"a","n":1}\n{"_id":"a","n":2}\n');
    } finally {
      other.kill('SIGKILL');
    }
  });

  test('a lock left by a killed process that is still a zombie (not reaped yet) is taken over', async () => {
    if (process.platform !== 'linux') return;
    const dir = tmp();
    // sh forks a short sleep, then becomes a long one that never waits for it: the short one exits and
    // stays a zombie, as a service killed with -9 does until its supervisor reaps it
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number((await new Promise<Buffer>((r) => parent.stdout!.once('data', r))).toString().trim());
      for (let i = 0; i < 100 && !/\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 20));
      expect(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) Z /);
      fs.writeFileSync(path.join(dir, '.guandian.lock'), `${pid}\n`);
      const engine = await NedbEngine.open(dir);
      expect(fs.readFileSync(path.join(dir, '.guandian.lock'), 'utf8').trim()).toBe(String(process.pid));
      await engine.close();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  test('a lock left by a dead process is taken over, and closing releases it', async () => {
    const dir = tmp();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.on('exit', r));
    fs.writeFileSync(path.join(dir, '.guandian.lock'), `${dead.pid}\n`);
    const engine = await NedbEngine.open(dir);
    expect(fs.readFileSync(path.join(dir, '.guandian.lock'), 'utf8').trim()).toBe(String(process.pid));
    await engine.close();
    expect(fs.existsSync(path.join(dir, '.guandian.lock'))).toBe(false);
  });

  test('a release never removes a lock another process took over meanwhile', () => {
    const dir = tmp();
    const release = lockDataDir(dir);
    fs.writeFileSync(path.join(dir, '.guandian.lock'), '999999999\n');
    release();
    expect(fs.readFileSync(path.join(dir, '.guandian.lock'), 'utf8')).toBe('999999999\n');
  });
});
