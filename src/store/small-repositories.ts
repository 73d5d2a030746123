import { saveById, type Collection, type Filter } from './collection.js';
import type { AuditRecord, IdempotencyRecord, RetagJobRecord, TenantSettingsRecord } from './records.js';
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
}

export class AuditRepository {
  constructor(private readonly coll: Collection<AuditRecord>) {}

  async init(): Promise<void> {
    // Admins read their tenant's trail newest first, optionally by action.
    await this.coll.ensureIndex({ fields: { tenant: 1, at: -1 } });
  }

  /** Append-only: there is deliberately no update or delete here. */
  append(record: AuditRecord): Promise<void> {
    return this.coll.insertOne(record);
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
   * text and tags, a resolved case's names the customer. Document ids are unique across tenants.
   */
  deleteAboutDocuments(documentIds: string[]): Promise<number> {
    return this.coll.deleteMany({ $or: [{ 'body.id': { $in: documentIds } }, { 'body.documentId': { $in: documentIds } }] });
  }

  /** First writer wins: a concurrent duplicate keeps the stored response. */
  async save(record: IdempotencyRecord): Promise<void> {
    try {
      await this.coll.insertOne(record);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  }
}

export class RetagJobsRepository {
  constructor(private readonly coll: Collection<RetagJobRecord>) {}

  // Looked up by _id within a tenant; few records.
  async init(): Promise<void> {}

  insert(job: RetagJobRecord): Promise<void> {
    return this.coll.insertOne(job);
  }

  findForTenant(tenant: string, id: string): Promise<RetagJobRecord | null> {
    return this.coll.findOne({ _id: id, tenant });
  }
}
