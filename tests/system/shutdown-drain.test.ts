import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { startService } from '../helpers/process.js';
import { tempDirsForFile } from '../helpers/temp-dirs.js';

// Draining on SIGTERM, in the real service (node dist/main.js): from the first moment /readyz answers 503
// with a reason, so load balancers stop sending work, while requests in flight finish. It used to
// answer 200 (or not at all: the listener closed at once) while the instance was going away.

const ADMIN = 'shutdown-test-admin-key-0123456789';
const tempDir = tempDirsForFile('guandian-shutdown-');

const lockFile = (dir: string) => path.join(dir, '.guandian.lock');

describe('readiness while draining', () => {
  test('from SIGTERM on, /readyz is 503 with a reason and /healthz 200 while a slow request finishes; then exit 0', async () => {
    const dataDir = tempDir();
    // a long shutdown budget: the grace period for in-flight requests is a third of it (≤ 5 s)
    const svc = await startService({ DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN, SHUTDOWN_TIMEOUT_MS: '15000' });
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);

    // A request in flight: its body arrives slowly, so the handler is still waiting when SIGTERM lands.
    const body = Buffer.from(JSON.stringify({ kind: 'comment', source: 'app', externalId: 'slow-1', text: '网络很卡，客服也不理人' }));
    const slow = http.request(`${svc.url}/v1/documents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
    });
    const slowResponse = new Promise<{ status: number; body: string }>((resolve, reject) => {
      slow.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      slow.on('error', reject);
    });
    slow.write(body.subarray(0, 10));
    slow.flushHeaders();
    await new Promise((r) => setTimeout(r, 300));

    svc.child.kill('SIGTERM');
    let ready: Response | null = null;
    for (let i = 0; i < 100; i++) {
      ready = await fetch(`${svc.url}/readyz`);
      if (ready.status === 503) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(ready!.status).toBe(503);
    const readiness = (await ready!.json()) as { status: string; reason: string };
    expect(readiness).toMatchObject({ status: 'not_ready', reason: expect.stringContaining('shutting down (SIGTERM)') });
    expect(ready!.headers.get('connection')).toBe('close');

    const live = await fetch(`${svc.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });

    // new work is turned away with a retryable 503 in the one error shape
    const late = await fetch(`${svc.url}/v1/documents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'comment', source: 'app', externalId: 'late-1', text: '网络很卡' }),
    });
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('1');
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('shutting_down');

    // the request in flight still completes
    slow.end(body.subarray(10));
    const done = await slowResponse;
    expect(done.status).toBe(202);
    expect(JSON.parse(done.body)).toMatchObject({ status: 'queued' });

    expect(await svc.exited).toBe(0);
    expect(fs.existsSync(lockFile(dataDir))).toBe(false);
    // once the last request is answered the listener closes
    await expect(fetch(`${svc.url}/healthz`)).rejects.toThrow();
  }, 60_000);
});

