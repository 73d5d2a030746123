import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { dropPrefix, redisUrl, stopPrivateRedis } from '../helpers/redis.js';
import { ADMIN_KEY, startRuntime, listenOnLoopback, type TestRuntime } from '../helpers/runtime.js';
import { runBuiltCli, type CliResult } from '../helpers/cli.js';

// `guandian models train` against an API without a worker for training jobs (ROLE=api and no worker
// process): the job stays queued, and the CLI used to poll it silently for ever. The server now reports
// the workers connected to the models queue (BullMQ, in any process), and the CLI says what is wrong,
// keeps waiting, and gives up with exit 1 only when --timeout says so.

let rt: TestRuntime;
let redis: string;
let server: { url: string; close(): Promise<void> } | undefined;
let url: string;

beforeAll(async () => {
  redis = await redisUrl();
  // the API side only, on BullMQ as a split deployment runs it
  rt = await startRuntime({ REDIS_URL: redis }, { worker: false });
  // Something to learn from, or training is refused up front: a labeler deleted a false positive (as a
  // store record: without a worker the document is never tagged). One correction trains a version its
  // gate refuses (nothing out of fold to judge), which is all these tests need.
  const doc = await fetchless(rt);
  await rt.services.store.corrections.insert({
    _id: '01JDELETEDFALSEPOSITIVE0001',
    tenant: 'default',
    documentId: doc,
    tagId: 'machine-tag-1',
    op: 'delete',
    before: { opinion: '麻烦了', polarity: 'negative', category: 'efficiency', source: 'rule' },
    after: null,
    prior: { sentence: '麻烦了', turnIndex: null, polarity: 'negative', category: 'efficiency', source: 'rule' } as never,
    actor: 'test',
    at: new Date(),
  });
  server = await listenOnLoopback(rt);
  url = server.url;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rt?.close();
  if (rt) await dropPrefix(redis, rt.config.queuePrefix);
  stopPrivateRedis();
});

function runCli(args: string[], onStderr?: (text: string) => void): Promise<CliResult> {
  return runBuiltCli(args, { env: { GUANDIAN_URL: url, GUANDIAN_KEY: ADMIN_KEY }, timeoutMs: 45_000, ...(onStderr ? { onStderr } : {}) });
}

/** A document stored through the API (it stays queued: no worker tags it). */
async function fetchless(r: TestRuntime): Promise<string> {
  const res = await supertest(createApp(r.services)).post('/v1/documents').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ kind: 'comment', source: 'app', externalId: 'thanks-1', text: '好的，麻烦了' });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

async function get(pathname: string): Promise<Record<string, unknown>> {
  const res = await fetch(url + pathname, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('models train without a worker', () => {
  test('GET /v1/models and the job report no worker; the CLI says so and exits 1 at --timeout, the job still queued', async () => {
    expect(rt.services.queue.kind).toBe('bullmq');
    expect((await get('/v1/models')).workers).toBe(0);

    const r = await runCli(['models', 'train', '--interval', '100', '--timeout', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no worker is consuming the models queue.*ROLE=worker/);
    expect(r.stderr).toMatch(/still queued after \d+ s \(--timeout\)/);
    // said once, not at every poll
    expect(r.stderr.match(/no worker is consuming/g)).toHaveLength(1);
    const id = /training job (\S+) queued/.exec(r.stderr)![1]!;
    expect(await get(`/v1/models/jobs/${encodeURIComponent(id)}`)).toMatchObject({ status: 'queued', workers: 0 });
  }, 60_000);

  test('without --timeout it keeps waiting, and a worker that starts later runs the job', async () => {
    let startedWorker: Promise<void> | null = null;
    const r = await runCli(['models', 'train', '--interval', '100'], (stderr) => {
      // a worker comes up once the CLI has said none was there
      if (!startedWorker && stderr.includes('no worker is consuming')) startedWorker = rt.services.models.startWorker();
    });
    expect(startedWorker).not.toBeNull();
    await startedWorker;
    expect((await get('/v1/models')).workers).toBe(1);
    // the job queued by the first test (a second request while it is queued gets it) trains on the one deletion
    expect(r.stderr.match(/a training job is already queued for this tenant: following (\S+) /)?.[1]).toBe('default:r1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^trained \S+\+r1 from 1 corrections: .*; gate refused: /m);
  }, 60_000);
});
