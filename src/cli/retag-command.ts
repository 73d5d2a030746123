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
  status: 'running' | 'done' | 'failed';
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
  process.stdout.write(`retag job ${job.id} ${job.status}: ${job.done}/${job.total} documents\n`);
  return job;
}
