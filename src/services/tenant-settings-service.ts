import { createHmac, randomBytes } from 'node:crypto';
import type { LexiconOverrides, PiiPolicy } from '../nlp/types.js';
import { INSTALL_ID, type TenantSettingsRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/** Settings are cached briefly so ingest does not read them per document; other processes see a change within this time. */
const CACHE_MS = 5_000;

export interface TenantSettings {
  piiPolicy: PiiPolicy;
  retentionDays: number | null;
  lexiconOverrides: LexiconOverrides | null;
}

export const DEFAULT_SETTINGS: TenantSettings = { piiPolicy: 'mask', retentionDays: null, lexiconOverrides: null };

export class TenantSettingsService {
  private cache = new Map<string, { value: TenantSettings; at: number }>();
  private secret: string | null = null;

  constructor(private readonly store: Store) {}

  /**
   * The HMAC key for one tenant's `hash` policy: HMAC(install secret, tenant id). Tokens of the same
   * value are then equal within a tenant (and its re-sends and corrections) but differ between tenants,
   * so pseudonymised data of two tenants on one install cannot be joined on a token. Derived rather
   * than stored, so no tenant needs a migration and every process derives the same key.
   */
  async hashSecret(tenant: string): Promise<string> {
    return createHmac('sha256', await this.installSecret()).update(`pii-hash\u0000${tenant}`).digest('hex');
  }

  /** The install-wide secret, created on first use and kept in the store; only per-tenant keys derived
   * from it are handed out. */
  private async installSecret(): Promise<string> {
    if (this.secret) return this.secret;
    let record = await this.store.tenants.find(INSTALL_ID);
    if (!record?.secret) {
      await this.store.tenants.upsert({ _id: INSTALL_ID, piiPolicy: 'mask', retentionDays: null, secret: randomBytes(32).toString('hex'), updatedAt: new Date() });
      record = await this.store.tenants.find(INSTALL_ID);
    }
    this.secret = record!.secret!;
    return this.secret;
  }

  async get(tenant: string): Promise<TenantSettings> {
    const hit = this.cache.get(tenant);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const record = await this.store.tenants.find(tenant);
    const value = record ? { piiPolicy: record.piiPolicy, retentionDays: record.retentionDays, lexiconOverrides: record.lexiconOverrides ?? null } : DEFAULT_SETTINGS;
    this.cache.set(tenant, { value, at: Date.now() });
    return value;
  }

  async update(tenant: string, patch: Partial<TenantSettings>): Promise<TenantSettings> {
    const next = { ...(await this.get(tenant)), ...patch };
    const record: TenantSettingsRecord = { _id: tenant, ...next, updatedAt: new Date() };
    await this.store.tenants.upsert(record);
    this.cache.set(tenant, { value: next, at: Date.now() });
    return next;
  }

  /** Tenants with a retention period, for the purge job. */
  async withRetention(): Promise<{ tenant: string; retentionDays: number }[]> {
    return (await this.store.tenants.all())
      .filter((r) => r._id !== INSTALL_ID && r.retentionDays !== null)
      .map((r) => ({ tenant: r._id, retentionDays: r.retentionDays! }));
  }
}
