import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { KeyedSerial } from '../keyed-serial.js';
import type { EditLocksRepository } from '../store/edit-locks-repository.js';

export interface EditLeaseOptions {
  /** How long a holder may take before others may assume it died. */
  leaseMs: number;
  /** How long a caller waits for a busy key before it is told to send again (409). */
  waitMs: number;
}

const DEFAULTS: EditLeaseOptions = { leaseMs: 60_000, waitMs: 10_000 };

/**
 * How long the document job waits for a document's lease: longer than a lease lasts, so a lease left by a
 * process that died holding it (another replica, on MongoDB) runs out while the job waits, instead of the
 * job failing each of its attempts on it and the document ending failed. A labeler waits 10 s and is
 * told to send again; a job has no one to tell.
 */
export const JOB_EDIT_WAIT_MS = DEFAULTS.leaseMs + 10_000;

/**
 * The lease key of a document's tags: labelers' corrections take it, and so does a job writing the
 * tags of a document that was tagged before (a re-tag, a retry), so the two never interleave.
 */
export const documentEditKey = (documentId: string) => `corrections:${documentId}`;

/**
 * Runs work one at a time per key across every process on the store: first in this process's queue for
 * the key (no store round trips while a neighbour holds it), then under a lease in the store, polled with
 * backoff while another process holds it. A caller that waits longer than `waitMs` gets a 409 naming
 * `field`, and nothing was changed.
 */
export class EditLease {
  private readonly local = new KeyedSerial();
  private readonly opts: EditLeaseOptions;

  constructor(
    private readonly locks: EditLocksRepository,
    opts: Partial<EditLeaseOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  run<T>(key: string, field: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const token = randomUUID();
      await this.acquire(key, token, field);
      try {
        return await work();
      } finally {
        // A release that fails (the store went away) must not turn finished work into an error: the
        // lease runs out by itself.
        await this.locks.release(key, token).catch(() => undefined);
      }
    });
  }

  private async acquire(key: string, token: string, field: string): Promise<void> {
    const deadline = Date.now() + this.opts.waitMs;
    let pause = 10;
    for (;;) {
      const now = new Date();
      if (await this.locks.tryAcquire(key, token, new Date(now.getTime() + this.opts.leaseMs), now)) return;
      const left = deadline - Date.now();
      // Retry-After marks it as a refusal to send again, which an Idempotency-Key does not keep (guards.ts)
      if (left <= 0) throw new AppError(409, 'conflict', 'another request is changing this document; send yours again in a moment', [{ field, message: 'busy' }], { 'Retry-After': '1' });
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
      pause = Math.min(pause * 2, 200);
    }
  }
}
