import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docChars, feedbackDocuments, type DocPayload } from './lib/documents.js';
import { percentile, processCpuSeconds, round, rssMb, sleep, tmpDir, type BenchOptions, type BenchResult } from './lib/common.js';
import { REDIS_URL, adminKey, deleteQueueKeys, readNedbDocuments, startBuilt, stop } from './lib/service.js';

const BATCH = 100;
// issue #9: "pipeline >= 500 docs/s on 2 cores"
const TARGET_DOCS_PER_SEC = 500;
const WARM_ROUND = 200;
/**
 * Documents processed and drained before the measured phase, not counted. A freshly started process
 * spends its first seconds compiling hot code: perf showed V8's platform threads (TurboFan, scavenges)
 * taking ~0.9 ms of CPU per document over a measured phase that started cold and ~0.5 ms after this
 * warm-up, on the same two cores; a running service has long since paid that.
 */
const WARMUP_DOCS = 600;
const MIN_PACED = 30;

interface Phase {
  docs: number;
  done: number;
  failed: number;
  seconds: number;
  docsPerSec: number;
  latencyMs: { p50: number; p95: number; max: number };
}

interface ThreadRun {
  threads: number;
  saturated: Phase & { cpuMsPerDoc: { mainThread: number; otherThreads: number; busiestOtherThreads: number[] } | null };
  paced: Phase & { offeredPerSec: number };
  rssMb: { peak: number; end: number };
  analyzerMode: string;
}

async function post(url: string, key: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  if (res.status >= 300 && res.status !== 207) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

async function readyCounts(url: string): Promise<{ pending: number; mode: string }> {
  const res = await fetch(`${url}/readyz`);
  const body = (await res.json()) as { checks: { queue: { waiting: number; active: number; delayed: number }; model?: { mode: string } } };
  const q = body.checks.queue;
  return { pending: q.waiting + q.active + q.delayed, mode: body.checks.model?.mode ?? 'unknown' };
}

function phaseStats(ids: Set<string>, data: ReturnType<typeof readNedbDocuments>): Phase {
  const mine = data.filter((d) => ids.has(d._id));
  const done = mine.filter((d) => d.status === 'done' && d.processedAt);
  const latencies = done.map((d) => d.processedAt!.$$date - d.createdAt.$$date);
  const first = Math.min(...mine.map((d) => d.createdAt.$$date));
  const last = Math.max(...done.map((d) => d.processedAt!.$$date));
  const seconds = (last - first) / 1000;
  return {
    docs: ids.size,
    done: done.length,
    failed: mine.filter((d) => d.status === 'failed').length,
    seconds: round(seconds, 2),
    docsPerSec: round(done.length / seconds, 1),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) },
  };
}

async function oneRun(threads: number, warmup: DocPayload[], docs: DocPayload[], pacedDocs: DocPayload[], pacedRate: number | null, opts: BenchOptions, deadline: number, env: Record<string, string> = {}): Promise<ThreadRun> {
  const dataDir = tmpDir(`pipeline-t${threads}`);
  const prefix = `guandian-bench-${process.pid}-${Date.now()}-t${threads}`;
  const key = adminKey();
  const service = await startBuilt({ REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: dataDir, ANALYZER_THREADS: String(threads), GUANDIAN_ADMIN_KEY: key, ...env }).catch((err: unknown) => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  const pid = service.child.pid!;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid)?.rss ?? 0)), 250);
  try {
    return await measured();
  } catch (err) {
    // the service's own output says why a request failed (a crash, a refused start)
    const exit = service.child.exitCode ?? service.child.signalCode;
    throw new Error(`${err instanceof Error ? err.message : String(err)}${exit !== null ? ` (service exited: ${exit})` : ''}\n--- service output (tail) ---\n${service.output().slice(-3000)}`);
  } finally {
    clearInterval(sampler);
    await stop(service);
    const deleted = await deleteQueueKeys(prefix);
    opts.log(`pipeline: ${threads} thread(s) done; deleted ${deleted} Redis keys under ${prefix}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  async function measured(): Promise<ThreadRun> {
    const { mode } = await readyCounts(service.url);
    const waitDrained = async () => {
      // a drain may run somewhat past the share: an undrained backlog would spoil the next phase
      const hardStop = deadline + 60_000;
      while (Date.now() < hardStop) {
        if ((await readyCounts(service.url)).pending === 0) return;
        await sleep(200);
      }
      opts.log(`pipeline: ${threads} thread(s) did not drain before the time budget ran out; counting what finished`);
    };

    // saturated: documents offered in batches, two requests in flight, as a bulk import would. A first
    // round measures the rate; the second is sized so the whole phase fits its share of the budget
    // and always drains (a backlog left behind would turn the paced latencies into queue waits).
    const saturatedIds = new Set<string>();
    const offer = async (slice: DocPayload[]) => {
      let next = 0;
      const sender = async () => {
        while (next < slice.length) {
          const batch = slice.slice(next, (next += BATCH));
          await post(service.url, key, '/v1/documents/batch', { documents: batch });
        }
      };
      await Promise.all([sender(), sender()]);
      await waitDrained();
    };
    await offer(warmup);
    const budgetMs = deadline - Date.now();
    const cpuBefore = processCpuSeconds(pid);
    const sendStart = Date.now();
    const first = Math.min(WARM_ROUND, docs.length);
    await offer(docs.slice(0, first));
    const firstRate = first / ((Date.now() - sendStart) / 1000);
    const more = Math.max(0, Math.min(docs.length - first, Math.floor((firstRate * (budgetMs * 0.5 - (Date.now() - sendStart))) / 1000)));
    await offer(docs.slice(first, first + more));
    const offered = first + more;
    if (offered < docs.length) opts.log(`pipeline: ${threads} thread(s): ${offered} of ${docs.length} saturated docs fit the budget at ${round(firstRate, 1)} docs/s`);
    const liveRate = offered / ((Date.now() - sendStart) / 1000);
    const cpuAfter = processCpuSeconds(pid);
    // CPU milliseconds per document over the saturated phase (intake and tagging together)
    const cpuMsPerDoc =
      cpuBefore && cpuAfter
        ? {
            mainThread: round(((cpuAfter.main - cpuBefore.main) * 1000) / offered, 2),
            otherThreads: round(((cpuAfter.others - cpuBefore.others) * 1000) / offered, 2),
            // the busiest other threads first: with N analyzer threads the top N are those
            busiestOtherThreads: Object.entries(cpuAfter.byThread)
              .map(([tid, s]) => round(((s - (cpuBefore.byThread[tid] ?? 0)) * 1000) / offered, 2))
              .sort((a, b) => b - a)
              .slice(0, 4),
          }
        : null;

    // paced: single POSTs at about half the saturated rate, so latency is processing, not backlog
    const pacedIds = new Set<string>();
    const rate = pacedRate ?? liveRate / 2;
    const pacedCount = Math.max(Math.min(MIN_PACED, pacedDocs.length), Math.min(pacedDocs.length, Math.floor((rate * (deadline - Date.now()) * 0.6) / 1000)));
    const start = Date.now();
    const inflight: Promise<void>[] = [];
    for (const [i, doc] of pacedDocs.slice(0, pacedCount).entries()) {
      const due = start + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      inflight.push(
        fetch(`${service.url}/v1/documents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify(doc),
        }).then(async (res) => {
          const body = (await res.json()) as { id: string };
          pacedIds.add(body.id);
        }),
      );
    }
    await Promise.all(inflight);
    await waitDrained();
    const endRss = rssMb(pid);
    clearInterval(sampler);
    await stop(service);
    peak = Math.max(peak, endRss?.hwm ?? 0);

    const stored = readNedbDocuments(dataDir);
    const warmIds = new Set(warmup.map((d) => d.externalId));
    for (const d of stored) if (!pacedIds.has(d._id) && !warmIds.has(d.externalId)) saturatedIds.add(d._id);
    return {
      threads,
      saturated: { ...phaseStats(saturatedIds, stored), cpuMsPerDoc },
      paced: { ...phaseStats(pacedIds, stored), offeredPerSec: round(rate, 1) },
      rssMb: { peak: round(peak, 0), end: round(endRss?.rss ?? NaN, 0) },
      analyzerMode: mode,
    };
  }
}

export async function pipelineBench(opts: BenchOptions): Promise<BenchResult> {
  const t0 = Date.now();
  const total = opts.quick ? 200 : 2000;
  const pacedCount = opts.quick ? 40 : 300;
  const warmCount = opts.quick ? 50 : WARMUP_DOCS;
  const generated = feedbackDocuments(total + 2 * pacedCount + warmCount, `bench${Date.now()}`);
  const all = generated.slice(0, total + 2 * pacedCount);
  // texts of their own, after the measured ones (each run's service is fresh, so it sees them as new)
  const warmup = generated.slice(total + 2 * pacedCount);
  const meanChars = all.reduce((n, d) => n + docChars(d), 0) / all.length;
  const runs: ThreadRun[] = [];
  const crashes: { threads: number; error: string }[] = [];
  for (const threads of [1, 2]) {
    const share = (opts.deadline - Date.now()) / (3 - threads);
    const saturated = all.slice(0, total);
    // fresh external ids per run so each service sees new documents
    const paced = all.slice(total + (threads - 1) * pacedCount, total + threads * pacedCount);
    // the paced rate is half of what the 1-thread run sustained, the same offered load for both runs
    const rate = runs[0]?.paced.offeredPerSec ?? null;
    opts.log(`pipeline: ANALYZER_THREADS=${threads}, ${saturated.length} docs saturated then ${paced.length} paced`);
    try {
      const r = await oneRun(threads, warmup, saturated, paced, rate, opts, Date.now() + share);
      runs.push(r);
      opts.log(`pipeline: ${threads} thread(s): ${r.saturated.docsPerSec} docs/s saturated; paced p50 ${r.paced.latencyMs.p50} ms p95 ${r.paced.latencyMs.p95} ms; RSS peak ${r.rssMb.peak} MB`);
    } catch (err) {
      // a crashed service is a result, not a harness failure: keep the other run and say what died
      const text = err instanceof Error ? err.message : String(err);
      const evidence = text
        .split('\n')
        .filter((l) => /FATAL|exited|onnxruntime_binding|Error:/.test(l))
        .map((l) => l.trim().replace(/^\d+: 0x[0-9a-f]+ /, '').replace(/ \[[^\]]*\]$/, ''))
        .slice(0, 4);
      crashes.push({ threads, error: evidence.length ? evidence.join(' | ') : text.split('\n')[0]! });
      opts.log(`pipeline: ANALYZER_THREADS=${threads} FAILED: ${crashes[crashes.length - 1]!.error}`);
    }
  }
  // With the model, 2 threads may crash (above); the same pair without the model still shows how the
  // rest of the pipeline scales, in whatever budget is left.
  let lexiconPair: ThreadRun[] | null = null;
  if (crashes.length && runs[0]?.analyzerMode === 'model' && opts.deadline - Date.now() > 40_000) {
    lexiconPair = [];
    const noModel = { MODEL_DIR: path.join(os.tmpdir(), 'guandian-bench-no-model') };
    for (const threads of [1, 2]) {
      const paced = all.slice(total + 2 * pacedCount - MIN_PACED, total + 2 * pacedCount);
      try {
        const r = await oneRun(threads, warmup, all.slice(0, total), paced, lexiconPair[0]?.paced.offeredPerSec ?? null, opts, Date.now() + (opts.deadline - Date.now()) / (3 - threads), noModel);
        lexiconPair.push(r);
        opts.log(`pipeline: lexicon mode, ${threads} thread(s): ${r.saturated.docsPerSec} docs/s saturated; paced p95 ${r.paced.latencyMs.p95} ms`);
      } catch (err) {
        opts.log(`pipeline: lexicon mode, ${threads} thread(s) failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
    }
  }
  const one = runs.find((r) => r.threads === 1);
  const two = runs.find((r) => r.threads === 2);
  const lexOne = lexiconPair?.find((r) => r.threads === 1);
  const lexTwo = lexiconPair?.find((r) => r.threads === 2);
  const ratio = one && two ? two.saturated.docsPerSec / one.saturated.docsPerSec : null;
  const best = [one, two].filter((r): r is ThreadRun => Boolean(r)).sort((a, b) => b.saturated.docsPerSec - a.saturated.docsPerSec)[0] ?? null;
  const split = 'embedded store keeps everything in one process, so "1 vs 2 workers" is 1 vs 2 analyzer threads in one service process';
  return {
    bench: 'pipeline',
    unit: 'documents/s (2 analyzer threads)',
    ours: two?.saturated.docsPerSec ?? null,
    peer: 'same service, ANALYZER_THREADS=1',
    peerValue: one?.saturated.docsPerSec ?? null,
    ratio: ratio === null ? null : round(ratio, 2),
    target: `>= ${TARGET_DOCS_PER_SEC} documents/s on 2 cores (the better of 1 and 2 analyzer threads)`,
    targetMet: best === null ? null : best.saturated.docsPerSec >= TARGET_DOCS_PER_SEC,
    note: [
      ...crashes.map((c) => `ANALYZER_THREADS=${c.threads} crashed: ${c.error}`),
      ...(crashes.length && lexOne && lexTwo ? [`without the model 1 → 2 threads: ${lexOne.saturated.docsPerSec} → ${lexTwo.saturated.docsPerSec} docs/s`] : []),
      ...(best ? [`best ${best.saturated.docsPerSec} docs/s with ${best.threads} analyzer thread(s); saturated-phase CPU per document: main thread ${best.saturated.cpuMsPerDoc?.mainThread ?? '?'} ms, other threads ${best.saturated.cpuMsPerDoc?.otherThreads ?? '?'} ms`] : []),
      split,
    ].join('; '),
    details: {
      ...(crashes.length ? { crashes } : {}),
      ...(lexiconPair
        ? {
            lexiconPair: {
              why: 'the model run crashed at 2 threads, so the pair was repeated with MODEL_DIR pointing nowhere (lexicon classifier) to show how the rest scales',
              oneThreadDocsPerSec: lexOne?.saturated.docsPerSec ?? null,
              twoThreadsDocsPerSec: lexTwo?.saturated.docsPerSec ?? null,
              ratio: lexOne && lexTwo ? round(lexTwo.saturated.docsPerSec / lexOne.saturated.docsPerSec, 2) : null,
            },
          }
        : {}),
      setup: `built service (dist/main.js), REDIS_URL (BullMQ), embedded store in a temp DATA_DIR, unique QUEUE_PREFIX, WORKER_CONCURRENCY default 4; analyzer mode ${runs[0]?.analyzerMode ?? 'unknown'}`,
      documents: `${warmup.length} warm-up documents processed and drained first, not counted (a fresh process compiles its hot code in its first seconds); then up to ${total} saturated (batches of ${BATCH}, 2 in flight; a first round of ${WARM_ROUND} measures the rate and sizes the rest to the budget) then up to ${pacedCount} paced single POSTs per run (counts per run in \`runs\`); mean ${round(meanChars, 1)} chars; 1/2 comments, 1/4 social posts, 1/4 transcripts, from the sentiment dev texts`,
      latency: 'createdAt (accepted) → processedAt (done), from the store after shutdown; both paced phases offer half the rate the 1-thread run sustained saturated (the same offered load) so latency is processing, not queueing; saturated latencies are mostly backlog wait',
      rss: 'resident set of the service process (API + queue worker + analyzer threads), sampled every 250 ms',
      // measured, not assumed: whatever else ran shows in the load average the report records per run
      machineNote: `${os.cpus().length} cores; the analyzer threads share them with the HTTP/queue thread, Redis and anything else running (load average in machine.loadAverage)`,
      table: {
        columns: ['threads', 'docs/s saturated', 'done/failed', 'paced offered/s', 'paced p50 ms', 'paced p95 ms', 'saturated p50 ms', 'saturated p95 ms', 'CPU ms/doc main thread', 'CPU ms/doc other threads', 'RSS peak MB'],
        rows: [...runs, ...(lexiconPair ?? [])].map((r) => [`${r.threads} (${r.analyzerMode})`, r.saturated.docsPerSec, `${r.saturated.done + r.paced.done}/${r.saturated.failed + r.paced.failed}`, r.paced.offeredPerSec, r.paced.latencyMs.p50, r.paced.latencyMs.p95, r.saturated.latencyMs.p50, r.saturated.latencyMs.p95, r.saturated.cpuMsPerDoc?.mainThread ?? null, r.saturated.cpuMsPerDoc?.otherThreads ?? null, r.rssMb.peak]),
      },
      runs,
      ...(lexiconPair ? { lexiconRuns: lexiconPair } : {}),
    },
    seconds: round((Date.now() - t0) / 1000, 1),
  };
}
