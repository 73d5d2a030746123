// The document queue as the rest of the service sees it. Payloads are document ids only: the
// document itself (and its status) lives in the store, which is what makes a lost or repeated
// queue entry harmless.

import type { Config } from '../config/env.js';
import type { Logger } from '../logger.js';

export interface JobContext {
  attempt: number;
  /** True on the last attempt: a failure now is final and the document must be marked failed. */
  final: boolean;
}

export type JobHandler = (documentId: string, ctx: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /**
   * A job that already finished under the same id (e.g. failed by the queue itself after its worker
   * died twice, without our handler running) would make the add a no-op; remove it first. The
   * reconciler sets this: it only re-enqueues documents the store says are unfinished.
   */
  replaceFinished?: boolean;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  failed: number;
  delayed: number;
}

export interface JobQueue {
  readonly kind: 'embedded' | 'bullmq';
  /** jobId is derived from the document id (and its retry generation): re-adding a pending job is a no-op. */
  enqueue(jobs: { documentId: string; generation: number }[], options?: EnqueueOptions): Promise<void>;
  startWorker(handler: JobHandler, concurrency: number): void;
  counts(): Promise<QueueCounts>;
  ping(): Promise<void>;
  /**
   * How many workers take jobs from this queue now: with BullMQ the workers connected to Redis under
   * this prefix, in any process; in-process, 1 while this process runs one. Lets a client tell a job
   * that waits its turn from one that nobody will run (an API-only deployment without workers).
   */
  workerCount(): Promise<number>;
  /** Stop taking new jobs and wait for the ones in flight. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
  /** The underlying BullMQ queue, for the operator dashboard (BullMQ only). */
  bullQueue?(): import('bullmq').Queue;
}

/** Makes a durable job queue by name (the documents', the models', the webhooks'): src/runtime.ts queueFactory. */
export type QueueFactory = (config: Config, logger: Logger, name: string) => JobQueue;

export function jobIdFor(documentId: string, generation: number): string {
  return generation === 0 ? documentId : `${documentId}-g${generation}`;
}

/** Exponential backoff shared by both queue kinds: 1 s, 2 s, 4 s … capped at 60 s. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * How a log line names a queue's job: a queue's payload ids are documents on the documents queue, but
 * webhook deliveries and training jobs on the others, and an operator greps the key that says which.
 */
export function jobLogFields(queue: string, id: string): Record<string, string> {
  const key = queue === 'webhooks' ? 'deliveryId' : queue === 'models' ? 'modelJob' : queue === 'documents' ? 'documentId' : 'jobId';
  return { queue, [key]: id };
}
