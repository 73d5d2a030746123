import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { PermanentJobError } from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffMs, jobIdFor, type EnqueueOptions, type JobHandler, type JobQueue, type QueueCounts } from './job-queue.js';

export const DOCUMENTS_QUEUE = 'documents';
/** How long an enqueue waits for a connection that is being (re)made before it reports the queue down. */
const PRODUCER_READY_WAIT_MS = 2000;
/**
 * The backoff jobs are added with: backoffMs, as the in-process queue waits (1 s, 2 s, 4 s … capped at 60 s).
 * BullMQ's built-in `exponential` has no cap (2^(n-1) s: 64 s before the eighth attempt, days past the
 * fifteenth), so the workers register this one under its own name.
 */
const BACKOFF = 'guandian-capped';
/** With Redis unreachable, how long a close may wait for BullMQ before the connections are dropped. */
const CLOSE_WITHOUT_REDIS_MS = 1000;
/** While Redis stays unreachable, one log line per this interval (ioredis retries every few ms to 2 s). */
const CONNECTION_ERROR_LOG_MS = 30_000;

/**
 * Logs a connection error once, then at most once per CONNECTION_ERROR_LOG_MS with how many it held
 * back: an outage otherwise writes several lines a second per connection and buries everything else.
 */
function throttledErrorLog(logger: Logger, queue: string, msg: string): (err: Error) => void {
  let lastAt = 0;
  let held = 0;
  return (err) => {
    const now = Date.now();
    if (now - lastAt < CONNECTION_ERROR_LOG_MS) {
      held++;
      return;
    }
    // the process runs several queues (documents, webhooks, models), each with its own lines
    logger.error({ queue, err: err.message, ...(held > 0 ? { repeated: held } : {}) }, msg);
    lastAt = now;
    held = 0;
  };
}

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
    this.queue.on('error', throttledErrorLog(this.logger, name, 'queue connection error'));
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
          backoff: { type: BACKOFF },
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
      {
        connection: this.connect(true),
        prefix: this.prefix,
        concurrency,
        // `attemptsMade` counts the attempt that just failed, as the in-process queue's `attempt` does.
        // Jobs added before this strategy (type `exponential`) keep BullMQ's built-in one.
        settings: { backoffStrategy: (attemptsMade: number) => backoffMs(attemptsMade) },
      },
    );
    this.worker.on('error', throttledErrorLog(this.logger, this.name, 'worker connection error'));
  }

  bullQueue(): Queue {
    return this.queue as unknown as Queue;
  }

  async counts(): Promise<QueueCounts> {
    // as an enqueue: BullMQ waits for a first connection however long it takes
    await this.producerReady();
    const c = await this.queue.getJobCounts('waiting', 'active', 'failed', 'delayed');
    return { waiting: c.waiting ?? 0, active: c.active ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0 };
  }

  async ping(): Promise<void> {
    // /readyz shows this message: ioredis's own for a connection that is down is about its offline queue
    // option ("Stream isn't writeable and enableOfflineQueue options is false")
    if (this.producer.status !== 'ready') throw new Error(`Redis is unreachable (connection ${this.producer.status})`);
    await this.producer.ping();
  }

  async workerCount(): Promise<number> {
    // With Redis down since boot BullMQ waited for its first connection for good, and GET /v1/models (which
    // reports the training workers, null when the queue cannot tell) never answered.
    await this.producerReady();
    // connections BullMQ workers named after this queue (CLIENT LIST): a dead process's connection is gone
    return this.queue.getWorkersCount();
  }

  /** Whether a connection is down (ioredis retrying): then nothing BullMQ sends can be answered. */
  private redisDown(): boolean {
    return this.connections.some((c) => c.status !== 'ready');
  }

  /**
   * Waits for the running jobs, as a graceful stop should, unless Redis is unreachable: then they could
   * not record their outcome anyway, and BullMQ's close would wait for Redis until the shutdown timer
   * killed the process. It is forced instead, and its wait bounded; those jobs' documents keep their
   * leases, so the reconciler re-enqueues them after a restart.
   */
  async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    if (!this.redisDown()) {
      await worker.close();
      return;
    }
    this.logger.warn({ queue: this.name }, 'Redis unreachable: stopping the worker without waiting for its running jobs');
    await this.bounded(worker.close(true));
  }

  async close(): Promise<void> {
    await this.stopWorker();
    if (this.redisDown()) await this.bounded(this.queue.close());
    else await this.queue.close();
    for (const conn of this.connections) conn.disconnect();
  }

  private async bounded(closing: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closing.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WITHOUT_REDIS_MS)))]);
    clearTimeout(timer);
  }
}
