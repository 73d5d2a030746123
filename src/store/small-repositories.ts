import { saveById, type Collection, type Filter } from './collection.js';
import { INSTALL_ID, type AuditRecord, type DayBucketsState, type IdempotencyRecord, type RetagJobRecord, type TenantSettingsRecord } from './records.js';
import { DuplicateKeyError } from '../errors.js';

export class TenantSettingsRepository {
  constructor(private readonly coll: Collection<TenantSettingsRecord>) {}

  // Looked up by _id only: no secondary index needed.
  async init(): Promise<void> {}

  find(id: string): Promise<TenantSettingsRecord | null> {
    return this.coll.findOne({ _id: id });
  }

  all(): Promise<TenantSettingsRecord[]> {
    return this.coll.find({});
  }

  upsert(record: TenantSettingsRecord): Promise<void> {
    return saveById(this.coll, record);
  }

  async dayBuckets(): Promise<DayBucketsState | null> {
    return (await this.coll.findOne({ _id: INSTALL_ID }))?.days ?? null;
  }

  /**
   * Takes the day-bucket state over from the claim named `token` (null: the state was never written),
   * as one compare-and-set, so of two processes only one sweeps. False when another got there first.
   */
  async claimDayBuckets(token: string | null, next: DayBucketsState): Promise<boolean> {
    const taken = await this.coll.updateOne({ _id: INSTALL_ID, ...(token === null ? { days: { $exists: false } } : { 'days.token': token }) }, { $set: { days: next } });
    if (taken > 0 || token !== null) return taken > 0;
    // no install record yet (a fresh store): the PII secret is added to it on first use, beside `days`
    return (await this.coll.insertManyIgnoreDuplicates([{ _id: INSTALL_ID, piiPolicy: 'mask', retentionDays: null, updatedAt: new Date(), days: next }])) > 0;
  }
}

export class AuditRepository {
  constructor(private readonly coll: Collection<AuditRecord>) {}

  async init(): Promise<void> {
    // Admins read their tenant's trail newest first, optionally by action.
    await this.coll.ensureIndex({ fields: { tenant: 1, at: -1 } });
    await this.dropExportWords();
  }

  /**
   * Export entries written before 2026-11-29 kept the words of a text search or an aspect filter (a phone
   * number, a customer's name). They lose them at the first start of this version, as entries written now
   * never had them: the filter is named in `textFilters`. Nothing matches on later starts.
   */
  private async dropExportWords(): Promise<void> {
    const old = await this.coll.find({ action: { $in: ['tags.export', 'corrections.export'] }, $or: [{ 'details.q': { $exists: true } }, { 'details.aspect': { $exists: true } }] });
    for (const entry of old) {
      const { q, aspect, ...rest } = entry.details as Record<string, unknown>;
      const typed = [...(q !== undefined ? ['q'] : []), ...(aspect !== undefined ? ['aspect'] : [])];
      await this.coll.updateOne({ _id: entry._id }, { $set: { details: { ...rest, textFilters: typed } } });
    }
  }

  /** Append-only: there is deliberately no update or delete here, but for the scrubs of words below. */
  append(record: AuditRecord): Promise<void> {
    return this.coll.insertOne(record);
  }

  /**
   * The one exception to append-only, for the right to erasure: entries about erased documents lose the
   * details that quoted them. Entries written since 2026-11-29 quote no text, but earlier `correction.apply`
   * entries of PATCH /v1/tags kept the aspect a labeler set, which is words of the document. The entry
   * itself (who did what, when, to which id) stays.
   */
  async scrubAboutDocuments(tenant: string, documentIds: string[], fields: string[]): Promise<number> {
    const unset = Object.fromEntries(fields.map((f) => [`details.${f}`, true as const]));
    return this.coll.updateMany({ tenant, target: { $in: documentIds }, $or: fields.map((f) => ({ [`details.${f}`]: { $exists: true } })) }, { $unset: unset });
  }

  list(filter: Filter, limit: number): Promise<AuditRecord[]> {
    return this.coll.find(filter, { sort: { _id: -1 }, limit });
  }
}

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export class IdempotencyRepository {
  constructor(private readonly coll: Collection<IdempotencyRecord>) {}

  async init(): Promise<void> {
    // Remembered responses expire after a day, as callers only retry within minutes.
    await this.coll.ensureIndex({ fields: { createdAt: 1 }, expireAfterSeconds: IDEMPOTENCY_TTL_SECONDS });
  }

  find(id: string): Promise<IdempotencyRecord | null> {
    return this.coll.findOne({ _id: id });
  }

  /**
   * Remembered responses about these documents: a correction's reply is the whole document with its
   * text and tags, a resolved case's names the customer, a batch's lists the ids it accepted, and an ingest
   * refused as a conflict names the existing document. Document ids are unique across tenants.
   * (Pending reservations hold no body, so they never match.)
   */
  deleteAboutDocuments(documentIds: string[]): Promise<number> {
    return this.coll.deleteMany({
      $or: [
        { 'body.id': { $in: documentIds } },
        { 'body.documentId': { $in: documentIds } },
        { 'body.items.id': { $in: documentIds } },
        { 'body.error.details.existingId': { $in: documentIds } },
        { 'body.items.error.details.existingId': { $in: documentIds } },
      ],
    });
  }

  /**
   * Claims the key for one request before its handler runs: the unique _id makes exactly one of
   * several concurrent requests succeed. False when a record (pending or remembered) already exists.
   */
  async reserve(id: string, requestHash: string, owner: string, pendingUntil: Date): Promise<boolean> {
    try {
      await this.coll.insertOne({ _id: id, requestHash, status: 0, body: null, createdAt: new Date(), state: 'pending', pendingUntil, owner });
      return true;
    } catch (err) {
      if (err instanceof DuplicateKeyError) return false;
      throw err;
    }
  }

  /** Takes over a reservation whose holder stopped before answering (its pendingUntil has passed). */
  async takeOver(id: string, requestHash: string, owner: string, pendingUntil: Date): Promise<boolean> {
    const now = new Date();
    const taken = await this.coll.findOneAndUpdate(
      { _id: id, state: 'pending', pendingUntil: { $lt: now } },
      { $set: { requestHash, owner, pendingUntil, createdAt: now } },
    );
    return taken !== null && taken.owner === owner;
  }

  /** Remembers the response of the request holding the reservation (a no-op for one that lost it). */
  async complete(id: string, owner: string, status: number, body: unknown): Promise<void> {
    await this.coll.updateOne({ _id: id, owner }, { $set: { status, body, createdAt: new Date() }, $unset: { state: true, pendingUntil: true, owner: true } });
  }

  /** Gives the key back (the handler failed): the next request with it runs afresh. */
  async release(id: string, owner: string): Promise<void> {
    await this.coll.deleteMany({ _id: id, owner, state: 'pending' });
  }
}

export class RetagJobsRepository {
  constructor(private readonly coll: Collection<RetagJobRecord>) {}

  async init(): Promise<void> {
    // GET /v1/retag-jobs pages a tenant's jobs newest first by _id (a ULID, so creation order), polled every
    // second by a console that follows a running job: with this index MongoDB reads the page off the index
    // instead of scanning and sorting every tenant's jobs. (nedb uses a compound index for equality on all
    // its fields only, so the embedded store scans its jobs in memory: a few per promotion or re-tag.)
    await this.coll.ensureIndex({ fields: { tenant: 1, _id: -1 } });
  }

  insert(job: RetagJobRecord): Promise<void> {
    return this.coll.insertOne(job);
  }

  findForTenant(tenant: string, id: string): Promise<RetagJobRecord | null> {
    return this.coll.findOne({ _id: id, tenant });
  }

  /** The tenant's jobs newest first, those before `before` (an _id) when given. */
  listForTenant(tenant: string, limit: number, before?: string): Promise<RetagJobRecord[]> {
    return this.coll.find({ tenant, ...(before !== undefined ? { _id: { $lt: before } } : {}) }, { sort: { _id: -1 }, limit });
  }

  /** A batch marked: the count, the cursor and the claim move on. */
  async marked(id: string, total: number, after: string, until: Date): Promise<void> {
    await this.coll.updateOne({ _id: id }, { $set: { total, marking: { after, until } } });
  }

  async markingDone(id: string): Promise<void> {
    await this.coll.updateOne({ _id: id }, { $set: { marking: null } });
  }

  /**
   * Claims a job whose marking stopped half-way (its process died): returns it, or null if none is due.
   * A cancelled job is never claimed, even if a marker that had not yet seen the cancel left its claim on it.
   */
  claimStalled(now: Date, until: Date): Promise<RetagJobRecord | null> {
    // few records, rarely any with marking set: no index
    return this.coll.findOneAndUpdate({ 'marking.until': { $lt: now }, cancelled: { $exists: false } }, { $set: { 'marking.until': until } });
  }

  /**
   * Marks the job cancelled, once: true for the call that did, false when it was cancelled already (or is
   * gone). Its marking claim goes too, so no process resumes marking it; the caller holds the release
   * until `until`.
   */
  async cancel(id: string, at: Date, by: string, until: Date): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id, cancelled: { $exists: false } }, { $set: { cancelled: { at, by, released: 0, until }, marking: null } })) > 0;
  }

  /**
   * Takes back a cancel that found nothing to cancel (see RetagService.cancel): only the cancel stored at
   * `at`, and only while it has released nothing. True when it did.
   */
  async uncancel(id: string, at: Date): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id, 'cancelled.at': at, 'cancelled.released': 0 }, { $unset: { cancelled: true } })) > 0;
  }

  /** Every document of the cancelled job is released: nothing for the reconciler to finish. */
  async releaseDone(id: string): Promise<void> {
    // unset, not null: nedb matches a null against $lt of any date, MongoDB does not
    await this.coll.updateOne({ _id: id, cancelled: { $exists: true } }, { $unset: { 'cancelled.until': true } });
  }

  /** Claims a cancelled job whose release stopped half-way (its process died); null if none is due. */
  claimUnreleased(now: Date, until: Date): Promise<RetagJobRecord | null> {
    return this.coll.findOneAndUpdate({ 'cancelled.until': { $lt: now } }, { $set: { 'cancelled.until': until } });
  }

  /** Counts documents a cancelled job handed back without re-tagging them. */
  async released(id: string, count: number): Promise<void> {
    if (count > 0) await this.coll.updateOne({ _id: id, cancelled: { $exists: true } }, { $inc: { 'cancelled.released': count } });
  }

  /**
   * Raises the count to `count` (the documents that name the job as handed back by it) when it is lower: a
   * batch handed back by a process that died before `released` counted it. Never lowers it: a document
   * handed back and then erased, or handed back again by a later job, was still handed back by this one.
   */
  async releasedAtLeast(id: string, count: number): Promise<void> {
    await this.coll.updateOne({ _id: id, 'cancelled.released': { $lt: count } }, { $set: { 'cancelled.released': count } });
  }
}
