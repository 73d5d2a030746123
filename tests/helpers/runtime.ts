import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { createApp } from '../../src/api/app.js';
import { loadConfig, type Config } from '../../src/config/env.js';
import { createLogger } from '../../src/logger.js';
import { createServices, startWorker, type Services } from '../../src/runtime.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestRuntime {
  services: Services;
  http: ReturnType<typeof supertest>;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

/** A real service in this process: real store files in a temp dir, real queue, real analyzer threads, real HTTP. */
export async function startRuntime(env: Record<string, string> = {}, opts: { worker?: boolean; dataDir?: string; keepData?: boolean } = {}): Promise<TestRuntime> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    GUANDIAN_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    QUEUE_PREFIX: `gdtest-${randomUUID()}`,
    ...env,
  });
  const services = await createServices(config, createLogger(config.logLevel));
  if (opts.worker !== false) await startWorker(services);
  const app = createApp(services);
  return {
    services,
    http: supertest(app),
    config,
    dataDir,
    async close() {
      await services.actions.stop();
      await services.models.stop();
      await services.queue.stopWorker();
      await services.reconciler.stop();
      services.privacy.stopRetention();
      await services.queue.close();
      await services.pool?.close();
      await services.store.close();
      if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Serves the runtime's app on a free port of 127.0.0.1, for clients that are not in this process (the
 * built CLI). `close` drops open connections first, so a keep-alive client cannot hold it open.
 */
export async function listenOnLoopback(rt: TestRuntime): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(createApp(rt.services));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The names of the files directly in the runtime's DATA_DIR whose text contains `needle` (erasure must leave none). */
export function dataFilesContaining(rt: TestRuntime, needle: string): string[] {
  return fs
    .readdirSync(rt.dataDir)
    .filter((f) => fs.statSync(path.join(rt.dataDir, f)).isFile())
    .filter((f) => fs.readFileSync(path.join(rt.dataDir, f), 'utf8').includes(needle));
}

type BodyParser = Parameters<ReturnType<ReturnType<typeof supertest>['get']>['parse']>[0];

/**
 * Keeps a streamed response body (CSV, NDJSON exports) as one UTF-8 string, whatever its content type:
 * `rt.http.get(...).buffer(true).parse(textBody)`.
 */
export const textBody: BodyParser = (r, cb) => {
  let data = '';
  r.setEncoding('utf8');
  r.on('data', (c: string) => (data += c));
  r.on('end', () => cb(null, data));
};

/**
 * For tests that stop the service and start it again on the same data: runtimes on one DATA_DIR that
 * outlives each of them, as a restarted process finds its directory.
 */
export interface RestartableData {
  /** Starts a runtime on the shared DATA_DIR (the first call creates the directory). */
  start(opts?: { worker?: boolean }): Promise<TestRuntime>;
  /** Closes a runtime started here, as a stop of the service would; the data stays. */
  stop(rt: TestRuntime): Promise<void>;
  /** For a finally block: closes the runtimes still open, in the order they started, and removes the directory. */
  cleanup(): Promise<void>;
}

export function restartableData(env: Record<string, string> = {}): RestartableData {
  const open: TestRuntime[] = [];
  let dataDir: string | undefined;
  return {
    async start(opts = {}) {
      const rt = await startRuntime(env, { ...opts, keepData: true, ...(dataDir === undefined ? {} : { dataDir }) });
      dataDir = rt.dataDir;
      open.push(rt);
      return rt;
    },
    async stop(rt) {
      open.splice(open.indexOf(rt), 1);
      await rt.close();
    },
    async cleanup() {
      for (const rt of open.splice(0)) await rt.close();
      if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

export async function createKey(rt: TestRuntime, roles: string[], tenant?: string): Promise<string> {
  const res = await rt.http
    .post('/v1/api-keys')
    .set(bearer(ADMIN_KEY))
    .send({ name: `test ${roles.join('+')}`, roles, ...(tenant ? { tenant } : {}) })
    .expect(201);
  return res.body.key as string;
}

/**
 * Returns a function that, on each call, creates a key with every tenant role in a tenant of its own:
 * `<prefix>-1`, `<prefix>-2`, … (counted per returned function), so that each test's data stands alone.
 * `rt` is a getter because the file's runtime only exists once its beforeAll has run.
 */
export function tenantKeyMaker(rt: () => TestRuntime, prefix: string): () => Promise<string> {
  let n = 0;
  return () => createKey(rt(), ['admin', 'ingest', 'analyst', 'labeler'], `${prefix}-${++n}`);
}

/** A re-tag job's progress once it reports done (GET /v1/retag-jobs/:id with `key`, polled every 50 ms for up to 20 s). */
export async function waitRetagJob(rt: TestRuntime, id: string, key = ADMIN_KEY): Promise<Record<string, any>> {
  for (let i = 0; i < 400; i++) {
    const res = await rt.http.get(`/v1/retag-jobs/${id}`).set(bearer(key)).expect(200);
    if (res.body.status === 'done') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('re-tag job did not finish');
}

/** Re-tags every document of `key`'s tenant (POST /v1/retag-jobs) and returns the job once it is done. */
export async function retagTenant(rt: TestRuntime, key: string): Promise<Record<string, any>> {
  const job = await rt.http.post('/v1/retag-jobs').set(bearer(key)).send({}).expect(202);
  return waitRetagJob(rt, job.body.id as string, key);
}

export async function waitForStatus(rt: TestRuntime, id: string, key = ADMIN_KEY, timeoutMs = 30_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await rt.http.get(`/v1/documents/${id}`).set(bearer(key));
    if (res.status === 200 && (res.body.status === 'done' || res.body.status === 'failed')) return res.body;
    if (Date.now() > deadline) throw new Error(`document ${id} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Holds the worker inside the re-tag of one document: after it wrote the re-tagged tags and before it
 * marks the document done (an afterTagged hook, which runs only on a document a re-tag job holds), the
 * narrowest place for a cancel or a correction to land. `reached` resolves once the worker is there;
 * `release()` lets it go on.
 */
export function holdRetagWrite(rt: TestRuntime, documentId: string): { reached: Promise<void>; release: () => void } {
  let arrived!: () => void;
  const reached = new Promise<void>((r) => (arrived = r));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  rt.services.afterTagged.push(async (doc) => {
    if (doc._id === documentId && doc.retagJobId) {
      arrived();
      await held;
    }
  });
  return { reached, release };
}
