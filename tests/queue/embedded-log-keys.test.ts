import 'reflect-metadata';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { queueFactory } from '../../src/runtime.js';

// Docs audit 2026-11-29 (operator notes): the in-process queue logged every retried job under
// `documentId`, so a webhook delivery's retry read as a document's. Each queue names its jobs by what
// they are.

async function retriedLine(name: string): Promise<Record<string, unknown>> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ DATA_DIR: '/nonexistent-never-opened', GUANDIAN_ADMIN_KEY: 'embedded-log-keys-0123456789abcdef', JOB_ATTEMPTS: '2' });
  const queue = (await queueFactory(config))(config, pino({ level: 'info' }, sink), name);
  expect(queue.kind).toBe('embedded');
  let calls = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  queue.startWorker(async () => {
    calls++;
    if (calls === 1) throw new Error('receiver answered 500');
    done();
  }, 1);
  await queue.enqueue([{ documentId: 'job-7', generation: 0 }]);
  await finished;
  await queue.close();
  const line = lines.find((l) => l.msg === 'job failed; retrying');
  expect(line, JSON.stringify(lines)).toBeDefined();
  return line!;
}

describe('the embedded queue names a retried job by its kind', () => {
  test.each([
    ['webhooks', 'deliveryId'],
    ['models', 'modelJob'],
    ['documents', 'documentId'],
  ])('%s: %s', async (name, key) => {
    const line = await retriedLine(name);
    expect(line).toMatchObject({ queue: name, [key]: 'job-7', attempt: 1 });
    for (const other of ['deliveryId', 'modelJob', 'documentId'].filter((k) => k !== key)) expect(line).not.toHaveProperty(other);
  });
});
