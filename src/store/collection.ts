// The one query surface both engines implement. Repositories are written against it once, in the
// MongoDB query dialect, which @seald-io/nedb understands for filters and updates and mingo
// understands for aggregation pipelines.

export type Filter = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;
export type Update = {
  $set?: Record<string, unknown>;
  $unset?: Record<string, true | 1 | ''>;
  $inc?: Record<string, number>;
};

export interface FindOptions {
  sort?: Sort;
  limit?: number;
  skip?: number;
}

export interface IndexSpec {
  fields: Record<string, 1 | -1>;
  unique?: boolean;
  /** Only documents that have the fields are indexed (lets a unique index ignore absent values). */
  sparse?: boolean;
  /** Documents expire this long after the (date) field's value. */
  expireAfterSeconds?: number;
}

export interface Collection<T extends { _id: string }> {
  readonly name: string;
  ensureIndex(spec: IndexSpec): Promise<void>;
  /** Removes an index a previous version created, if it is there (indexes cost memory and write time). */
  dropIndex(fields: Record<string, 1 | -1>): Promise<void>;
  /** Throws DuplicateKeyError on a unique-index violation. */
  insertOne(doc: T): Promise<void>;
  /** Inserts each document, skipping those that violate a unique index; returns how many were inserted. */
  insertManyIgnoreDuplicates(docs: T[]): Promise<number>;
  findOne(filter: Filter): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter: Filter): Promise<number>;
  /** Returns how many documents matched. */
  updateOne(filter: Filter, update: Update): Promise<number>;
  updateMany(filter: Filter, update: Update): Promise<number>;
  /** Atomically applies the update to one matching document and returns it after the update. */
  findOneAndUpdate(filter: Filter, update: Update): Promise<T | null>;
  deleteMany(filter: Filter): Promise<number>;
  aggregate<R>(pipeline: Record<string, unknown>[]): Promise<R[]>;
}

export interface StoreEngine {
  readonly kind: 'embedded' | 'mongodb';
  collection<T extends { _id: string }>(name: string): Collection<T>;
  ping(): Promise<void>;
  /** Embedded engine only: rewrites the named collections' append-only files so deleted records leave them. */
  compact?(collections?: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Writes `record` under its _id whether or not it exists yet: update first, insert when nothing
 * matched. A concurrent insert of the same _id wins the race and this write is dropped, which
 * suits the callers (idempotent saves of the same content, last-writer settings).
 */
export async function saveById<T extends { _id: string }>(coll: Collection<T>, record: T): Promise<void> {
  if ((await coll.updateOne({ _id: record._id }, { $set: { ...record } })) === 0) {
    await coll.insertManyIgnoreDuplicates([record]);
  }
}
