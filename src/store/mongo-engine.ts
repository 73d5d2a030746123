import { MongoClient, MongoServerError, type Db, type Document as MongoDocument } from 'mongodb';
import { DuplicateKeyError } from '../errors.js';
import type { Collection, Filter, FindOptions, IndexSpec, StoreEngine, Update } from './collection.js';

const isDuplicate = (err: unknown) => err instanceof MongoServerError && err.code === 11000;

class MongoCollection<T extends { _id: string }> implements Collection<T> {
  constructor(
    readonly name: string,
    private readonly db: Db,
  ) {}

  private get coll() {
    return this.db.collection<MongoDocument>(this.name);
  }

  async ensureIndex(spec: IndexSpec): Promise<void> {
    await this.coll.createIndex(spec.fields, {
      unique: spec.unique ?? false,
      sparse: spec.sparse ?? false,
      ...(spec.expireAfterSeconds !== undefined ? { expireAfterSeconds: spec.expireAfterSeconds } : {}),
    });
  }

  async dropIndex(fields: Record<string, 1 | -1>): Promise<void> {
    const name = Object.entries(fields).map(([k, v]) => `${k}_${v}`).join('_'); // MongoDB's default index name
    if (await this.coll.indexExists(name)) await this.coll.dropIndex(name);
  }

  async insertOne(doc: T): Promise<void> {
    try {
      await this.coll.insertOne(doc as MongoDocument);
    } catch (err) {
      if (isDuplicate(err)) throw new DuplicateKeyError(this.name);
      throw err;
    }
  }

  async insertManyIgnoreDuplicates(docs: T[]): Promise<number> {
    if (docs.length === 0) return 0;
    try {
      const res = await this.coll.insertMany(docs as MongoDocument[], { ordered: false });
      return res.insertedCount;
    } catch (err) {
      const bulk = err as { code?: number; writeErrors?: { code: number }[]; result?: { insertedCount: number } };
      const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [];
      if (writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000)) {
        return bulk.result?.insertedCount ?? docs.length - writeErrors.length;
      }
      throw err;
    }
  }

  async findOne(filter: Filter): Promise<T | null> {
    return (await this.coll.findOne(filter)) as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = this.coll.find(filter);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as unknown as T[];
  }

  async count(filter: Filter): Promise<number> {
    return this.coll.countDocuments(filter);
  }

  async updateOne(filter: Filter, update: Update): Promise<number> {
    try {
      const res = await this.coll.updateOne(filter, update);
      return res.matchedCount;
    } catch (err) {
      if (isDuplicate(err)) throw new DuplicateKeyError(this.name);
      throw err;
    }
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    return (await this.coll.updateMany(filter, update)).matchedCount;
  }

  async findOneAndUpdate(filter: Filter, update: Update): Promise<T | null> {
    return (await this.coll.findOneAndUpdate(filter, update, { returnDocument: 'after' })) as T | null;
  }

  async deleteMany(filter: Filter): Promise<number> {
    return (await this.coll.deleteMany(filter)).deletedCount;
  }

  async aggregate<R>(pipeline: Record<string, unknown>[]): Promise<R[]> {
    return (await this.coll.aggregate(pipeline).toArray()) as R[];
  }
}

export class MongoEngine implements StoreEngine {
  readonly kind = 'mongodb' as const;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
  ) {}

  static async open(url: string, dbName: string): Promise<MongoEngine> {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    return new MongoEngine(client, client.db(dbName));
  }

  collection<T extends { _id: string }>(name: string): Collection<T> {
    return new MongoCollection<T>(name, this.db);
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
