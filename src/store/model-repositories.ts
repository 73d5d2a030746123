import { saveById, type Collection } from './collection.js';
import type { ModelJobRecord, ModelStateRecord, ModelVersionRecord } from './records.js';

export class ModelJobsRepository {
  constructor(private readonly coll: Collection<ModelJobRecord>) {}

  async init(): Promise<void> {
    // The worker looks for unfinished jobs at start (status), admins read a tenant's by _id.
    await this.coll.ensureIndex({ fields: { status: 1 } });
    // One unfinished job per tenant across API processes (each process only serializes its own requests):
    // a second request that slips past the "is one running" check loses here, not by taking the next number.
    await this.coll.ensureIndex({ fields: { activeFor: 1 }, unique: true, sparse: true });
  }

  /**
   * Throws DuplicateKeyError when the id is taken (two requests raced for the same number) or the tenant
   * already has an unfinished job (`activeFor`).
   */
  insert(job: ModelJobRecord): Promise<void> {
    return this.coll.insertOne(job);
  }

  find(id: string): Promise<ModelJobRecord | null> {
    return this.coll.findOne({ _id: id });
  }

  findForTenant(tenant: string, id: string): Promise<ModelJobRecord | null> {
    return this.coll.findOne({ _id: id, tenant });
  }

  countForTenant(tenant: string): Promise<number> {
    return this.coll.count({ tenant });
  }

  unfinishedForTenant(tenant: string): Promise<ModelJobRecord[]> {
    return this.coll.find({ tenant, status: { $in: ['queued', 'running'] } }, { sort: { createdAt: 1 } });
  }

  /** Finished jobs that still hold the tenant's `activeFor` slot (written by a version that did not release it). */
  releaseFinished(tenant: string): Promise<number> {
    return this.coll.updateMany({ activeFor: tenant, status: { $in: ['done', 'failed'] } }, { $unset: { activeFor: true } });
  }

  unfinished(): Promise<ModelJobRecord[]> {
    return this.coll.find({ status: { $in: ['queued', 'running'] } }, { sort: { createdAt: 1 } });
  }

  async update(id: string, fields: Partial<ModelJobRecord>): Promise<void> {
    const finished = fields.status === 'done' || fields.status === 'failed';
    await this.coll.updateOne({ _id: id }, { $set: { ...fields, updatedAt: new Date() }, ...(finished ? { $unset: { activeFor: true as const } } : {}) });
  }

  /** Moves a job to running unless it already finished; returns it, or null when there is nothing to do. */
  claim(id: string): Promise<ModelJobRecord | null> {
    const now = new Date();
    return this.coll.findOneAndUpdate({ _id: id, status: { $in: ['queued', 'running'] } }, { $set: { status: 'running', startedAt: now, updatedAt: now } });
  }
}

export class ModelVersionsRepository {
  constructor(private readonly coll: Collection<ModelVersionRecord>) {}

  async init(): Promise<void> {
    // Listed per tenant, newest first.
    await this.coll.ensureIndex({ fields: { tenant: 1, createdAt: -1 } });
  }

  /** Idempotent: a job that runs again after a crash rewrites the same version. */
  save(record: ModelVersionRecord): Promise<void> {
    return saveById(this.coll, record);
  }

  find(tenant: string, version: string): Promise<ModelVersionRecord | null> {
    return this.coll.findOne({ _id: `${tenant}:${version}` });
  }

  list(tenant: string, limit: number): Promise<ModelVersionRecord[]> {
    return this.coll.find({ tenant }, { sort: { createdAt: -1 }, limit });
  }

  /**
   * Versions whose training data reached `since`: a version learns from every correction made up to
   * its correctionsThrough, so one made at `since` is in exactly these. Few per tenant, read in full.
   */
  learnedSince(tenant: string, since: Date): Promise<ModelVersionRecord[]> {
    return this.coll.find({ tenant, correctionsThrough: { $gte: since } }, { sort: { createdAt: 1 } });
  }

  /** Drops the weights and keeps the record (counts, metrics, gate: no text) so the version history stays readable. */
  async withdraw(tenant: string, version: string, by: string): Promise<void> {
    await this.coll.updateOne({ _id: `${tenant}:${version}` }, { $set: { head: null, withdrawn: { at: new Date(), by, reason: 'erasure' } } });
  }

  async markPromoted(tenant: string, version: string, actor: string): Promise<void> {
    await this.coll.updateOne({ _id: `${tenant}:${version}` }, { $set: { promotedAt: new Date(), promotedBy: actor } });
  }
}

export class ModelStateRepository {
  constructor(private readonly coll: Collection<ModelStateRecord>) {}

  // Looked up by _id (the tenant) only.
  async init(): Promise<void> {}

  /** The state if the tenant ever promoted a version; null means the base model. */
  peek(tenant: string): Promise<ModelStateRecord | null> {
    return this.coll.findOne({ _id: tenant });
  }

  async get(tenant: string): Promise<ModelStateRecord> {
    const found = await this.coll.findOne({ _id: tenant });
    if (found) return found;
    await this.coll.insertManyIgnoreDuplicates([{ _id: tenant, active: null, history: [], rev: 0, updatedAt: new Date() }]);
    return (await this.coll.findOne({ _id: tenant }))!;
  }

  /** Compare-and-set on `rev`: false when someone else changed the state first. */
  async replace(prev: ModelStateRecord, next: { active: string | null; history: (string | null)[] }): Promise<boolean> {
    const n = await this.coll.updateOne({ _id: prev._id, rev: prev.rev }, { $set: { ...next, updatedAt: new Date() }, $inc: { rev: 1 } });
    return n === 1;
  }
}
