import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { BullmqQueue } from '../../src/queue/bullmq-queue.js';
import { freePort } from '../helpers/redis.js';

// The service runs three queues (documents, webhooks, models), each logging its own connection errors
// while Redis is unreachable: each line must say which queue it is, as the stop's lines do.

describe('queue connection errors', () => {
  test('name their queue', async () => {
    const lines: { msg: string; queue?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string }) });
    const url = `redis://127.0.0.1:${await freePort()}`;
    const queues = ['documents', 'webhooks'].map((name) => new BullmqQueue(url, `conn-err-${process.pid}`, 1, logger, name));
    for (const q of queues) q.startWorker(async () => undefined, 1);
    const deadline = Date.now() + 10_000;
    const errors = () => lines.filter((l) => /connection error/.test(l.msg));
    while (new Set(errors().map((l) => `${l.msg}|${l.queue}`)).size < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(queues.map((q) => q.close()));
    const seen = new Set(errors().map((l) => `${l.msg}|${l.queue}`));
    expect([...seen].sort()).toEqual(['queue connection error|documents', 'queue connection error|webhooks', 'worker connection error|documents', 'worker connection error|webhooks']);
  }, 30_000);

  test('/readyz\'s queue check says Redis is unreachable, not an ioredis stream option', async () => {
    const q = new BullmqQueue(`redis://127.0.0.1:${await freePort()}`, `conn-err-${process.pid}`, 1, pino({ level: 'silent' }));
    try {
      await new Promise((r) => setTimeout(r, 300));
      await expect(q.ping()).rejects.toThrow(/^Redis is unreachable \(connection (connecting|reconnecting)\)/);
    } finally {
      await q.close();
    }
  }, 30_000);
});
