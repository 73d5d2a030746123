import { afterAll, describe, expect, test } from 'vitest';
import { startService, type ServiceProcess } from '../helpers/process.js';
import { dropPrefix, freePort, redisUrl, stopPrivateRedis } from '../helpers/redis.js';
import { tempDirsForFile } from '../helpers/temp-dirs.js';

// The service restarted while Redis is unreachable, with documents stored but not yet queued: it must
// come up (ingest keeps working, the reconciler queues them once Redis answers), as it does when the
// backlog is empty, instead of failing its start because the first reconcile pass could not enqueue.

const ADMIN = 'redis-down-boot-admin-key-0123456789';
const prefix = `redis-down-boot-${process.pid}-${Date.now()}`;
const tempDir = tempDirsForFile('guandian-redis-down-boot-');
let svc: ServiceProcess | null = null;
let url: string | null = null;

afterAll(async () => {
  svc?.child.kill('SIGKILL');
  if (url) await dropPrefix(url, prefix);
  stopPrivateRedis();
});

async function stop(s: ServiceProcess): Promise<number | null> {
  s.child.kill('SIGTERM');
  return s.exited;
}

describe('Redis unreachable when the service restarts', () => {
  test('unfinished documents do not stop the start; once Redis answers they are tagged', async () => {
    const dataDir = tempDir();
    const down = `redis://127.0.0.1:${await freePort()}`;
    const env = { DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN, QUEUE_PREFIX: prefix, LEASE_MS: '100', RECONCILE_INTERVAL_MS: '500' };
    const headers = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };

    // stored while Redis is down: acknowledged, not queued
    svc = await startService({ ...env, REDIS_URL: down });
    const res = await fetch(`${svc.url}/v1/documents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ kind: 'comment', source: 'app-review', externalId: 'boot-1', text: '宽带老是断网，客服电话也打不通' }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await stop(svc)).toBe(0);

    // its lease (100 ms) has run out: the boot's reconcile pass finds it and cannot enqueue it
    svc = await startService({ ...env, REDIS_URL: down });
    const ready = await fetch(`${svc.url}/healthz`);
    expect(ready.status).toBe(200);
    expect(await stop(svc)).toBe(0);

    // Redis answers again: the document is queued and tagged
    url = await redisUrl();
    svc = await startService({ ...env, REDIS_URL: url });
    const deadline = Date.now() + 30_000;
    let status = '';
    while (Date.now() < deadline) {
      status = ((await (await fetch(`${svc.url}/v1/documents/${id}`, { headers })).json()) as { status: string }).status;
      if (status === 'done') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('done');
    expect(await stop(svc)).toBe(0);
    svc = null;
  }, 90_000);
});
