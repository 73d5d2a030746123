import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OpenApiConformance } from '../helpers/openapi-conformance.js';
import { startService, type ServiceProcess } from '../helpers/process.js';

// What Node's HTTP parser answers before the app runs lives in src/main.ts: a long search must reach the
// API's own 400, and headers past the limit get the JSON error shape, not a bare status line.
const KEY = 'http-limits-admin-key-0123456789abcdef';
let svc: ServiceProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-http-limits-'));
  svc = await startService({ DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: KEY });
});
afterAll(async () => {
  svc?.child.kill('SIGTERM');
  await svc?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('HTTP limits of the listening server', () => {
  test('idle keep-alive connections are kept 65 s, longer than proxies keep theirs (60 s), and say so', async () => {
    // A proxy reusing a connection the server has closed gets a reset: the server must be the side that
    // waits longer, and clients that read the hint (fetch does) then stay under it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ header: string | undefined; socket: unknown }>((resolve, reject) => {
        http
          .get(`${svc.url}/healthz`, { agent }, (res) => {
            const socket = res.socket;
            res.resume();
            res.on('end', () => resolve({ header: res.headers['keep-alive'] as string | undefined, socket }));
          })
          .on('error', reject);
      });
    try {
      const first = await get();
      expect(first.header).toBe('timeout=65');
      // idle past Node's default of 5 s, the same connection still serves the next request
      await new Promise((r) => setTimeout(r, 5_500));
      const second = await get();
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });

  test('a 3,000-character search (about 27 KB encoded) gets the 400 naming q', async () => {
    const res = await fetch(`${svc.url}/v1/documents?q=${encodeURIComponent('网络信号差'.repeat(600))}`, { headers: { Authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { details: unknown[] } }).error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'q' })]));
  });

  test('headers over the limit get 431 in the JSON error shape, as the served OpenAPI declares for every operation', async () => {
    const served = new OpenApiConformance((await (await fetch(`${svc.url}/openapi.json`)).json()) as Record<string, any>);
    for (const [method, p, url] of [['get', '/healthz', '/healthz'], ['get', '/v1/tags', '/v1/tags']] as const) {
      const res = await fetch(`${svc.url}${url}`, { headers: { 'X-Note': 'x'.repeat(70 * 1024), Authorization: `Bearer ${KEY}` } });
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = await res.json();
      expect(body).toMatchObject({ error: { code: 'headers_too_large', details: [{ field: '(headers)' }] } });
      expect(served.problems(method, p, 431, body)).toEqual([]);
    }
  });
});
