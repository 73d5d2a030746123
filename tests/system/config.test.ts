import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';
import { runServiceToExit, startService } from '../helpers/process.js';
import { freePort } from '../helpers/redis.js';

describe('configuration', () => {
  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['ROLE', 'both'],
    ['REDIS_URL', 'http://localhost'],
    ['MONGODB_URL', 'not a url'],
    ['WORKER_CONCURRENCY', '0'],
    ['LOG_LEVEL', 'loud'],
    ['GUANDIAN_ADMIN_KEY', 'short'],
    ['HOST', '999.1.1.1'],
    ['HOST', 'my host'],
  ])('%s=%s is refused naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      expect((err as ConfigError).variable).toBe(name);
    }
  });

  test('split roles need Redis and MongoDB', () => {
    expect(() => loadConfig({ ROLE: 'worker' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ ROLE: 'api', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/MONGODB_URL/);
  });

  test('defaults are the documented ones', () => {
    const c = loadConfig({}, '/srv/guandian');
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', role: 'all', dataDir: '/srv/guandian/data', redisUrl: null, mongodbUrl: null });
  });

  test('the service exits 1 with a message naming the bad variable', async () => {
    const { code, output } = await runServiceToExit({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(output).toContain('PORT');
  });

  test('HOST: a bad value is named without a stack trace, and good ones are taken', async () => {
    const { code, output } = await runServiceToExit({ HOST: '999.1.1.1' });
    expect(code).toBe(1);
    expect(output).toContain('HOST');
    expect(output).not.toMatch(/\n\s+at /);
    for (const host of ['0.0.0.0', '::', 'localhost', 'guandian-api.internal']) expect(loadConfig({ HOST: host }).host).toBe(host);
  });

  test('LEXICON_DIR and DATA_DIR that cannot be used stop the boot naming the variable, without a stack trace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-paths-'));
    try {
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, 'x');
      const cases: [string, string][] = [
        ['LEXICON_DIR', path.join(dir, 'no-lexicons')],
        ['LEXICON_DIR', dir],
        ['DATA_DIR', file],
        ['DATA_DIR', path.join(file, 'data')],
        // the kernel refuses mkdir there with ENOENT, and Node's recursive mkdir retried it for ever
        ['DATA_DIR', '/proc/guandian-no-such-dir/data'],
      ];
      for (const [name, value] of cases) {
        const { code, output } = await runServiceToExit({ PORT: '0', DATA_DIR: path.join(dir, 'data'), [name]: value });
        expect({ name, value, code, stack: /\n\s+at /.test(output) }).toEqual({ name, value, code: 1, stack: false });
        expect(output).toContain(`invalid configuration: ${name}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a MODEL_DIR whose model cannot be loaded stops the boot in one line naming it, without a stack trace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-badmodel-'));
    try {
      const shipped = path.join(import.meta.dirname, '../../models/guandian-zh-cx');
      fs.mkdirSync(path.join(dir, 'onnx'));
      fs.writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), 'not an onnx graph');
      for (const f of ['config.json', 'tokenizer.json']) fs.copyFileSync(path.join(shipped, f), path.join(dir, f));
      const { code, output } = await runServiceToExit({ PORT: '0', DATA_DIR: path.join(dir, 'data'), MODEL_DIR: dir });
      expect({ code, stack: /\n\s+at /.test(output) }).toEqual({ code: 1, stack: false });
      expect(output).toContain(`MODEL_DIR ${dir}`);
      expect(output).toContain('model_quantized.onnx');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a MongoDB that does not answer at MONGODB_URL stops the boot in one line naming it, without a stack trace', async () => {
    const { code, output } = await runServiceToExit({ PORT: '0', MONGODB_URL: `mongodb://127.0.0.1:${await freePort()}/guandian` });
    expect({ code, stack: /\n\s+at /.test(output) }).toEqual({ code: 1, stack: false });
    expect(output).toContain('MONGODB_URL');
    expect(output).toContain('ECONNREFUSED');
  });

  test('a PORT that is taken stops the boot in one line, and the start-up is closed: no DATA_DIR lock left behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-port-taken-'));
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const { code, output } = await runServiceToExit({ PORT: String(port), DATA_DIR: dir });
      expect({ code, stack: /\n\s+at /.test(output) }).toEqual({ code: 1, stack: false });
      expect(output).toContain('EADDRINUSE');
      expect(fs.existsSync(path.join(dir, '.guandian.lock'))).toBe(false);
    } finally {
      taken.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with no admin key configured, first start prints a generated key once; it works; the second start does not print one', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-boot-'));
    try {
      const first = await startService({ DATA_DIR: dataDir });
      await new Promise((r) => setTimeout(r, 200));
      const key = /(gdk_\S+)/.exec(first.output())?.[1];
      expect(key).toBeDefined();
      const me = await fetch(`${first.url}/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
      expect(await me.json()).toMatchObject({ tenant: 'default', roles: ['admin'] });
      first.child.kill('SIGTERM');
      await first.exited;
      const stored = fs.readFileSync(path.join(dataDir, 'api_keys.db'), 'utf8');
      expect(stored).not.toContain(key!.split('_').slice(2).join('_'));
      const second = await startService({ DATA_DIR: dataDir });
      await new Promise((r) => setTimeout(r, 200));
      expect(second.output()).not.toContain('gdk_');
      second.child.kill('SIGTERM');
      await second.exited;
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
