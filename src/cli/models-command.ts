import { CliFailure } from './errors.js';
import type { HttpClient } from './http-client.js';
import { ProgressBar } from './progress.js';

interface Slice {
  n?: number;
  overall: number | null;
}
interface Version {
  version: string;
  parent: string;
  active: boolean;
  status: string;
  createdAt: string;
  counts: { corrections: number };
  metrics: { regression: Slice; corrections: Slice; reviewed?: Slice };
  parentMetrics: { regression: Slice; corrections: Slice; reviewed?: Slice };
  /** stale (absent from older servers): the gate passed, but promoting it would now be refused (staleReason). */
  gate: { passes: boolean; reasons: string[]; stale?: boolean; staleReason?: string | null };
}
interface ModelList {
  base: string | null;
  active: string | null;
  versions: Version[];
}
interface TrainJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  phase: string;
  percent: number;
  version: string | null;
  error: string | null;
  /** workers taking training jobs now; null when the server cannot tell, absent from older servers */
  workers?: number | null;
}
interface Switched {
  active: string;
  previous: string;
  note?: string;
  retagJob: { id: string; total: number } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gate column: a version that passed but can no longer be promoted says why instead of "passed". */
export function gateWords(g: Version['gate']): string {
  if (!g.passes) return `refused: ${g.reasons.join('; ')}`;
  return g.stale ? `stale: ${g.staleReason ?? 'promoting it would be refused; train again'}` : 'passed';
}
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

export async function modelsList(client: HttpClient, json: boolean): Promise<void> {
  const list = await client.json<ModelList>('/v1/models', { retries: 3 });
  if (json) {
    process.stdout.write(JSON.stringify(list) + '\n');
    return;
  }
  process.stdout.write(`base: ${list.base ?? '(no model installed)'}\nactive: ${list.active ?? '—'}\n`);
  if (list.versions.length === 0) {
    process.stdout.write('no trained versions yet ("guandian models train")\n');
    return;
  }
  const rows = list.versions.map((v) => [
    v.version + (v.active ? ' *' : ''),
    v.status,
    v.createdAt.slice(0, 16).replace('T', ' '),
    String(v.counts.corrections),
    `${pct(v.parentMetrics.regression.overall)} → ${pct(v.metrics.regression.overall)}`,
    `${pct(v.parentMetrics.corrections.overall)} → ${pct(v.metrics.corrections.overall)}`,
    v.metrics.reviewed ? `${pct(v.parentMetrics.reviewed?.overall ?? null)} → ${pct(v.metrics.reviewed.overall)}` : '-',
    gateWords(v.gate),
  ]);
  const head = ['version', 'status', 'created (UTC)', 'corrections', 'regression set', 'corrected slice', 'reviewed tags', 'gate'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
}

/**
 * A job queued this long while the server cannot say whether a worker runs (an older server, or Redis
 * unreachable) or its workers are all busy gets a hint anyway: a training takes seconds.
 */
export const QUEUED_HINT_MS = 60_000;

const NO_WORKER_HINT =
  'no worker is consuming the models queue: training runs in worker processes (ROLE=worker, or ROLE=all), ' +
  'and none is connected. Check that one runs with the same REDIS_URL and QUEUE_PREFIX as the API; the job stays queued until then.';

/**
 * Queues a training job and, unless detached, follows it; exit 1 when the job fails or is still
 * unfinished after `timeoutMs`. A job that no worker will run is said so on stderr, once, and waited for.
 */
export async function modelsTrain(client: HttpClient, o: { intervalMs: number; detach: boolean; timeoutMs?: number | null; note?: string }): Promise<TrainJob> {
  const started = await client.json<{ id: string; version: string; status?: TrainJob['status']; existing?: boolean }>('/v1/models/train', {
    method: 'POST',
    body: o.note !== undefined ? { note: o.note } : {},
  });
  // A job already queued or running for the tenant is returned instead of a second one: follow that.
  process.stderr.write(
    started.existing
      ? `a training job is already ${started.status ?? 'queued'} for this tenant: following ${started.id} (version ${started.version})${o.note !== undefined ? '; --note was not recorded' : ''}\n`
      : `training job ${started.id} queued (version ${started.version})\n`,
  );
  if (o.detach) {
    process.stdout.write(`${started.id}\n`);
    return { id: started.id, status: 'queued', phase: 'queued', percent: 0, version: null, error: null };
  }
  const bar = new ProgressBar(100, 'training');
  const since = Date.now();
  let hinted = false;
  const hint = (text: string) => {
    if (hinted) return;
    hinted = true;
    bar.finish();
    process.stderr.write(`guandian: ${text}\n`);
  };
  let job: TrainJob;
  try {
    for (;;) {
      job = await client.json<TrainJob>(`/v1/models/jobs/${encodeURIComponent(started.id)}`, { retries: 3 });
      bar.update(job.percent, job.status === 'done' || job.status === 'failed');
      if (job.status === 'done' || job.status === 'failed') break;
      const waited = Date.now() - since;
      if (job.status === 'queued' && job.workers === 0) hint(NO_WORKER_HINT);
      else if (job.status === 'queued' && waited >= QUEUED_HINT_MS) {
        hint(
          `training job ${job.id} is still queued after ${Math.round(waited / 1000)} s: ` +
            (job.workers ? `the ${job.workers} worker(s) may be busy with other training jobs, or ` : '') +
            'no worker may be consuming the models queue (check the ROLE and REDIS_URL of the worker processes)',
        );
      }
      if (o.timeoutMs != null && waited >= o.timeoutMs) {
        throw new CliFailure(`training job ${job.id} is still ${job.status} after ${Math.round(waited / 1000)} s (--timeout); it stays on the server, follow it with GET /v1/models/jobs/${job.id}`);
      }
      await sleep(o.timeoutMs != null ? Math.min(o.intervalMs, Math.max(1, o.timeoutMs - waited)) : o.intervalMs);
    }
  } finally {
    bar.finish();
  }
  if (job.status === 'failed') throw new CliFailure(`training job ${job.id} failed: ${job.error ?? 'no reason given'}`);
  const v = await client.json<Version>(`/v1/models/${encodeURIComponent(job.version!)}`, { retries: 3 });
  process.stdout.write(
    `trained ${v.version} from ${v.counts.corrections} corrections: regression set ${pct(v.parentMetrics.regression.overall)} → ${pct(v.metrics.regression.overall)}, ` +
      `corrected slice ${pct(v.parentMetrics.corrections.overall)} → ${pct(v.metrics.corrections.overall)}` +
      (v.metrics.reviewed?.n ? `, reviewed tags ${pct(v.parentMetrics.reviewed?.overall ?? null)} → ${pct(v.metrics.reviewed.overall)}` : '') +
      `; gate ${gateWords(v.gate)}\n`,
  );
  return job;
}

/** What a promotion or rollback re-tags: nothing (retag false) or the finished documents matching the filters. */
export interface SwitchOptions {
  retag: boolean;
  channel?: string;
  kind?: string;
  from?: string;
  to?: string;
}

/** Promotion or rollback; the server refuses (409) with the gate's reasons, which become the error. */
export async function modelsSwitch(client: HttpClient, path: string, body: SwitchOptions): Promise<Switched> {
  const out = await client.json<Switched>(path, { method: 'POST', body });
  if (out.note) process.stderr.write(`guandian: ${out.note}\n`);
  process.stdout.write(`active: ${out.active} (was ${out.previous})${out.retagJob ? `; re-tag job ${out.retagJob.id} for ${out.retagJob.total} documents ("guandian retag" follows such jobs)` : ''}\n`);
  return out;
}
