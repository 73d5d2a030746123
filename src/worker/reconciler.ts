import type { Logger } from '../logger.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';

const BATCH = 500;

/**
 * Re-enqueues documents whose lease expired while queued or processing: their queue entry was lost
 * (enqueue failed, Redis lost data) or their worker died. Re-enqueueing is harmless when the job
 * still exists, because jobIds are deterministic and the job itself is idempotent.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly options: { leaseMs: number; intervalMs: number },
    /** Finishes re-tag jobs whose marking stopped half-way (RetagService.resumeStalled). */
    private readonly resumeRetags: () => Promise<number> = async () => 0,
    /**
     * Moves tags to the days of TIME_ZONE (DayBuckets). Started by a pass, not awaited by it: over a large
     * store it runs for minutes, and neither boot nor lost documents wait for it.
     */
    private readonly dayBuckets: { sweep: () => Promise<number>; stop: () => void } | null = null,
  ) {}

  /** One pass; `everything` ignores leases (used at boot of the embedded queue, which starts empty). */
  async runOnce(everything = false): Promise<number> {
    let total = 0;
    const cutoff = everything ? new Date(8.64e15) : new Date();
    let afterId = '';
    for (;;) {
      const docs = await this.store.documents.findExpired(cutoff, BATCH, afterId);
      if (docs.length === 0) break;
      afterId = docs[docs.length - 1]!._id;
      const until = new Date(Date.now() + this.options.leaseMs);
      await this.store.documents.extendLease(docs.map((d) => d._id), until);
      await this.queue.enqueue(docs.map((d) => ({ documentId: d._id, generation: d.generation })), { replaceFinished: true });
      total += docs.length;
      if (docs.length < BATCH) break;
    }
    if (total > 0) this.logger.info({ count: total }, 'reconciler re-enqueued documents');
    const resumed = await this.resumeRetags();
    if (resumed > 0) this.logger.info({ jobs: resumed }, 'reconciler resumed re-tag jobs that stopped marking half-way');
    this.startSweep();
    return total;
  }

  private startSweep(): void {
    if (!this.dayBuckets || this.sweeping) return;
    this.sweeping = this.dayBuckets
      .sweep()
      .catch((err: unknown) => this.logger.error({ err: String(err) }, 'day-bucket sweep failed; the next pass tries again'))
      .finally(() => (this.sweeping = null));
  }

  /** Resolves when no sweep is running (tests, and stop). */
  async settled(): Promise<void> {
    await this.sweeping;
  }

  start(): void {
    const tick = () => {
      this.running = this.runOnce().catch((err: unknown) => {
        this.logger.error({ err: String(err) }, 'reconcile pass failed');
        return 0;
      });
      void this.running.finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dayBuckets?.stop();
    await this.running;
    await this.sweeping;
  }
}
