import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { dropPrefix, redisUrl, stopPrivateRedis } from '../helpers/redis.js';
import { ADMIN_KEY, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// `guandian models train` against an API without a worker for training jobs (ROLE=api and no worker
// process): the job stays queued, and the CLI used to poll it silently for ever. The server now reports
// the workers connected to the models queue (BullMQ, in any process), and the CLI says what is wrong,
// keeps waiting, and gives up with exit 1 only when --timeout says so.

const CLI = path.resolve(import.meta.dirname, '../../dist/cli/index.js');
let rt: TestRuntime;
let redis: string;
let server: http.Server;
let url: string;

beforeAll(async () => {
  redis = await redisUrl();
  // the API side only, on BullMQ as a split deployment runs it
  rt = await startRuntime({ REDIS_URL: redis }, { worker: false });
  server = http.createServer(createApp(rt.services));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await rt?.close();
  if (rt) await dropPrefix(redis, rt.config.queuePrefix);
  stopPrivateRedis();
});

function runCli(args: string[], onStderr?: (text: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', GUANDIAN_URL: url, GUANDIAN_KEY: ADMIN_KEY }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function get(pathname: string): Promise<Record<string, unknown>> {
  const res = await fetch(url + pathname, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('models train without a worker', () => {
  test('GET /v1/models and the job report no worker; the CLI says so and exits 1 at --timeout, the job still queued', async () => {
    expect(rt.services.queue.kind).toBe('bullmq');
    expect((await get('/v1/models')).workers).toBe(0);

    const r = await runCli(['models', 'train', '--interval', '100', '--timeout', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no worker is consuming the models queue.*ROLE=worker/);
    expect(r.stderr).toMatch(/still queued after \d+ s \(--timeout\)/);
    // said once, not at every poll
    expect(r.stderr.match(/no worker is consuming/g)).toHaveLength(1);
    const id = /training job (\S+) queued/.exec(r.stderr)![1]!;
    expect(await get(`/v1/models/jobs/${encodeURIComponent(id)}`)).toMatchObject({ status: 'queued', workers: 0 });
  }, 60_000);

  test('without --timeout it keeps waiting, and a worker that starts later runs the job', async () => {
    let startedWorker: Promise<void> | null = null;
    const r = await runCli(['models', 'train', '--interval', '100'], (stderr) => {
      // a worker comes up once the CLI has said none was there
      if (!startedWorker && stderr.includes('no worker is consuming')) startedWorker = rt.services.models.startWorker();
    });
    expect(startedWorker).not.toBeNull();
    await startedWorker;
    expect((await get('/v1/models')).workers).toBe(1);
    // this tenant has no corrections, so the job the worker ran (and the one queued by the first test) fails for that reason
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed: no corrections to learn from/);
  }, 60_000);
});
