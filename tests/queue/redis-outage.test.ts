import { spawn, type ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { BullmqQueue } from '../../src/queue/bullmq-queue.js';
import { freePort } from '../helpers/redis.js';

// A Redis of this test's own (a private redis-server on a free port), killed mid-run: the shared one
// must not go down under other tests.
let server: ChildProcess | null = null;
afterAll(() => {
  server?.kill('SIGKILL');
});

async function until(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Redis goes away under a running worker', () => {
  test('connection errors are logged once, not several times a second, and close returns instead of waiting for Redis', async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const lines: { msg: string; repeated?: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string }) });
    const q = new BullmqQueue(`redis://127.0.0.1:${port}`, `outage-${process.pid}-${Date.now()}`, 3, logger);
    await until(async () => q.ping().then(() => true, () => false));
    const done: string[] = [];
    q.startWorker(async (id) => void done.push(id), 1);
    await q.enqueue([{ documentId: '工单-1', generation: 0 }]);
    await until(() => done.length === 1);

    server.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 3000));
    const errors = lines.filter((l) => /connection error/.test(l.msg));
    // one line per emitter (the worker; the queue's producer) for the whole outage so far
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(2);

    const closed = await Promise.race([q.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still waiting for Redis'), 8000))]);
    expect(closed).toBe('closed');
    expect(lines.some((l) => /Redis unreachable: stopping the worker/.test(l.msg))).toBe(true);
  }, 30_000);
});
