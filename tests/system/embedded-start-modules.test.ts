import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

// The embedded default (no REDIS_URL, no MONGODB_URL) starts without loading BullMQ, ioredis, the MongoDB
// driver or bull-board: about a third of the service's module load time went to them. Checked in a fresh
// process on the built service (dist/), where the modules the service's own start-up path loaded are in
// Node's CommonJS cache (all four packages are CommonJS). The script then loads the BullMQ queue itself, so
// the check is shown to see these packages when they are loaded.

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-modules-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const SCRIPT = `
import { createRequire } from 'node:module';
import 'reflect-metadata';
const { loadConfig } = await import('./dist/config/env.js');
const { createLogger } = await import('./dist/logger.js');
const { createServices } = await import('./dist/runtime.js');
const { createApp } = await import('./dist/api/app.js');
const config = loadConfig({ ...process.env, REDIS_URL: '', MONGODB_URL: '' });
const s = await createServices(config, createLogger('silent'));
createApp(s);
const optional = /node_modules\\/(bullmq|ioredis|mongodb|@bull-board\\/[a-z]+)\\//;
const loaded = () => [...new Set(Object.keys(createRequire(import.meta.url).cache).map((p) => optional.exec(p)?.[1]).filter(Boolean))].sort();
const embedded = loaded();
await import('./dist/queue/bullmq-queue.js');
const afterBullmq = loaded();
await s.queue.close();
await s.store.close();
process.stdout.write(JSON.stringify({ queue: s.queue.kind, embedded, afterBullmq }) + '\\n');
`;

describe('embedded start', () => {
  test('loads neither BullMQ, ioredis, the MongoDB driver nor bull-board', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: 'modules-test-admin-key-0123456789', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { queue: string; embedded: string[]; afterBullmq: string[] };
    expect(out.queue).toBe('embedded');
    expect(out.embedded).toEqual([]);
    expect(out.afterBullmq).toEqual(expect.arrayContaining(['bullmq', 'ioredis']));
  });
});
