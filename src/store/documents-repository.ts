import type { Collection, Filter, Update } from './collection.js';
import type { DocumentRecord, DocumentStatus } from './records.js';

/**
 * A document that has been analysed: done, or analysed before and queued again (a re-tag, a retry), which keeps
 * its tags until its job writes new ones and takes corrections meanwhile. Every promotion re-tags the whole
 * tenant, so whatever reads tags as they stand (the labeling queue, journeys, corrections' alerts and
 * routing) reads these too, or it empties while a re-tag runs. `ANALYSED` is the same as a store filter.
 */
export const wasAnalysed = (d: Pick<DocumentRecord, 'status' | 'processedAt'>): boolean => d.status === 'done' || Boolean(d.processedAt);
export const ANALYSED: Filter = { $or: [{ status: 'done' }, { processedAt: { $ne: null } }] };

export class DocumentsRepository {
  constructor(private readonly coll: Collection<DocumentRecord>) {}

  async init(): Promise<void> {
    // Idempotent ingest: one document per caller id within a tenant and channel.
    await this.coll.ensureIndex({ fields: { tenant: 1, source: 1, externalId: 1 }, unique: true });
    // The reconciler scans for expired leases across tenants.
    await this.coll.ensureIndex({ fields: { status: 1, leaseUntil: 1 } });
    // Erasure and journeys look documents up by customer.
    await this.coll.ensureIndex({ fields: { tenant: 1, customerId: 1 } });
    // Feed and labeling-queue listings start from the tenant.
    await this.coll.ensureIndex({ fields: { tenant: 1, createdAt: -1 } });
    // Score trends and driver analysis select a tenant's surveys by scale and date.
    await this.coll.ensureIndex({ fields: { tenant: 1, scale: 1, at: 1 } });
    // A re-tag job lists and counts the documents it re-queued.
    await this.coll.ensureIndex({ fields: { retagJobId: 1 }, sparse: true });
  }

  insert(doc: DocumentRecord): Promise<void> {
    return this.coll.insertOne(doc);
  }

  /** Inserts what is new in one write; returns how many went in (the rest hit the unique index). */
  insertMany(docs: DocumentRecord[]): Promise<number> {
    return this.coll.insertManyIgnoreDuplicates(docs);
  }

  findByExternalIds(tenant: string, externalIds: string[]): Promise<DocumentRecord[]> {
    return this.coll.find({ tenant, externalId: { $in: externalIds } });
  }

  findById(id: string): Promise<DocumentRecord | null> {
    return this.coll.findOne({ _id: id });
  }

  findForTenant(tenant: string, id: string): Promise<DocumentRecord | null> {
    return this.coll.findOne({ _id: id, tenant });
  }

  findByExternalId(tenant: string, source: string, externalId: string): Promise<DocumentRecord | null> {
    return this.coll.findOne({ tenant, source, externalId });
  }

  list(filter: Filter, limit: number, sort: Record<string, 1 | -1> = { createdAt: -1, _id: -1 }): Promise<DocumentRecord[]> {
    return this.coll.find(filter, { sort, limit });
  }

  /**
   * Claims a document for processing: only from queued/processing (a redelivered job may find it
   * processing after a crash) and never from done/failed, so a duplicate job is a no-op.
   */
  claim(id: string, leaseMs: number): Promise<DocumentRecord | null> {
    const now = new Date();
    return this.coll.findOneAndUpdate(
      { _id: id, status: { $in: ['queued', 'processing'] } },
      { $set: { status: 'processing', leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now }, $inc: { attempts: 1 } },
    );
  }

  async update(id: string, update: Update): Promise<void> {
    await this.coll.updateOne({ _id: id }, update);
  }

  /**
   * setStatus for the job that claimed `generation`: false when the document is gone or a newer
   * generation (retry, re-tag, re-enqueue) took it over meanwhile.
   */
  async setStatusIf(id: string, generation: number, status: DocumentStatus, fields: Record<string, unknown> = {}): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id, generation }, { $set: { status, updatedAt: new Date(), ...fields } })) > 0;
  }

  /** Returns false when the document no longer exists (erased while it was being processed). */
  async setStatus(id: string, status: DocumentStatus, fields: Record<string, unknown> = {}): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id }, { $set: { status, updatedAt: new Date(), ...fields } })) > 0;
  }

  /** Documents whose lease ran out while queued or processing: their job was lost or their worker died. */
  findExpired(now: Date, limit: number, afterId = ''): Promise<DocumentRecord[]> {
    return this.coll.find(
      { status: { $in: ['queued', 'processing'] }, leaseUntil: { $lt: now }, _id: { $gt: afterId } },
      { sort: { _id: 1 }, limit },
    );
  }

  async extendLease(ids: string[], until: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.coll.updateMany({ _id: { $in: ids } }, { $set: { leaseUntil: until } });
  }

  updateWhere(filter: Filter, update: Update): Promise<number> {
    return this.coll.updateMany(filter, update);
  }

  /**
   * For each re-tag job named, how many of the documents carrying its id are still pending (neither done
   * nor failed) and how many failed. One pass over those documents through the retagJobId index, however
   * many jobs are named; a job with none is absent from the map.
   */
  async retagCounts(jobIds: string[]): Promise<Map<string, { pending: number; failed: number }>> {
    const out = new Map<string, { pending: number; failed: number }>();
    if (jobIds.length === 0) return out;
    const rows = await this.coll.aggregate<{ _id: { job: string; status: string | null }; n: number }>([
      { $match: { retagJobId: { $in: jobIds } } },
      { $group: { _id: { job: '$retagJobId', status: '$status' }, n: { $sum: 1 } } },
    ]);
    for (const { _id, n } of rows) {
      const c = out.get(_id.job) ?? { pending: 0, failed: 0 };
      if (_id.status === 'failed') c.failed += n;
      else if (_id.status !== 'done') c.pending += n;
      out.set(_id.job, c);
    }
    return out;
  }

  countWhere(filter: Filter): Promise<number> {
    return this.coll.count(filter);
  }

  deleteWhere(filter: Filter): Promise<number> {
    return this.coll.deleteMany(filter);
  }
}
