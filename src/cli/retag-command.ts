import { CliFailure } from './errors.js';
import type { HttpClient } from './http-client.js';
import { ProgressBar } from './progress.js';

export interface RetagOptions {
  channel?: string;
  kind?: string;
  from?: string;
  to?: string;
  intervalMs: number;
  detach: boolean;
}

interface RetagJob {
  id: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  total: number;
  done: number;
  error?: string | { message?: string } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runRetag(client: HttpClient, o: RetagOptions): Promise<RetagJob> {
  const body: Record<string, string> = {};
  for (const k of ['channel', 'kind', 'from', 'to'] as const) if (o[k] !== undefined) body[k] = o[k];
  const started = await client.json<{ id: string; total: number }>('/v1/retag-jobs', { method: 'POST', body });
  process.stderr.write(`retag job ${started.id} started for ${started.total} documents\n`);
  if (o.detach) {
    process.stdout.write(`${started.id}\n`);
    return { id: started.id, status: 'running', total: started.total, done: 0 };
  }
  const bar = new ProgressBar(started.total, 'retagging');
  let job: RetagJob;
  try {
    for (;;) {
      job = await client.json<RetagJob>(`/v1/retag-jobs/${encodeURIComponent(started.id)}`, { retries: 3 });
      bar.setTotal(job.total);
      bar.update(job.done, job.status !== 'running');
      if (job.status !== 'running') break;
      await sleep(o.intervalMs);
    }
  } finally {
    bar.finish();
  }
  if (job.status === 'failed') {
    const reason = typeof job.error === 'string' ? job.error : job.error?.message;
    throw new CliFailure(`retag job ${job.id} failed after ${job.done}/${job.total} documents${reason ? `: ${reason}` : ''}`);
  }
  // an admin cancelled it (guandian retag cancel, the console) while this followed it: it did not finish
  if (job.status === 'cancelled') throw new CliFailure(`retag job ${job.id} was cancelled after ${job.done}/${job.total} documents; the rest keep their tags`);
  process.stdout.write(`retag job ${job.id} ${job.status}: ${job.done}/${job.total} documents\n`);
  return job;
}

/**
 * POST /v1/retag-jobs/:id/cancel: stops a running job; the documents it has not re-tagged yet keep their
 * tags. Cancelling a cancelled job again answers the same; a done job is the server's 409.
 */
export async function retagCancel(client: HttpClient, id: string): Promise<RetagJob> {
  const job = await client.json<RetagJob>(`/v1/retag-jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
  process.stdout.write(`retag job ${job.id} cancelled: ${job.done}/${job.total} documents re-tagged before the cancel; the rest keep their tags\n`);
  return job;
}

interface ListedJob {
  id: string;
  status: 'running' | 'done' | 'cancelled';
  total: number;
  done: number;
  failed: number;
  filter: { channel?: string; kind?: string; from?: string; to?: string };
  createdAt: string;
  createdBy: string;
  reason: { kind: string; version: string | null; previous: string | null } | null;
}

export interface RetagListOptions {
  limit?: number;
  status?: string;
  cursor?: string;
  json: boolean;
}

/** Why the job ran, as the list's REASON column says it ("-": a job from before reasons were kept). */
export function reasonWords(r: ListedJob['reason']): string {
  if (!r) return '-';
  if (r.kind === 'promote') return `promote ${r.version ?? '?'} (was ${r.previous ?? '?'})`;
  if (r.kind === 'rollback') return `rollback to ${r.version ?? '?'} (was ${r.previous ?? '?'})`;
  return r.kind;
}

const filterWords = (f: ListedJob['filter']) =>
  (['channel', 'kind', 'from', 'to'] as const)
    .filter((k) => f[k] !== undefined)
    .map((k) => `${k}=${f[k]}`)
    .join(' ') || 'all';

/** GET /v1/retag-jobs: one page of the tenant's re-tag jobs, newest first, as a table (or the server's JSON). */
export async function retagList(client: HttpClient, o: RetagListOptions): Promise<ListedJob[]> {
  const q = new URLSearchParams();
  if (o.limit !== undefined) q.set('limit', String(o.limit));
  if (o.status !== undefined) q.set('status', o.status);
  if (o.cursor !== undefined) q.set('cursor', o.cursor);
  const qs = q.toString();
  const page = await client.json<{ items: ListedJob[]; nextCursor: string | null }>(`/v1/retag-jobs${qs ? `?${qs}` : ''}`, { retries: 3 });
  if (o.json) {
    process.stdout.write(JSON.stringify(page) + '\n');
    return page.items;
  }
  if (page.items.length === 0) {
    process.stdout.write(o.status || o.cursor ? 'no re-tag jobs match\n' : 'no re-tag jobs yet ("guandian retag" starts one)\n');
    return page.items;
  }
  const head = ['id', 'status', 'done', 'failed', 'started (UTC)', 'by', 'reason', 'filter'];
  const rows = page.items.map((j) => [
    j.id,
    j.status,
    `${j.done}/${j.total}`,
    String(j.failed),
    j.createdAt.slice(0, 16).replace('T', ' '),
    j.createdBy,
    reasonWords(j.reason),
    filterWords(j.filter),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
  if (page.nextCursor) process.stderr.write(`more jobs: guandian retag list --cursor ${page.nextCursor}${o.limit !== undefined ? ` --limit ${o.limit}` : ''}${o.status ? ` --status ${o.status}` : ''}\n`);
  return page.items;
}
