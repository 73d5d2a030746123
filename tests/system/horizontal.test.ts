import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { startService, type ServiceProcess } from '../helpers/process.js';
import { dropPrefix, redisUrl } from '../helpers/redis.js';

// Two API and two worker processes sharing one Redis and one MongoDB, with no other coordination.
// Split roles need MongoDB (the embedded store lives inside one process), and no MongoDB server can
// be installed on the build machines, so this runs only where MONGODB_URL is set.
const mongo = process.env.MONGODB_URL;
const ADMIN = 'horizontal-admin-key-0123456789abcdef';
const procs: ServiceProcess[] = [];

afterAll(() => {
  for (const p of procs) p.child.kill('SIGKILL');
});

describe.skipIf(!mongo)('horizontal scale (needs MONGODB_URL)', () => {
  test('2 API + 2 worker processes: every document processed exactly once', async () => {
    const redis = await redisUrl();
    const prefix = `gdtest-${randomUUID()}`;
    const env = { REDIS_URL: redis, MONGODB_URL: mongo!, MONGODB_DB: `guandian_h_${randomUUID().slice(0, 8)}`, QUEUE_PREFIX: prefix, GUANDIAN_ADMIN_KEY: ADMIN };
    const apis = [await startService({ ...env, ROLE: 'api' }), await startService({ ...env, ROLE: 'api' })];
    procs.push(...apis);
    // Workers do not listen; start them and give them a moment to attach to the queue.
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../dist/main.js')], { env: { PATH: process.env.PATH ?? '', ...env, ROLE: 'worker', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
      procs.push({ child, url: '', output: () => '', exited: new Promise((r) => child.on('exit', r)) });
    }
    const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };
    const ids: string[] = [];
    for (let i = 0; i < 400; i++) {
      const api = apis[i % 2]!;
      const res = await fetch(`${api.url}/v1/documents`, { method: 'POST', headers, body: JSON.stringify({ kind: 'comment', source: 'app', externalId: `h-${i}`, text: i % 2 ? '网络很顺畅，但是App老是闪退' : '客服态度很差，排队太久了' }) });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const deadline = Date.now() + 120_000;
    let docs: { id: string; status: string; attempts: number }[] = [];
    while (Date.now() < deadline) {
      docs = await Promise.all(ids.map(async (id) => (await (await fetch(`${apis[0]!.url}/v1/documents/${id}`, { headers })).json()) as { id: string; status: string; attempts: number }));
      if (docs.every((d) => d.status === 'done')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(docs.filter((d) => d.status !== 'done')).toEqual([]);
    expect(docs.filter((d) => d.attempts !== 1)).toEqual([]);
    await dropPrefix(redis, prefix);
  }, 240_000);
});
