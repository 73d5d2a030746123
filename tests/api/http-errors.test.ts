import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// Requests Express or the body parser refuse before any route of ours runs must still get a 4xx in
// the one error shape, and unknown paths outside /v1 a JSON 404, while the UI keeps being served.

const UI_MARKER = '<!doctype html><title>guandian test ui</title>';
let withUi: TestRuntime;
let withoutUi: TestRuntime;
const dirs: string[] = [];

function webDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-web-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

beforeAll(async () => {
  withUi = await startRuntime({ WEB_DIR: webDir({ 'index.html': UI_MARKER, 'assets/app.js': 'console.log(1);' }) }, { worker: false });
  withoutUi = await startRuntime({ WEB_DIR: webDir({}) }, { worker: false });
});
afterAll(async () => {
  await withUi.close();
  await withoutUi.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function expectError(res: { status: number; type: string; body: any; text: string }, status: number, code: string) {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(res.type).toBe('application/json');
  expect(res.body.error).toMatchObject({ code, message: expect.any(String), details: expect.any(Array) });
  expect(res.body.error.errorId).toBeUndefined();
  expect(res.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
}

describe('errors raised before our routes', () => {
  test('a body declared gzip that is not gzip is a 400, not a 500', async () => {
    for (const encoding of ['gzip', 'deflate']) {
      const res = await withUi.http
        .post('/v1/documents')
        .set(bearer(ADMIN_KEY))
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send('{"kind":"comment"}');
      expectError(res, 400, 'bad_request');
    }
  });

  test('a path with malformed percent-encoding is a 400 naming the problem', async () => {
    const res = await withUi.http.get('/v1/documents/%ZZ').set(bearer(ADMIN_KEY));
    expectError(res, 400, 'bad_request');
    expect(res.body.error.message).toMatch(/percent-encod/);
  });

  test('an unsupported content encoding or charset is a 415 in the standard shape', async () => {
    const send = (headers: Record<string, string>) => withUi.http.post('/v1/documents').set(bearer(ADMIN_KEY)).set(headers).send('{"kind":"comment"}');
    expectError(await send({ 'Content-Type': 'application/json', 'Content-Encoding': 'compress' }), 415, 'unsupported_media_type');
    expectError(await send({ 'Content-Type': 'application/json; charset=latin1' }), 415, 'unsupported_media_type');
  });
});

describe('unknown routes outside /v1', () => {
  test.each(['/metricsx', '/healthzz', '/readyzz', '/docsx', '/openapi.jsonx', '/admin/queues'])('GET %s is a JSON 404', async (p) => {
    expectError(await withUi.http.get(p), 404, 'not_found');
  });

  test('other methods on UI paths and on known GET routes are a JSON 404', async () => {
    expectError(await withUi.http.post('/feed').set('Content-Type', 'application/json').send('{}'), 404, 'not_found');
    expectError(await withUi.http.delete('/healthz'), 404, 'not_found');
  });

  test('without a built UI every unknown path is a JSON 404', async () => {
    expectError(await withoutUi.http.get('/feed'), 404, 'not_found');
    expectError(await withoutUi.http.get('/'), 404, 'not_found');
  });

  test('the UI is still served: its files, and index.html for client-side routes', async () => {
    for (const p of ['/', '/feed', '/dashboard?from=2026-01-01', '/documents/01ABC']) {
      const res = await withUi.http.get(p).expect(200);
      expect(res.type).toBe('text/html');
      expect(res.text).toBe(UI_MARKER);
    }
    const asset = await withUi.http.get('/assets/app.js').expect(200);
    expect(asset.text).toBe('console.log(1);');
    await withUi.http.get('/healthz').expect(200);
    expect((await withUi.http.get('/openapi.json').expect(200)).body.openapi).toMatch(/^3\./);
  });
});
