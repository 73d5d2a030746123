import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { PermanentJobError } from '../errors.js';
import type { Logger } from '../logger.js';
import { jobIdFor, type EnqueueOptions, type JobHandler, type JobQueue, type QueueCounts } from './job-queue.js';

export const DOCUMENTS_QUEUE = 'documents';
/** How long an enqueue waits for a connection that is being (re)made before it reports the queue down. */
const PRODUCER_READY_WAIT_MS = 2000;

interface JobData {
  documentId: string;
}

export class BullmqQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queue: Queue<JobData>;
  private worker: Worker<JobData> | null = null;
  private readonly connections: Redis[] = [];
  private readonly producer: Redis;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly attempts: number,
    private readonly logger: Logger,
    private readonly name: string = DOCUMENTS_QUEUE,
  ) {
    this.producer = this.connect(false) as unknown as Redis;
    this.queue = new Queue<JobData>(name, { connection: this.producer as unknown as ConnectionOptions, prefix });
    this.queue.on('error', (err) => this.logger.error({ err: err.message }, 'queue connection error'));
  }

  private connect(forWorker: boolean): ConnectionOptions {
    // Workers block on Redis and must retry forever across a Redis restart; producers fail fast so
    // the ingest call returns an error instead of hanging (the document is already stored and the
    // reconciler will enqueue it later).
    const conn = new Redis(this.redisUrl, {
      maxRetriesPerRequest: forWorker ? null : 3,
      enableOfflineQueue: forWorker,
      lazyConnect: false,
    });
    conn.on('error', () => {});
    this.connections.push(conn);
    return conn as unknown as ConnectionOptions;
  }

  async enqueue(jobs: { documentId: string; generation: number }[], options: EnqueueOptions = {}): Promise<void> {
    if (jobs.length === 0) return;
    await this.producerReady();
    if (options.replaceFinished) {
      for (const { documentId, generation } of jobs) {
        const job = await this.queue.getJob(jobIdFor(documentId, generation));
        if (!job) continue;
        const state = await job.getState();
        if (state === 'failed' || state === 'completed') await job.remove().catch(() => undefined);
      }
    }
    await this.queue.addBulk(
      jobs.map(({ documentId, generation }) => ({
        name: 'analyze',
        data: { documentId },
        opts: {
          jobId: jobIdFor(documentId, generation),
          attempts: this.attempts,
          backoff: { type: 'exponential', delay: 1000 },
          // Completed jobs are dropped at once (the store keeps the outcome); failed ones are kept a
          // day for operators.
          removeOnComplete: true,
          removeOnFail: { age: 24 * 3600 },
        },
      })),
    );
  }

  /**
   * BullMQ waits for the first connection however long it takes, so with Redis down since boot an
   * ingest request would hang. A connection still being made gets a moment; after that the caller
   * hears "unavailable" and answers (the document is stored; the reconciler enqueues it later).
   */
  private async producerReady(): Promise<void> {
    if (this.producer.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.producer.off('ready', onReady);
        if (err) reject(err);
        else resolve();
      };
      const onReady = () => done();
      const timer = setTimeout(() => done(new Error(`queue unavailable: Redis connection is ${this.producer.status}`)), PRODUCER_READY_WAIT_MS);
      this.producer.on('ready', onReady);
    });
  }

  startWorker(handler: JobHandler, concurrency: number): void {
    this.worker = new Worker<JobData>(
      this.name,
      async (job) => {
        const attempt = job.attemptsMade + 1;
        const final = attempt >= (job.opts.attempts ?? 1);
        try {
          await handler(job.data.documentId, { attempt, final });
        } catch (err) {
          if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      { connection: this.connect(true), prefix: this.prefix, concurrency },
    );
    this.worker.on('error', (err) => this.logger.error({ err: err.message }, 'worker connection error'));
  }

  bullQueue(): Queue {
    return this.queue as unknown as Queue;
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'failed', 'delayed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0 };
  }

  async ping(): Promise<void> {
    await this.connections[0]!.ping();
  }

  async workerCount(): Promise<number> {
    // connections BullMQ workers named after this queue (CLIENT LIST): a dead process's connection is gone
    return this.queue.getWorkersCount();
  }

  async stopWorker(): Promise<void> {
    if (this.worker) await this.worker.close();
  }

  async close(): Promise<void> {
    await this.stopWorker();
    await this.queue.close();
    for (const conn of this.connections) conn.disconnect();
  }
}
