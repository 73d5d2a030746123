import { readInstant } from '../time-zone.js';
import { badRequest, notFound } from '../errors.js';
import { ulid } from '../ids.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Filter } from '../store/collection.js';
import type { RetagJobRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

const BATCH = 500;

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

/**
 * Re-tags finished documents (e.g. after a new model is promoted). All matching documents are first
 * marked queued in one update, with a lease and a new generation, and only then enqueued: if the
 * process dies half-way, the reconciler finds the rest by their expired lease. The document job keeps
 * human tags and replaces machine tags with the current model's, so re-running is harmless.
 */
export class RetagService {
  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly leaseMs: number,
  ) {}

  async start(tenant: string, filter: RetagFilter, actor: string): Promise<RetagJobRecord> {
    const id = ulid();
    const match: Filter = { tenant, status: { $in: ['done', 'failed'] } };
    if (filter.channel) match.source = filter.channel;
    if (filter.kind) match.kind = filter.kind;
    if (filter.from || filter.to) Object.assign(match, happenedBetween(filter.from, filter.to));
    const total = await this.store.documents.updateWhere(match, {
      $set: { status: 'queued', retagJobId: id, attempts: 0, leaseUntil: new Date(Date.now() + this.leaseMs), updatedAt: new Date() },
      $inc: { generation: 1 },
    });
    const job: RetagJobRecord = { _id: id, tenant, filter, total, createdBy: actor, createdAt: new Date() };
    await this.store.retagJobs.insert(job);
    let afterId = '';
    for (;;) {
      const docs = await this.store.documents.list({ retagJobId: id, _id: { $gt: afterId } }, BATCH, { _id: 1 });
      if (docs.length === 0) break;
      await this.queue.enqueue(docs.map((d) => ({ documentId: d._id, generation: d.generation })));
      afterId = docs[docs.length - 1]!._id;
    }
    return job;
  }

  async progress(tenant: string, id: string) {
    const job = await this.store.retagJobs.findForTenant(tenant, id);
    if (!job) throw notFound('re-tag job');
    // Counted from what is still pending, not from what is finished: a later re-tag (a rollback right
    // after a promotion) takes over documents this job already finished, and erasure or retention
    // deletes some; counting finished documents that still carry this id left such a job "running"
    // for ever. A document still pending here is one this job has yet to re-tag.
    const pending = await this.store.documents.countWhere({ retagJobId: id, status: { $nin: ['done', 'failed'] } });
    const failed = await this.store.documents.countWhere({ retagJobId: id, status: 'failed' });
    return {
      id: job._id,
      status: pending === 0 ? 'done' : 'running',
      total: job.total,
      done: Math.max(0, job.total - pending),
      failed,
      filter: job.filter,
      createdAt: new Date(job.createdAt).toISOString(),
    };
  }
}
