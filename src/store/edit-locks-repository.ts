import { DuplicateKeyError } from '../errors.js';
import type { Collection } from './collection.js';

export interface EditLockRecord {
  /** What is being edited, e.g. `corrections:<documentId>`. */
  _id: string;
  /** The holder's own token: only it releases the lock. */
  token: string;
  until: Date;
}

/**
 * Short leases on one thing being changed, shared by every process on the store: API replicas on one
 * MongoDB each order their own callers (KeyedSerial), and need the store to order each other's. A lease
 * rather than a plain lock so a holder that dies (SIGKILL, a lost connection) blocks nobody for long.
 */
export class EditLocksRepository {
  constructor(private readonly coll: Collection<EditLockRecord>) {}

  /**
   * `exclusive`: this process is the store's only user (the embedded engine holds DATA_DIR's lock), so
   * every lease in it was left by a process that died, and a correction right after the restart need not
   * wait out its minute.
   */
  async init(exclusive: boolean): Promise<void> {
    // A dead holder's lease is taken over by the next caller once past `until`; one nobody asks for again
    // is dropped an hour later by the TTL (MongoDB's monitor; the embedded engine when it reads it).
    await this.coll.ensureIndex({ fields: { until: 1 }, expireAfterSeconds: 3600 });
    if (exclusive) await this.coll.deleteMany({});
  }

  /** Takes the lease if it is free or its holder's time ran out; false while someone else holds it. */
  async tryAcquire(key: string, token: string, until: Date, now: Date): Promise<boolean> {
    try {
      await this.coll.insertOne({ _id: key, token, until });
      return true;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    return (await this.coll.findOneAndUpdate({ _id: key, until: { $lt: now } }, { $set: { token, until } })) !== null;
  }

  async release(key: string, token: string): Promise<void> {
    await this.coll.deleteMany({ _id: key, token });
  }
}
