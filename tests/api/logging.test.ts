import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config/env.js';
import { createServices, startWorker, type Services } from '../../src/runtime.js';
import { ADMIN_KEY, bearer } from '../helpers/runtime.js';

// The service's own logger at info, captured: request ids must reach job logs, and neither document
// text, PII nor keys may appear.

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  },
});
let services: Services;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-log-'));
  const config = loadConfig({ DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'debug' });
  services = await createServices(config, pino({ level: 'debug' }, sink));
  await startWorker(services);
});
afterAll(async () => {
  await services.queue.close();
  await services.reconciler.stop();
  services.privacy.stopRetention();
  await services.pool?.close();
  await services.store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('structured logs', () => {
  test('the request id follows the document into its job; no text, PII or keys at info', async () => {
    const http = supertest(createApp(services));
    const text = '我是张三，手机13912345678，你们的宽带又断网了，太垃圾了';
    const res = await http
      .post('/v1/documents')
      .set(bearer(ADMIN_KEY))
      .set('X-Request-Id', 'req-log-test-1')
      .send({ kind: 'comment', source: 'app', externalId: 'log-1', text })
      .expect(202);
    for (let i = 0; i < 200; i++) {
      const doc = await services.store.documents.findById(res.body.id);
      if (doc?.status === 'done') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 50));
    const access = lines.find((l) => l.msg === 'request' && l.requestId === 'req-log-test-1');
    expect(access).toMatchObject({ method: 'POST', route: '/v1/documents', status: 202 });
    const job = lines.find((l) => l.msg === 'document tagged' && l.documentId === res.body.id);
    expect(job?.requestId).toBe('req-log-test-1');
    const info = lines.filter((l) => (l.level as number) >= 30).map((l) => JSON.stringify(l));
    expect(info.length).toBeGreaterThan(0);
    for (const line of info) {
      expect(line).not.toContain('13912345678');
      expect(line).not.toContain('宽带');
      expect(line).not.toContain('张三');
      expect(line).not.toContain(ADMIN_KEY);
    }
    // Nor at debug: job logs carry counts and ids only.
    for (const line of lines.map((l) => JSON.stringify(l))) expect(line).not.toContain('宽带');
  });

  test('requests refused before any route matched are labelled /v1/*, not as static UI files', async () => {
    const http = supertest(createApp(services));
    await http.get('/v1/tags').set(bearer('not-a-key')).set('X-Request-Id', 'req-log-401').expect(401);
    await http.post('/v1/documents/batch').set(bearer(ADMIN_KEY)).set('X-Request-Id', 'req-log-413').send({ documents: [{ text: '差'.repeat(400_000) }] }).expect(413);
    await http.post('/v1/documents').set(bearer(ADMIN_KEY)).set('Content-Type', 'text/plain').send('hello').expect(415);
    await new Promise((r) => setTimeout(r, 50));
    for (const [id, status] of [['req-log-401', 401], ['req-log-413', 413]] as const) {
      expect(lines.find((l) => l.msg === 'request' && l.requestId === id)).toMatchObject({ route: '/v1/*', status });
    }
    const metrics = await services.metrics.registry.metrics();
    expect(metrics).toContain('guandian_http_requests_total{method="GET",route="/v1/*",status="401"} 1');
    expect(metrics).toContain('guandian_http_requests_total{method="POST",route="/v1/*",status="413"} 1');
    expect(metrics).toContain('guandian_http_requests_total{method="POST",route="/v1/*",status="415"} 1');
    expect(metrics).not.toMatch(/route="static"/);
  });

  test("a route's own errors carry its full template, like its successes (not /rules/:id beside /v1/rules/:id)", async () => {
    const http = supertest(createApp(services));
    await http.get('/v1/rules/no-such-rule').set(bearer(ADMIN_KEY)).set('X-Request-Id', 'req-log-404').expect(404);
    await http.get('/v1/tags').query({ minConfidence: 'high' }).set(bearer(ADMIN_KEY)).set('X-Request-Id', 'req-log-400').expect(400);
    await http.get('/v1/tags').set(bearer(ADMIN_KEY)).expect(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(lines.find((l) => l.msg === 'request' && l.requestId === 'req-log-404')).toMatchObject({ route: '/v1/rules/:id', status: 404 });
    expect(lines.find((l) => l.msg === 'request' && l.requestId === 'req-log-400')).toMatchObject({ route: '/v1/tags', status: 400 });
    const metrics = await services.metrics.registry.metrics();
    expect(metrics).toContain('guandian_http_requests_total{method="GET",route="/v1/rules/:id",status="404"} 1');
    expect(metrics).toContain('guandian_http_requests_total{method="GET",route="/v1/tags",status="400"} 1');
    expect(metrics).toContain('guandian_http_requests_total{method="GET",route="/v1/tags",status="200"}');
    expect(metrics).not.toMatch(/route="\/(rules|tags)/);
  });
});
