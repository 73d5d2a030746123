import autocannon from 'autocannon';
import { feedbackDocuments } from './lib/documents.js';
import { round, rssMb, tmpDir, type BenchOptions, type BenchResult } from './lib/common.js';
import { REDIS_URL, adminKey, deleteQueueKeys, startBuilt, startChild } from './lib/service.js';
import fs from 'node:fs';
import path from 'node:path';
import { summarizeProfile } from './lib/profile.js';

// Single documents at 10 in flight; batches at 2 in flight (100 documents), since 10 batches of 50 at
// once only measure queueing inside the server.
const CONNECTIONS = { single: 10, batch: 2 };
const BATCH = 50;
const TARGET = 0.5;

interface Load {
  requestsPerSec: number;
  docsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** autocannon replaces every `[<id>]` per request, which keeps each externalId new (no duplicate path). */
function bodies(): { single: string; batch: string } {
  const docs = feedbackDocuments(BATCH, 'x');
  const withId = (d: (typeof docs)[number], i: number) => JSON.stringify({ ...d, externalId: `ab-${i}-[<id>]` });
  return { single: withId(docs[0]!, 0), batch: `{"documents":[${docs.map(withId).join(',')}]}` };
}

async function load(url: string, path: string, body: string, headers: Record<string, string>, seconds: number, docsPerRequest: number): Promise<Load> {
  const r = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    connections: docsPerRequest === 1 ? CONNECTIONS.single : CONNECTIONS.batch,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    body,
    idReplacement: true,
  });
  const ok = r['2xx'];
  return {
    requestsPerSec: round(ok / seconds, 1),
    docsPerSec: round((ok * docsPerRequest) / seconds, 0),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

export async function ingestBench(opts: BenchOptions): Promise<BenchResult> {
  const t0 = Date.now();
  const seconds = opts.quick ? 4 : 10;
  const { single, batch } = bodies();
  const runs: Record<string, { single: Load; batch: Load; rssMb?: number }> = {};

  const bare = await startChild('bare-express.ts', {});
  try {
    opts.log(`ingest: bare Express, ${CONNECTIONS.single} (single) / ${CONNECTIONS.batch} (batch) connections, ${seconds} s per endpoint`);
    runs.bare = { single: await load(bare.url, '/v1/documents', single, {}, seconds, 1), batch: await load(bare.url, '/v1/documents/batch', batch, {}, seconds, BATCH) };
  } finally {
    await bare.stop();
  }

  const key = adminKey();
  const auth = { authorization: `Bearer ${key}` };
  const prefixApi = `guandian-bench-${process.pid}-${Date.now()}-ingest-api`;
  const apiDir = tmpDir('ingest-api');
  // a service that fails to start must not leave its data dir behind
  const api = await startChild('api-only.ts', { REDIS_URL, QUEUE_PREFIX: prefixApi, DATA_DIR: apiDir, GUANDIAN_ADMIN_KEY: key }).catch((err: unknown) => {
    fs.rmSync(apiDir, { recursive: true, force: true });
    throw err;
  });
  try {
    opts.log('ingest: the service API without its worker (store + BullMQ enqueue + auth + validation)');
    runs.api = { single: await load(api.url, '/v1/documents', single, auth, seconds, 1), batch: await load(api.url, '/v1/documents/batch', batch, auth, seconds, BATCH), rssMb: rssMb(api.child.pid!)?.hwm };
  } finally {
    await api.stop();
    await deleteQueueKeys(prefixApi);
    fs.rmSync(apiDir, { recursive: true, force: true });
  }

  // the all-in-one process as deployed with the embedded store: its worker tags what arrives, on the same 2 cores
  const prefixAll = `guandian-bench-${process.pid}-${Date.now()}-ingest-all`;
  const allDir = tmpDir('ingest-all');
  const all = await startBuilt({ REDIS_URL, QUEUE_PREFIX: prefixAll, DATA_DIR: allDir, GUANDIAN_ADMIN_KEY: key, ANALYZER_THREADS: '1' }).catch((err: unknown) => {
    fs.rmSync(allDir, { recursive: true, force: true });
    throw err;
  });
  try {
    opts.log('ingest: the built all-in-one service (worker running)');
    runs.allInOne = { single: await load(all.url, '/v1/documents', single, auth, seconds, 1), batch: await load(all.url, '/v1/documents/batch', batch, auth, seconds, BATCH), rssMb: rssMb(all.child.pid!)?.hwm };
  } finally {
    // the backlog is thrown away: stopping does not wait for it, and the queue keys go below
    all.child.kill('SIGKILL');
    await all.exited;
    await deleteQueueKeys(prefixAll);
    fs.rmSync(allDir, { recursive: true, force: true });
  }

  const b = runs.bare!;
  const a = runs.api!;
  const ratioSingle = a.single.docsPerSec / b.single.docsPerSec;
  const ratioBatch = a.batch.docsPerSec / b.batch.docsPerSec;
  const ratio = Math.min(ratioSingle, ratioBatch);
  const met = ratio >= TARGET;

  // a miss comes with a CPU profile of the API under the same single-document load (a separate,
  // shorter run: the profiler's own overhead must not touch the measured numbers)
  let profile: ReturnType<typeof summarizeProfile> | null = null;
  if (!met) {
    const profDir = tmpDir('ingest-prof');
    const prefix = `guandian-bench-${process.pid}-${Date.now()}-ingest-prof`;
    const prof = await startChild('api-only.ts', { REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: profDir, GUANDIAN_ADMIN_KEY: key });
    const file = `${profDir}/api.cpuprofile`;
    try {
      opts.log('ingest: target missed; profiling the API under the single-document load');
      await prof.ask({ profile: 'start' });
      await load(prof.url, '/v1/documents', single, auth, Math.min(seconds, 6), 1);
      await prof.ask({ profile: { stopTo: file } });
      profile = summarizeProfile(file);
      // BENCH_KEEP_PROFILE=dir keeps the raw profile for a closer look (Chrome DevTools, speedscope)
      if (process.env.BENCH_KEEP_PROFILE) fs.copyFileSync(file, path.join(process.env.BENCH_KEEP_PROFILE, 'ingest-api.cpuprofile'));
    } finally {
      await prof.stop();
      await deleteQueueKeys(prefix);
      fs.rmSync(profDir, { recursive: true, force: true });
    }
  }
  const row = (name: string, r: { single: Load; batch: Load }) => [
    name,
    r.single.docsPerSec,
    r.single.p50,
    r.single.p99,
    r.batch.docsPerSec,
    r.batch.p50,
    r.batch.p99,
    r.single.non2xx + r.batch.non2xx + r.single.errors + r.batch.errors,
  ];
  return {
    bench: 'ingest',
    unit: 'accepted docs/s, POST /v1/documents',
    ours: a.single.docsPerSec,
    peer: 'bare Express 5 (same JSON parse, 202)',
    peerValue: b.single.docsPerSec,
    ratio: round(ratioSingle, 2),
    target: `>= ${TARGET}x bare Express (single and batch)`,
    targetMet: met,
    ...(met ? {} : { note: `worst ratio ${round(ratio, 2)} (single ${round(ratioSingle, 2)}, batch ${round(ratioBatch, 2)}); see the profile in docs/benchmarks.md` }),
    details: {
      load: `autocannon on loopback, ${seconds} s per endpoint; single = 1 doc per request at ${CONNECTIONS.single} connections, batch = ${BATCH} docs per request at ${CONNECTIONS.batch} connections; every externalId new`,
      ours: 'the service API from dist/ (createServices + createApp: helmet, auth, DTO validation, PII masking, embedded store write, BullMQ enqueue to Redis) without the worker, as ROLE=api runs it',
      batchRatio: round(ratioBatch, 2),
      allInOne: 'dist/main.js with ROLE=all, ANALYZER_THREADS=1: its worker tags the arriving documents on the same 2 cores, so intake shares the CPU with analysis',
      allInOneRatioSingle: round((runs.allInOne?.single.docsPerSec ?? NaN) / b.single.docsPerSec, 2),
      allInOneRatioBatch: round((runs.allInOne?.batch.docsPerSec ?? NaN) / b.batch.docsPerSec, 2),
      table: {
        columns: ['server', 'single docs/s', 'single p50 ms', 'single p99 ms', 'batch docs/s', 'batch p50 ms', 'batch p99 ms', 'non-2xx + errors'],
        rows: [row('bare Express', b), row('ours: API without worker', a), row('ours: all-in-one (worker on)', runs.allInOne!)],
      },
      runs,
      ...(profile ? { profile: { of: 'API without worker, POST /v1/documents under the same load, V8 CPU profile of the load window (inspector), self time', ...profile } } : {}),
    },
    seconds: round((Date.now() - t0) / 1000, 1),
  };
}
