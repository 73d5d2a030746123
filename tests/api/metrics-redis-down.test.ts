import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/redis.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// A scrape while Redis does not answer must say so, not repeat the last queue counts it saw (a stuck
// queue would look healthy on the dashboard) and not hang the scrape. This test runs its own
// redis-server, since it has to stop it.

let redis: ChildProcess | null = null;
let rt: TestRuntime | null = null;

async function startRedis(port: number): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {});
    try {
      await c.connect();
      if ((await c.ping()) === 'PONG') return;
    } catch {
      /* not yet */
    } finally {
      c.disconnect();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}

beforeAll(async () => {
  const port = await freePort();
  await startRedis(port);
  rt = await startRuntime({ REDIS_URL: `redis://127.0.0.1:${port}` }, { worker: false });
});
afterAll(async () => {
  redis?.kill('SIGKILL');
  await Promise.race([rt?.close(), new Promise((r) => setTimeout(r, 5000))]);
});

const gauge = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(name));

describe('/metrics when Redis stops answering', () => {
  test('queue gauges disappear and guandian_queue_up is 0, within a bounded time', async () => {
    const ingest = await createKey(rt!, ['ingest']);
    await rt!.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: 'm-1', text: '网络太慢了' }).expect(202);
    const up = (await rt!.http.get('/metrics').set(bearer(ADMIN_KEY)).expect(200)).text;
    expect(gauge(up, 'guandian_queue_jobs{state="waiting"}')).toEqual(['guandian_queue_jobs{state="waiting"} 1']);
    expect(gauge(up, 'guandian_queue_up ')).toEqual(['guandian_queue_up 1']);

    redis!.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const down = (await rt!.http.get('/metrics').set(bearer(ADMIN_KEY)).timeout(10_000).expect(200)).text;
    expect(gauge(down, 'guandian_queue_jobs{')).toEqual([]);
    expect(gauge(down, 'guandian_queue_up ')).toEqual(['guandian_queue_up 0']);
  });
});
