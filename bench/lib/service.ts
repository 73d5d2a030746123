import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startService, type ServiceProcess } from '../../tests/helpers/process.js';
import { ROOT } from './common.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function assertBuilt(): void {
  const main = path.join(ROOT, 'dist/main.js');
  if (!fs.existsSync(main)) throw new Error('dist/main.js is missing: run `npx tsc -p tsconfig.build.json` first');
}

export const adminKey = () => `bench-${randomBytes(24).toString('base64url')}`;

/** The built service as a real process (the same helper the system tests use). */
export async function startBuilt(env: Record<string, string>): Promise<ServiceProcess> {
  assertBuilt();
  // BENCH_SERVICE_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS refuses)
  // profiles the service under a benchmark's load.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return startService({ LOG_LEVEL: 'warn', ...env }, 60_000, nodeArgs);
}

export async function stop(service: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), timeoutMs);
  await service.exited;
  clearTimeout(timer);
}

/** Deletes every key a run's unique QUEUE_PREFIX created, so benchmarks leave Redis as they found it. */
export async function deleteQueueKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      const batch = keys as string[];
      if (batch.length) deleted += await redis.del(...batch);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

interface NedbDate {
  $$date: number;
}
export interface StoredDoc {
  _id: string;
  externalId: string;
  status: string;
  createdAt: NedbDate;
  processedAt: NedbDate | null;
  tagCount: number;
}

/** Final state of every document in an embedded store's file (nedb appends; the last line per id wins). */
export function readNedbDocuments(dataDir: string): StoredDoc[] {
  const byId = new Map<string, StoredDoc>();
  const file = path.join(dataDir, 'documents.db');
  if (!fs.existsSync(file)) return [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as Partial<StoredDoc> & { $$deleted?: boolean; $$indexCreated?: unknown };
    if (row.$$indexCreated || !row._id) continue;
    if (row.$$deleted) byId.delete(row._id);
    else byId.set(row._id, row as StoredDoc);
  }
  return [...byId.values()];
}

export interface ChildServer {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Sends an IPC message and resolves with the child's next reply. */
  ask<T>(msg: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Starts one of bench/servers/*.ts with tsx and an IPC channel; resolves once it prints its URL. */
export async function startChild(script: string, env: Record<string, string>, timeoutMs = 60_000, nodeArgs: string[] = []): Promise<ChildServer> {
  const child = fork(path.join(ROOT, 'bench/servers', script), [], {
    execArgv: [...nodeArgs, '--import', 'tsx'],
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // a child that never came up is killed, not left running behind the benchmark
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start:\n${out}`));
    }, timeoutMs);
    child.stdout!.on('data', () => {
      const m = /GUANDIAN_LISTENING (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    url,
    exited,
    ask: <T>(msg: unknown) =>
      new Promise<T>((resolve, reject) => {
        child.once('message', (m) => resolve(m as T));
        child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out.slice(-2000)}`)));
        child.send(msg as object);
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ stop: true });
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
