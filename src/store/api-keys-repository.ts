import type { Collection } from './collection.js';
import type { ApiKeyRecord } from './records.js';

export class ApiKeysRepository {
  constructor(private readonly coll: Collection<ApiKeyRecord>) {}

  async init(): Promise<void> {
    // Keys are looked up by _id (embedded in the token); listing is per tenant.
    await this.coll.ensureIndex({ fields: { tenant: 1 } });
  }

  findById(id: string): Promise<ApiKeyRecord | null> {
    return this.coll.findOne({ _id: id });
  }

  insert(key: ApiKeyRecord): Promise<void> {
    return this.coll.insertOne(key);
  }

  async upsertBootstrap(key: ApiKeyRecord): Promise<void> {
    const existing = await this.coll.findOne({ _id: key._id });
    if (!existing) return this.coll.insertOne(key);
    await this.coll.updateOne({ _id: key._id }, { $set: { salt: key.salt, hash: key.hash, revokedAt: null } });
  }

  listForTenant(tenant: string): Promise<ApiKeyRecord[]> {
    return this.coll.find({ tenant }, { sort: { createdAt: 1 } });
  }

  async hasActivePlatformAdmin(): Promise<boolean> {
    return (await this.coll.count({ platform: true, revokedAt: null })) > 0;
  }

  /** False when the key was already revoked (by a concurrent request): the first revocation's time stays. */
  async revoke(id: string, at: Date): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at } })) > 0;
  }

  /** Takes back a revocation made at `at` (only that one: a later revocation is someone else's). */
  async unrevoke(id: string, at: Date): Promise<void> {
    await this.coll.updateOne({ _id: id, revokedAt: at }, { $set: { revokedAt: null } });
  }

  /**
   * Active keys that can manage keys: the platform ones, or a tenant's admin keys (in tenant default, where
   * the platform key lives, it is one of them).
   */
  countActiveKeyManagers(scope: { platform: true } | { tenant: string }): Promise<number> {
    const filter = 'tenant' in scope ? { tenant: scope.tenant, roles: 'admin' } : { platform: true };
    return this.coll.count({ ...filter, revokedAt: null });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.coll.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
  }
}
