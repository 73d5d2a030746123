import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type NedbModule from '@seald-io/nedb';
import { Aggregator } from 'mingo';
import { DuplicateKeyError } from '../errors.js';
import type { Collection, Filter, FindOptions, IndexSpec, StoreEngine, Update } from './collection.js';

// nedb is CommonJS with `export default` typings, which NodeNext resolution misreads; load it plainly.
const Datastore = createRequire(import.meta.url)('@seald-io/nedb') as typeof NedbModule.default;
type Datastore<T = Record<string, unknown>> = NedbModule.default<T>;

// The embedded engine: one append-only nedb file per collection under DATA_DIR, fully in memory.
// Good for first runs and small installs (see README for the measured ceiling); MongoDB beyond it.

const isUniqueViolation = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { errorType?: string }).errorType === 'uniqueViolated';

class NedbCollection<T extends { _id: string }> implements Collection<T> {
  constructor(
    readonly name: string,
    private readonly db: Datastore<T>,
  ) {}

  async ensureIndex(spec: IndexSpec): Promise<void> {
    const fields = Object.keys(spec.fields);
    await this.db.ensureIndexAsync({
      fieldName: fields.length === 1 ? fields[0]! : fields,
      unique: spec.unique ?? false,
      sparse: spec.sparse ?? false,
      ...(spec.expireAfterSeconds !== undefined ? { expireAfterSeconds: spec.expireAfterSeconds } : {}),
    });
  }

  async insertOne(doc: T): Promise<void> {
    try {
      await this.db.insertAsync(doc);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name);
      throw err;
    }
  }

  async insertManyIgnoreDuplicates(docs: T[]): Promise<number> {
    if (docs.length === 0) return 0;
    // One array insert is one append to the data file. nedb rolls the whole array back on a unique
    // violation, so only then fall back to one insert per document.
    try {
      await this.db.insertAsync(docs);
      return docs.length;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    let inserted = 0;
    for (const doc of docs) {
      try {
        await this.db.insertAsync(doc);
        inserted++;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    return inserted;
  }

  async findOne(filter: Filter): Promise<T | null> {
    return (await this.db.findOneAsync(filter)) ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = this.db.findAsync(filter);
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    return cursor.execAsync();
  }

  async count(filter: Filter): Promise<number> {
    return this.db.countAsync(filter).execAsync();
  }

  async updateOne(filter: Filter, update: Update): Promise<number> {
    try {
      const { numAffected } = await this.db.updateAsync(filter, update, { multi: false });
      return numAffected;
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateKeyError(this.name);
      throw err;
    }
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    const { numAffected } = await this.db.updateAsync(filter, update, { multi: true });
    return numAffected;
  }

  async findOneAndUpdate(filter: Filter, update: Update): Promise<T | null> {
    // nedb runs commands one at a time through its executor, so find-then-update by _id inside one
    // update call is atomic with respect to other commands on this datastore.
    const { affectedDocuments } = await this.db.updateAsync(filter, update, {
      multi: false,
      returnUpdatedDocs: true,
    });
    return (affectedDocuments as T | null) ?? null;
  }

  async deleteMany(filter: Filter): Promise<number> {
    return this.db.removeAsync(filter, { multi: true });
  }

  async aggregate<R>(pipeline: Record<string, unknown>[]): Promise<R[]> {
    // A leading $match runs in nedb (which can use its indexes); mingo does the rest in memory.
    const [first, ...rest] = pipeline;
    const match = first && '$match' in first ? (first.$match as Filter) : null;
    const docs = await this.db.findAsync(match ?? {}).execAsync();
    const stages = match ? rest : pipeline;
    return new Aggregator(stages).run(docs) as R[];
  }
}

export class NedbEngine implements StoreEngine {
  readonly kind = 'embedded' as const;
  private readonly collections = new Map<string, NedbCollection<never>>();
  private readonly stores: Datastore[] = [];

  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<NedbEngine> {
    fs.mkdirSync(dir, { recursive: true });
    return new NedbEngine(dir);
  }

  /** Collections load lazily but synchronously usable: callers await ready() through ensureIndex. */
  collection<T extends { _id: string }>(name: string): Collection<T> {
    let existing = this.collections.get(name);
    if (!existing) {
      const db = new Datastore<T>({ filename: path.join(this.dir, `${name}.db`), autoload: true });
      // Compaction rewrites the append-only file; hourly keeps it bounded without stalling writes often.
      db.setAutocompactionInterval(60 * 60 * 1000);
      this.stores.push(db as unknown as Datastore);
      existing = new NedbCollection<T>(name, db) as unknown as NedbCollection<never>;
      this.collections.set(name, existing);
    }
    return existing as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    await Promise.all(this.stores.map((s) => s.autoloadPromise));
  }

  async close(): Promise<void> {
    for (const db of this.stores) {
      db.stopAutocompaction();
      await db.autoloadPromise;
      await db.compactDatafileAsync();
    }
  }
}
