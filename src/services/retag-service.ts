import { readInstant } from '../time-zone.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { ulid } from '../ids.js';
import type { Logger } from '../logger.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Filter } from '../store/collection.js';
import type { DocumentRecord, RetagJobRecord, RetagReason } from '../store/records.js';
import type { Store } from '../store/store.js';

const BATCH = 500;
/** Jobs read at a time by a list filtered by status. */
const STATUS_SCAN = 100;

export type RetagStatus = 'running' | 'done' | 'cancelled';

/** A job as GET /v1/retag-jobs and GET /v1/retag-jobs/:id answer it. */
export interface RetagProgress {
  id: string;
  status: RetagStatus;
  total: number;
  /** Documents re-tagged (done or failed); for a cancelled job, those re-tagged before the cancel. */
  done: number;
  failed: number;
  filter: RetagFilter;
  createdAt: string;
  /** The key that started it. */
  createdBy: string;
  /** Why it was started; null for jobs started before 2026-11-30, which did not keep it. */
  reason: { kind: RetagReason['kind']; version: string | null; previous: string | null } | null;
}

export interface RetagFilter {
  channel?: string;
  kind?: string;
  from?: string;
  to?: string;
}

/**
 * Documents whose feedback happened in [from, to]: `at` (occurredAt, else when it was received), the
 * instant the feed, the dashboard and score trends filter on, so a re-tag of "November" re-tags what
 * November's charts count. Documents stored before `at` was kept on them have it only as its parts.
 * No index of its own: a re-tag is a rare admin job that re-analyzes every document it selects, which
 * costs far more than scanning the tenant's documents; the embedded engine scans in memory anyway.
 */
function happenedBetween(fromRaw: string | undefined, toRaw: string | undefined): Filter {
  const from = fromRaw ? readInstant(fromRaw) : null;
  const to = toRaw ? readInstant(toRaw) : null;
  // RetagDto refuses this already; a caller that skipped it would get an empty job, which reads as "nothing matched"
  if (from && to && from > to) throw badRequest('from must not be after to', [{ field: 'from', message: 'after to' }]);
  const range = { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
  const legacy = { at: { $exists: false } };
  return { $or: [{ at: range }, { ...legacy, occurredAt: range }, { ...legacy, occurredAt: null, createdAt: range }] };
}

/** A cancel's answer when there is nothing left to cancel. */
const jobDone = () =>
  conflict('the re-tag job is done: every document it marked was re-tagged, there is nothing left to cancel', [{ field: 'status', message: 'done' }]);

/**
 * Re-tags documents (e.g. after a new model is promoted), finished or not (see matchOf). The job is stored first; then the
 * matching documents are marked queued in batches of BATCH (each with a lease and a new generation,
 * `retagJobId` naming the job) and each batch enqueued once marked. Marking 45,000 documents in one
 * update held the embedded store's thread for 11.5 s (2026-11-29, measured by hand), with every
 * request waiting behind it; between batches the API answers. If the process dies mid-way, the
 * documents already marked come back through their expired leases (the reconciler), and the rest are
 * marked by whichever process next finds the job's claim expired (`resumeStalled`, run by the
 * reconciler), from the job's cursor on. The document job keeps human tags and replaces machine tags
 * with the current model's, so re-running is harmless.
 *
 * A job can be cancelled (`cancel`): marking stops at the next batch, and the documents it marked that
 * no worker has finished are released (see `release`) without being analyzed again.
 */
export class RetagService {
  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly leaseMs: number,
    private readonly logger: Logger | null = null,
  ) {}

  /**
   * Enqueues documents already marked queued with a lease. When the queue does not answer (Redis down), they
   * stay stored so, and the reconciler enqueues them once their lease lapses, as it does an ingest's during an
   * outage: the re-tag (or a cancel's release) goes on and answers, instead of a 500 for a job that was stored,
   * had marked a batch and was resumed later anyway (a client retrying the 500 started a second job). False
   * then, so the caller stops asking for the rest of its batches (each ask waits for Redis).
   */
  private async enqueue(jobs: { documentId: string; generation: number }[]): Promise<boolean> {
    try {
      await this.queue.enqueue(jobs);
      return true;
    } catch (err) {
      this.logger?.error({ err: String(err), count: jobs.length }, 're-tag enqueue failed; the reconciler enqueues the documents when their lease runs out');
      return false;
    }
  }

  async start(tenant: string, given: RetagFilter, actor: string, reason: RetagReason = { kind: 'manual' }): Promise<RetagJobRecord> {
    // A filter sent as null is no filter (the OpenAPI gives each as nullable): kept, {"channel": null} was
    // reported as the job's filter, which `guandian retag list` showed as channel=null.
    const filter = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null && v !== undefined)) as RetagFilter;
    // read before anything is stored: an unreadable date is the caller's error, not a job
    this.matchOf({ tenant, filter });
    const job: RetagJobRecord = { _id: ulid(), tenant, filter, total: 0, createdBy: actor, createdAt: new Date(), reason, marking: { after: '', until: this.claimUntil() } };
    await this.store.retagJobs.insert(job);
    return { ...job, total: await this.mark(job), marking: null };
  }

  /** Marks and enqueues the job's documents after its cursor; returns the job's total. */
  private async mark(job: RetagJobRecord): Promise<number> {
    const match = this.matchOf(job);
    let after = job.marking?.after ?? '';
    // Resumed: counted afresh, since a batch marked just before the crash may not have been counted.
    let total = after === '' ? job.total : await this.store.documents.countWhere({ retagJobId: job._id });
    let queueUp = true;
    for (;;) {
      if (await this.cancelled(job)) break;
      // (match never names _id; the ids at the top level let the embedded store look them up by index)
      const docs = await this.store.documents.list({ ...match, _id: { $gt: after } }, BATCH, { _id: 1 });
      if (docs.length === 0) break;
      const ids = docs.map((d) => d._id);
      // the match again: a document that changed since the list (taken by another job, erased) is left alone
      const count = await this.store.documents.updateWhere({ ...match, _id: { $in: ids } }, {
        $set: { status: 'queued', retagJobId: job._id, attempts: 0, leaseUntil: new Date(Date.now() + this.leaseMs), updatedAt: new Date() },
        $inc: { generation: 1 },
      });
      const marked = await this.store.documents.list({ retagJobId: job._id, _id: { $in: ids }, status: 'queued' }, BATCH, { _id: 1 });
      if (queueUp) queueUp = await this.enqueue(marked.map((d) => ({ documentId: d._id, generation: d.generation })));
      after = ids[ids.length - 1]!;
      total += count;
      await this.store.retagJobs.marked(job._id, total, after, this.claimUntil());
      // Cancelled while this batch was marked: the cancel's own release may have run before the batch was,
      // so this batch is released here. (Either this read sees the cancel, or the cancel was stored after
      // the batch and its release finds the batch.)
      if (await this.cancelled(job)) {
        await this.release(job);
        break;
      }
      if (docs.length < BATCH) break;
    }
    // (on a cancelled job too: the claim `marked` set after the cancel cleared it goes)
    await this.store.retagJobs.markingDone(job._id);
    return total;
  }

  /**
   * Finishes marking for jobs whose process died half-way, and the release of cancelled jobs whose
   * process died while releasing; returns how many jobs it took over. A cancelled job is never marked.
   */
  async resumeStalled(): Promise<number> {
    let resumed = 0;
    for (let job = await this.store.retagJobs.claimStalled(new Date(), this.claimUntil()); job; job = await this.store.retagJobs.claimStalled(new Date(), this.claimUntil())) {
      await this.mark(job);
      resumed++;
    }
    for (let job = await this.store.retagJobs.claimUnreleased(new Date(), this.claimUntil()); job; job = await this.store.retagJobs.claimUnreleased(new Date(), this.claimUntil())) {
      await this.release(job);
      await this.store.retagJobs.releaseDone(job._id);
      resumed++;
    }
    return resumed;
  }

  private async cancelled(job: RetagJobRecord): Promise<boolean> {
    return Boolean((await this.store.retagJobs.findForTenant(job.tenant, job._id))?.cancelled);
  }

  /**
   * Cancels a running job (POST /v1/retag-jobs/:id/cancel): no more documents are marked, by this process
   * or, after a crash, by resumeStalled (which skips cancelled jobs), and the documents it marked that no
   * worker has finished are released. If this process dies while releasing, the reconciler finishes the
   * release once the claim taken here runs out (resumeStalled). Idempotent: cancelling again releases what
   * is left (and reports `cancelled: false`, nothing newly cancelled). A job already done is a 409.
   */
  async cancel(tenant: string, id: string, actor: string): Promise<{ progress: RetagProgress; cancelled: boolean }> {
    const job = await this.store.retagJobs.findForTenant(tenant, id);
    if (!job) throw notFound('re-tag job');
    let cancelled = false;
    const at = new Date();
    if (!job.cancelled) {
      const [now] = await this.withProgress([job]);
      if (now!.status === 'done') throw jobDone();
      cancelled = await this.store.retagJobs.cancel(id, at, actor, this.claimUntil());
    }
    await this.release(job);
    await this.store.retagJobs.releaseDone(id);
    const progress = await this.progress(tenant, id);
    // The workers finished the job's last documents between the check above and the cancel: marking was
    // over (job.marking read before the cancel cleared it) and the release found nothing to hand back, so
    // the job did all it was started for. Answered and kept as done, as a cancel a moment later would be,
    // rather than "cancelled" with every document re-tagged.
    if (cancelled && !job.marking && progress.done === progress.total && (await this.store.retagJobs.uncancel(id, at))) throw jobDone();
    return { progress, cancelled };
  }

  /**
   * Hands back the documents the cancelled job marked and no worker has finished, in batches. A queued one
   * still holds the tags of its last analysis: process-document replaces machine tags only after claiming
   * the document and analyzing it, and only if its generation has not moved since the claim. Each leaves the job (retagJobId cleared), so the job's
   * progress no longer counts it, and goes to the state its fields tell, since marking does not keep the
   * status it replaced:
   * - queued, not yet claimed: `failed` if it carries an error (a successful analysis clears it, marking
   *   leaves it: it failed before), else `done` if it was ever analyzed (processedAt), both with the
   *   generation bumped and the lease dropped, so the queue entry the job added finds it finished and does
   *   nothing; a document never analyzed stays queued for the entry that analyzes it anyway.
   * - processing (a worker has it): queued again under a new generation and enqueued. The worker's
   *   analysis then does not write, or, if it was already writing its tags, fails to finish the document
   *   (setStatusIf); either way the new entry analyzes it once more and leaves tags and document alike.
   *   At most one document per running worker pays for that; releasing it as done could leave the
   *   new tags beside the old document fields.
   * Every update names the job and the status read, so a document a worker claimed or finished in
   * between is left to the next step or counted as re-tagged.
   *
   * Each batch is counted (`released`) after its documents are written, and a process can die in between:
   * the batch has left the job, so the release that takes over does not list it again. The documents name
   * the job that handed them back (`releasedFrom`, in the same write), and the release ends by raising the
   * count to theirs; without it the job reported that batch as re-tagged.
   */
  private async release(job: Pick<RetagJobRecord, '_id' | 'tenant'>): Promise<number> {
    const jobId = job._id;
    let released = 0;
    let queueUp = true;
    const now = () => new Date();
    for (let after = ''; ; ) {
      const docs = await this.store.documents.list({ retagJobId: jobId, status: 'queued', _id: { $gt: after } }, BATCH, { _id: 1 });
      if (docs.length === 0) break;
      after = docs[docs.length - 1]!._id;
      const to = (d: DocumentRecord) => (d.error ? 'failed' : d.processedAt ? 'done' : 'queued');
      for (const status of ['failed', 'done', 'queued'] as const) {
        const ids = docs.filter((d) => to(d) === status).map((d) => d._id);
        if (ids.length === 0) continue;
        const count = await this.store.documents.updateWhere(
          { _id: { $in: ids }, retagJobId: jobId, status: 'queued' },
          status === 'queued'
            ? { $set: { retagJobId: null, releasedFrom: jobId, updatedAt: now() } }
            : { $set: { status, retagJobId: null, releasedFrom: jobId, leaseUntil: null, updatedAt: now() }, $inc: { generation: 1 } },
        );
        await this.store.retagJobs.released(jobId, count);
        released += count;
      }
      if (docs.length < BATCH) break;
    }
    for (let after = ''; ; ) {
      const docs = await this.store.documents.list({ retagJobId: jobId, status: 'processing', _id: { $gt: after } }, BATCH, { _id: 1 });
      if (docs.length === 0) break;
      after = docs[docs.length - 1]!._id;
      const ids = docs.map((d) => d._id);
      const count = await this.store.documents.updateWhere({ _id: { $in: ids }, retagJobId: jobId, status: 'processing' }, {
        $set: { status: 'queued', retagJobId: null, releasedFrom: jobId, attempts: 0, leaseUntil: new Date(Date.now() + this.leaseMs), updatedAt: now() },
        $inc: { generation: 1 },
      });
      await this.store.retagJobs.released(jobId, count);
      released += count;
      // (a document finished meanwhile still carries the job's id and is not listed)
      const requeued = await this.store.documents.list({ _id: { $in: ids }, retagJobId: null, status: 'queued' }, BATCH, { _id: 1 });
      if (queueUp) queueUp = await this.enqueue(requeued.map((d) => ({ documentId: d._id, generation: d.generation })));
      if (docs.length < BATCH) break;
    }
    await this.store.retagJobs.releasedAtLeast(jobId, await this.store.documents.countWhere({ tenant: job.tenant, releasedFrom: jobId }));
    return released;
  }

  private claimUntil(): Date {
    return new Date(Date.now() + this.leaseMs);
  }

  /**
   * Every status, not only finished documents: one queued or being analyzed when the job starts (by an
   * earlier re-tag, a promotion a moment ago, a retry) was read with the version active before, and would
   * keep that version's tags once it finished. Marking it bumps its generation, so an analysis in flight
   * does not write (process-document's superseded check) and the job queued here tags it with the
   * version active now.
   */
  private matchOf(job: Pick<RetagJobRecord, 'tenant' | 'filter'>): Filter {
    const match: Filter = { tenant: job.tenant };
    if (job.filter.channel) match.source = job.filter.channel;
    if (job.filter.kind) match.kind = job.filter.kind;
    if (job.filter.from || job.filter.to) Object.assign(match, happenedBetween(job.filter.from, job.filter.to));
    return match;
  }

  async progress(tenant: string, id: string): Promise<RetagProgress> {
    const job = await this.store.retagJobs.findForTenant(tenant, id);
    if (!job) throw notFound('re-tag job');
    return (await this.withProgress([job]))[0]!;
  }

  /**
   * The tenant's jobs newest first, `limit` at a time after the job `before` names, each as progress()
   * tells it; with `status`, only the jobs whose status is that now. Counting reads the documents that
   * carry the jobs' ids (the retagJobId index), once per page; a document carries one job's id, so even a
   * status filter that passes over every job reads each of the tenant's re-tagged documents at most once a
   * request: what GET /v1/retag-jobs/:id reads for a job that re-tagged the whole tenant.
   */
  async list(tenant: string, o: { limit: number; before?: string; status?: RetagStatus }): Promise<{ items: RetagProgress[]; nextCursor: string | null }> {
    const items: RetagProgress[] = [];
    // Unfiltered, a page and one more row (is there a next page?); filtered, jobs in chunks until a page
    // and one more match, or no job is left.
    const chunk = o.status ? Math.max(o.limit + 1, STATUS_SCAN) : o.limit + 1;
    let before = o.before;
    for (;;) {
      const jobs = await this.store.retagJobs.listForTenant(tenant, chunk, before);
      const counted = o.status ? jobs : jobs.slice(0, o.limit);
      for (const p of await this.withProgress(counted)) if (!o.status || p.status === o.status) items.push(p);
      if (!o.status) return { items, nextCursor: jobs.length > o.limit ? items[items.length - 1]!.id : null };
      if (items.length > o.limit || jobs.length < chunk) break;
      before = jobs[jobs.length - 1]!._id;
    }
    const page = items.slice(0, o.limit);
    return { items: page, nextCursor: items.length > o.limit ? page[page.length - 1]!.id : null };
  }

  private async withProgress(jobs: RetagJobRecord[]): Promise<RetagProgress[]> {
    // Counted from what is still pending, not from what is finished: a later re-tag (a rollback right
    // after a promotion) takes over documents this job already finished, and erasure or retention
    // deletes some; counting finished documents that still carry this id left such a job "running"
    // for ever. A document still pending here is one this job has yet to re-tag.
    const counts = await this.store.documents.retagCounts(jobs.map((j) => j._id));
    return jobs.map((job) => {
      const { pending, failed } = counts.get(job._id) ?? { pending: 0, failed: 0 };
      // A cancelled job's released documents left it (retagJobId cleared) without being re-tagged.
      const released = job.cancelled?.released ?? 0;
      // A cancel reads `cancelled` once its release is over (`cancelled.until` gone). Until then each batch
      // leaves `pending` a moment before `released` counts it, so `done` would read up to a batch too high
      // and then fall back: it reads `running`, as it still is.
      const releasing = Boolean(job.cancelled?.until);
      return {
        id: job._id,
        status: job.cancelled && !releasing ? 'cancelled' : pending === 0 && !job.marking && !releasing ? 'done' : 'running',
        total: job.total,
        done: Math.max(0, job.total - pending - released),
        failed,
        filter: job.filter,
        createdAt: new Date(job.createdAt).toISOString(),
        createdBy: job.createdBy,
        reason: job.reason ? { kind: job.reason.kind, version: 'version' in job.reason ? job.reason.version : null, previous: 'previous' in job.reason ? job.reason.previous : null } : null,
      };
    });
  }
}
