import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BullmqQueue } from '../../src/queue/bullmq-queue.js';
import { backoffMs } from '../../src/queue/job-queue.js';
import { createLogger } from '../../src/logger.js';
import { dropPrefix, redisUrl, stopPrivateRedis } from '../helpers/redis.js';

// docs/actions.md: webhook retries back off "1 s, 2 s, 4 s … capped at 60 s", and job-queue.ts's backoffMs
// says both queue kinds share it. The in-process queue used it; the BullMQ queue (REDIS_URL) used BullMQ's
// built-in exponential backoff, which has no cap: with the default WEBHOOK_ATTEMPTS=8 the last wait was
// 64 s, and with WEBHOOK_ATTEMPTS=20 a delivery waited 2^18 s (three days) before its 20th attempt.
let url: string;
const prefix = `gdtest-${randomUUID()}`;
beforeAll(async () => {
  url = await redisUrl();
});
afterAll(async () => {
  await dropPrefix(url, prefix);
  stopPrivateRedis();
});

const until = async (cond: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

test('a BullMQ job that failed its tenth attempt waits at most 60 s, as the in-process queue does', async () => {
  const name = 'webhooks';
  const q = new BullmqQueue(url, prefix, 20, createLogger('silent'), name);
  const redis = new Redis(url);
  try {
    await q.enqueue([{ documentId: 'delivery-1', generation: 0 }]);
    // The job as a receiver that has been down for a while leaves it: nine attempts made already.
    await redis.hset(`${prefix}:${name}:delivery-1`, 'atm', '9');
    const attempts: number[] = [];
    q.startWorker(async (_id, ctx) => {
      attempts.push(ctx.attempt);
      throw new Error('receiver answered 503');
    }, 1);
    await until(async () => (await q.counts()).delayed === 1);
    expect(attempts).toEqual([10]);
    const bull = q.bullQueue();
    const [job] = await bull.getDelayed();
    expect(job!.id).toBe('delivery-1');
    // the wait BullMQ scheduled before the eleventh attempt
    expect(backoffMs(10)).toBe(60_000);
    expect(job!.delay).toBe(60_000);
  } finally {
    await q.stopWorker();
    await q.close();
    redis.disconnect();
  }
});
