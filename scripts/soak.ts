import path from 'node:path';
import { Args } from './lib/args.js';
import { Client, TransientError } from './lib/client.js';
import { freePort, installCleanup, keepTempDirs, log, sleep, tempDir } from './lib/children.js';
import { makeDocument, type CxDocument } from './lib/corpus.js';
import { dirBytes, heapFromMetrics, readRss, round1, slope } from './lib/memory.js';
import { Random } from './lib/random.js';
import { assertBuilt, ServiceProcess } from './lib/service.js';

// Soak: steady ingest against the real service for N minutes while sampling its memory. The
// embedded store keeps every document in memory by design, so raw RSS growth is not a leak by
// itself. Two things keep data growth apart from leaks:
//  1. If DELETE /v1/customers/:id exists, documents are erased about a minute after ingest, so the
//     stored data stays roughly constant and RSS should level off; the second-half slope is the
//     leak signal.
//  2. At the end the service is restarted on the same DATA_DIR: a fresh process holding exactly the
//     same data shows what the data costs; the long-running process's excess over it is memory the
//     run retained for nothing.

const HELP = `usage: node --import tsx scripts/soak.ts [--minutes N] [--rate DOCS_PER_S] [--sample-s S]
                                        [--max-slope MB_PER_MIN] [--keep-window-s S] [--keep]
  Embedded store and queue by default; set REDIS_URL to use BullMQ on that Redis.`;

const args = new Args();
if (args.flag('help')) {
  process.stdout.write(HELP + '\n');
  process.exit(0);
}
args.only(['minutes', 'rate', 'sample-s', 'max-slope', 'keep-window-s', 'seed', 'keep', 'help']);
const minutes = args.number('minutes', 10, 0.5, 24 * 60);
const rate = args.number('rate', 10, 1, 1000);
const sampleS = args.number('sample-s', 10, 1, 600);
const maxSlope = args.number('max-slope', 2, 0, 1000);
const keepWindowS = args.number('keep-window-s', 60, 10, 3600);
const seed = args.number('seed', 1, 0, 2 ** 32 - 1);
keepTempDirs(args.flag('keep'));

const ADMIN_KEY = `soak-admin-${process.pid}-0123456789abcdef`;
const WINDOW_S = 10;
const CUSTOMERS_PER_WINDOW = 5;

interface Sample {
  t: number;
  rssMB: number;
  heapUsedMB: number | null;
  heapTotalMB: number | null;
  /** Buffers and other memory V8 tracks outside its heap; what is in neither is native (model, jieba, allocator). */
  externalMB: number | null;
  storeMB: number;
  accepted: number;
  erased: number;
  /** Documents held by the store right now (accepted minus erased): the data RSS must carry. */
  liveDocs: number;
}

async function heap(client: Client): Promise<ReturnType<typeof heapFromMetrics>> {
  try {
    const res = await client.request<string>('GET', '/metrics', undefined, 10_000);
    return res.status === 200 && typeof res.body === 'string' ? heapFromMetrics(res.body) : null;
  } catch {
    return null;
  }
}

async function waitIdle(client: Client, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const q = await client.request<{ items: unknown[] }>('GET', '/v1/documents?status=queued&limit=1');
    const p = await client.request<{ items: unknown[] }>('GET', '/v1/documents?status=processing&limit=1');
    if (q.body.items.length === 0 && p.body.items.length === 0) return true;
    await sleep(1000);
  }
  return false;
}

async function main(): Promise<void> {
  installCleanup();
  assertBuilt();
  const root = tempDir('guandian-soak-');
  const dataDir = path.join(root, 'data');
  const env: Record<string, string> = { ROLE: 'all', DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'warn' };
  // The service ships with glibc limited to two malloc arenas (npm start, the Docker image); the soak
  // runs it the same way. MALLOC_ARENA_MAX= (empty) soaks glibc's default instead, for comparison.
  env.MALLOC_ARENA_MAX = process.env.MALLOC_ARENA_MAX ?? '2';
  if (env.MALLOC_ARENA_MAX === '') delete env.MALLOC_ARENA_MAX;
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    env.QUEUE_PREFIX = `soak-${process.pid}`;
  }
  const service = new ServiceProcess(await freePort(), env, path.join(root, 'service.log'));
  await service.start();
  const client = new Client(() => service.url, ADMIN_KEY);
  const pid = service.pid!;

  const probe = await client.request('DELETE', '/v1/customers/soak-probe');
  const erase = probe.status === 200;
  const hasHeap = (await heap(client)) !== null;
  log(`service pid ${pid} on ${service.url} (${process.env.REDIS_URL ? 'BullMQ on REDIS_URL' : 'embedded store and queue'}); ` +
    `erase route ${erase ? 'present: documents are erased ~' + keepWindowS + ' s after ingest' : `absent (${probe.status}): stored data grows`}; ` +
    `heap ${hasHeap ? 'from /metrics' : 'not available (no /metrics)'}`);

  const rng = new Random(seed);
  const runTag = `soak-${Date.now().toString(36)}`;
  const started = Date.now();
  const endAt = started + minutes * 60_000;
  const samples: Sample[] = [];
  let accepted = 0;
  let erased = 0;
  let failures = 0;
  let index = 0;
  const windowOf = (t: number) => Math.floor((t - started) / 1000 / WINDOW_S);
  let nextErase = 0;

  const sample = async () => {
    const mem = readRss(pid);
    if (!mem) throw new Error(`service process ${pid} is gone; its log ends:\n${service.tail(40)}`);
    const h = hasHeap ? await heap(client) : null;
    const s: Sample = {
      t: (Date.now() - started) / 60_000,
      rssMB: mem.rssMB,
      heapUsedMB: h?.heapUsedMB ?? null,
      heapTotalMB: h?.heapTotalMB ?? null,
      externalMB: h?.externalMB ?? null,
      storeMB: dirBytes(dataDir) / 1024 / 1024,
      accepted,
      erased,
      liveDocs: accepted - erased,
    };
    samples.push(s);
    const line = `t=${s.t.toFixed(2)}min rss=${s.rssMB.toFixed(1)}MB heapUsed=${s.heapUsedMB?.toFixed(1) ?? '-'}MB heapTotal=${s.heapTotalMB?.toFixed(1) ?? '-'}MB external=${s.externalMB?.toFixed(1) ?? '-'}MB store=${s.storeMB.toFixed(2)}MB accepted=${accepted} erased=${erased} live=${accepted - erased}`;
    process.stdout.write(line + '\n');
    log(line);
  };

  await sample();
  let nextSample = Date.now() + sampleS * 1000;
  for (let tick = 0; Date.now() < endAt; tick++) {
    const tickStart = Date.now();
    const w = windowOf(tickStart);
    const docs: CxDocument[] = [];
    for (let i = 0; i < rate; i++) {
      const doc = makeDocument(rng, runTag, index++);
      doc.customerId = `soak-w${w}-${i % CUSTOMERS_PER_WINDOW}`;
      docs.push(doc);
    }
    // Half the documents one by one and half as a batch, as real integrations mix both.
    const singles = docs.slice(0, Math.ceil(docs.length / 2));
    const batch = docs.slice(singles.length);
    try {
      for (const doc of singles) {
        const res = await client.requestWithRetry('POST', '/v1/documents', doc, Date.now() + 30_000);
        if (res.status === 202) accepted++;
        else failures++;
      }
      if (batch.length > 0) {
        const res = await client.requestWithRetry<{ items: { status: string }[] }>('POST', '/v1/documents/batch', { documents: batch }, Date.now() + 30_000);
        accepted += res.status === 207 ? res.body.items.filter((i) => i.status === 'accepted').length : 0;
        if (res.status !== 207) failures += batch.length;
      }
      // Erase whole windows once they are old enough to have been processed.
      if (erase) {
        const oldest = windowOf(Date.now() - keepWindowS * 1000);
        for (; nextErase < oldest; nextErase++) {
          for (let c = 0; c < CUSTOMERS_PER_WINDOW; c++) {
            const res = await client.requestWithRetry<{ deleted: { documents: number } }>('DELETE', `/v1/customers/soak-w${nextErase}-${c}`, undefined, Date.now() + 30_000);
            if (res.status === 200) erased += res.body.deleted.documents;
            else {
              failures++;
              log(`erase soak-w${nextErase}-${c} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
            }
          }
        }
      }
    } catch (err) {
      if (!(err instanceof TransientError)) throw err;
      failures++;
      log(`request failed: ${err.message}`);
    }
    if (Date.now() >= nextSample) {
      await sample();
      nextSample += sampleS * 1000;
    }
    const wait = tickStart + 1000 - Date.now();
    if (wait > 0) await sleep(wait);
  }
  const idle = await waitIdle(client, 120_000);
  await sample();
  const last = samples[samples.length - 1]!;

  // Same data, fresh process: what the data alone costs after start-up.
  const code = await service.terminate();
  await service.start();
  await waitIdle(client, 60_000);
  await sleep(15_000);
  const freshRss = readRss(service.pid!)?.rssMB ?? NaN;
  const freshHeap = hasHeap ? await heap(client) : null;
  await service.terminate();

  const secondHalf = samples.filter((s) => s.t >= minutes / 2);
  const rssSlope = slope(secondHalf.map((s) => ({ x: s.t, y: s.rssMB })));
  // RSS swings by tens of MB as V8 collects and the allocator returns pages, which can swamp a raw
  // slope over a few minutes. A leak lifts the floor, so the verdict uses the lowest sample of each
  // minute of the second half.
  const floors = new Map<number, Sample>();
  for (const s of secondHalf) {
    const minute = Math.floor(s.t);
    const current = floors.get(minute);
    if (!current || s.rssMB < current.rssMB) floors.set(minute, s);
  }
  const floorSlope = slope([...floors.values()].map((s) => ({ x: s.t, y: s.rssMB })));
  const heapPoints = secondHalf.filter((s) => s.heapUsedMB !== null).map((s) => ({ x: s.t, y: s.heapUsedMB! }));
  const storeSlope = slope(secondHalf.map((s) => ({ x: s.t, y: s.storeMB })));
  const pass = floorSlope <= maxSlope && failures === 0 && idle && code === 0;
  const summary = {
    minutes,
    rateDocsPerS: rate,
    mode: process.env.REDIS_URL ? 'bullmq' : 'embedded',
    dataBounded: erase,
    accepted,
    erased,
    failures,
    samples: samples.length,
    rssMB: { first: round1(samples[0]!.rssMB), last: round1(last.rssMB), max: round1(Math.max(...samples.map((s) => s.rssMB))) },
    rssSlopeMBPerMin: round1(rssSlope),
    rssFloorSlopeMBPerMin: round1(floorSlope),
    heapUsedMB: hasHeap
      ? {
          first: round1(samples[0]!.heapUsedMB ?? NaN),
          last: round1(last.heapUsedMB ?? NaN),
          max: round1(Math.max(...samples.map((s) => s.heapUsedMB ?? 0))),
          slopeMBPerMin: round1(slope(heapPoints)),
          externalFirstMB: round1(samples[0]!.externalMB ?? NaN),
          externalLastMB: round1(last.externalMB ?? NaN),
        }
      : null,
    // File bytes include nedb's append-only history (updates and deletions) until compaction;
    // liveDocs is what memory has to hold.
    storeMB: { first: round1(samples[0]!.storeMB), last: round1(last.storeMB), slopeMBPerMin: round1(storeSlope) },
    liveDocs: { secondHalfMin: Math.min(...secondHalf.map((s) => s.liveDocs)), secondHalfMax: Math.max(...secondHalf.map((s) => s.liveDocs)), last: last.liveDocs },
    freshRestartRssMB: round1(freshRss),
    freshRestartHeapUsedMB: freshHeap ? round1(freshHeap.heapUsedMB) : null,
    retainedOverFreshMB: round1(last.rssMB - freshRss),
    gracefulExitCode: code,
    maxSlopeMBPerMin: maxSlope,
    pass,
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
  if (!pass) log(`FAILED: ${floorSlope > maxSlope ? `the RSS floor grew ${floorSlope.toFixed(2)} MB/min over the second half (limit ${maxSlope}); ` : ''}${failures} failed requests; idle ${idle}; exit ${code}`);
  process.exitCode = pass ? 0 : 1;
}

main()
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((err: unknown) => {
    log(`soak aborted: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    // exit() rather than exitCode: live child handles would keep the loop (and the children) alive;
    // the exit hook kills them and removes the temp dirs.
    process.exit(2);
  });
