import { PermanentJobError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffMs, jobIdFor, jobLogFields, type JobHandler, type JobQueue, type QueueCounts } from './job-queue.js';

// In-process queue for single-process installs without Redis. It holds nothing durable: the store's
// document status is the source of truth, and the reconciler re-enqueues unfinished documents at
// boot, so a kill loses nothing.

interface Pending {
  jobId: string;
  documentId: string;
  attempt: number;
}

export class EmbeddedQueue implements JobQueue {
  readonly kind = 'embedded' as const;
  private readonly waiting: Pending[] = [];
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private active = 0;
  private failed = 0;
  private handler: JobHandler | null = null;
  private concurrency = 1;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly attempts: number,
    private readonly logger: Logger,
    /** Which queue this is (documents, webhooks, models): its log lines name the job by the right key. */
    private readonly name = 'documents',
  ) {}

  async enqueue(jobs: { documentId: string; generation: number }[]): Promise<void> {
    for (const { documentId, generation } of jobs) {
      const jobId = jobIdFor(documentId, generation);
      if (this.known.has(jobId)) continue;
      this.known.add(jobId);
      this.waiting.push({ jobId, documentId, attempt: 1 });
    }
    this.pump();
  }

  startWorker(handler: JobHandler, concurrency: number): void {
    this.handler = handler;
    this.concurrency = concurrency;
    this.pump();
  }

  private pump(): void {
    while (this.handler && !this.stopping && this.active < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.active++;
      void this.run(job);
    }
  }

  private async run(job: Pending): Promise<void> {
    const final = job.attempt >= this.attempts;
    try {
      await this.handler!(job.documentId, { attempt: job.attempt, final });
      this.known.delete(job.jobId);
    } catch (err) {
      const permanent = err instanceof PermanentJobError;
      if (final || permanent) {
        this.failed++;
        this.known.delete(job.jobId);
      } else if (!this.stopping) {
        this.logger.warn({ ...jobLogFields(this.name, job.documentId), attempt: job.attempt, err: String(err) }, 'job failed; retrying');
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.waiting.push({ ...job, attempt: job.attempt + 1 });
          this.pump();
        }, backoffMs(job.attempt));
        this.timers.add(timer);
      }
    } finally {
      this.active--;
      if (this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      this.pump();
    }
  }

  async counts(): Promise<QueueCounts> {
    return { waiting: this.waiting.length, active: this.active, failed: this.failed, delayed: this.timers.size };
  }

  async ping(): Promise<void> {}

  async workerCount(): Promise<number> {
    return this.handler && !this.stopping ? 1 : 0;
  }

  async stopWorker(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.stopWorker();
  }
}
