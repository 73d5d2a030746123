import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';
import { bearer, createKey, startRuntime } from '../helpers/runtime.js';
import { runServiceToExit } from '../helpers/process.js';

describe('BODY_LIMIT and MAX_TEXT_LENGTH', () => {
  test.each([
    ['BODY_LIMIT', 'abc'],
    ['BODY_LIMIT', '-5'],
    ['BODY_LIMIT', '0'],
    ['BODY_LIMIT', '0kb'],
    ['BODY_LIMIT', '1 megabyte'],
    ['BODY_LIMIT', '10tb5'],
    ['MAX_TEXT_LENGTH', '0'],
    ['MAX_TEXT_LENGTH', 'lots'],
  ])('%s=%s is refused naming the variable', (name, value) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(name);
    expect((err as ConfigError).message).toContain(value);
  });

  test.each([
    ['512kb', 512 * 1024],
    ['1mb', 1024 * 1024],
    ['1.5MB', 1.5 * 1024 * 1024],
    ['2048', 2048],
    [' 64 kb ', 64 * 1024],
  ])('BODY_LIMIT=%s is %i bytes', (value, bytes) => {
    expect(loadConfig({ BODY_LIMIT: value }).bodyLimit).toBe(bytes);
  });

  test('the defaults stay 1 MB and 20,000 characters', () => {
    expect(loadConfig({})).toMatchObject({ bodyLimit: 1024 * 1024, maxTextLength: 20_000 });
    expect(loadConfig({ BODY_LIMIT: '', MAX_TEXT_LENGTH: '' })).toMatchObject({ bodyLimit: 1024 * 1024, maxTextLength: 20_000 });
  });

  test.each(['abc', '-5'])('the service started with BODY_LIMIT=%s exits 1 with a message naming BODY_LIMIT, no stack trace', async (value) => {
    // Its own DATA_DIR, so a service that wrongly starts (as BODY_LIMIT=-5 did) writes nothing into the checkout.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-limits-'));
    try {
      const { code, output } = await runServiceToExit({ BODY_LIMIT: value, DATA_DIR: dataDir });
      expect(code).toBe(1);
      expect(output).toContain('BODY_LIMIT');
      expect(output).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('the configured BODY_LIMIT is the one enforced', async () => {
    const rt = await startRuntime({ BODY_LIMIT: '2kb' }, { worker: false });
    try {
      const key = await createKey(rt, ['ingest']);
      const doc = (text: string) => ({ kind: 'comment', source: 'app', externalId: `bl-${text.length}`, text });
      await rt.http.post('/v1/documents').set(bearer(key)).send(doc('好'.repeat(500))).expect(202);
      const res = await rt.http.post('/v1/documents').set(bearer(key)).send(doc('好'.repeat(700)));
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('2048') });
    } finally {
      await rt.close();
    }
  });
});

// QA audit 2026-11-30: these booted silently, and the webhook meant for the host was then refused as
// "private or loopback" with no hint that the variable was the problem.
describe('WEBHOOK_ALLOWED_HOSTS', () => {
  test.each([['http://127.0.0.1:3191'], ['::bad::,http://x'], ['127.0.0.1:99999'], [' 127.0.0.1:3191 ; 10.0.0.5'], ['tickets.corp.example/hook'], ['bad_host!']])(
    '%s is refused at boot naming the variable and the entry',
    (value) => {
      let err: unknown;
      try {
        loadConfig({ WEBHOOK_ALLOWED_HOSTS: value });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('WEBHOOK_ALLOWED_HOSTS');
      expect((err as ConfigError).message).toMatch(/entry "/);
    },
  );

  test('hosts, host:port, [IPv6]:port, bare IPv6 and *.domain are taken, lower-cased', () => {
    const value = 'Tickets.Corp.Example, 10.0.0.5:8443,[fd00::5]:443,::1,*.corp.example:443,127.0.0.1';
    expect(loadConfig({ WEBHOOK_ALLOWED_HOSTS: value }).actions.urlPolicy.allowedHosts).toEqual([
      'tickets.corp.example',
      '10.0.0.5:8443',
      '[fd00::5]:443',
      '::1',
      '*.corp.example:443',
      '127.0.0.1',
    ]);
  });
});
