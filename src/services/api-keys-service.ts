import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';
import { ulid } from '../ids.js';
import type { ApiKeysRepository } from '../store/api-keys-repository.js';
import type { ApiKeyRecord, Role } from '../store/records.js';

// API keys are random 256-bit secrets, so a salted SHA-256 is enough to make a stolen store useless
// without slowing every request the way a password hash (scrypt/argon2) would.
// Token layout: gdk_<keyId>_<secret>; the bootstrap key from GUANDIAN_ADMIN_KEY may be any string
// and lives under the fixed id "bootstrap".

export const BOOTSTRAP_KEY_ID = 'bootstrap';
const TOKEN_RE = /^gdk_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;
/** lastUsedAt is written at most this often per key, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

export interface AuthContext {
  keyId: string;
  tenant: string;
  roles: Role[];
  platform: boolean;
}

const hashSecret = (salt: string, token: string) => createHash('sha256').update(salt).update(token).digest('hex');

export class ApiKeysService {
  constructor(private readonly repo: ApiKeysRepository) {}

  private record(id: string, token: string, fields: Pick<ApiKeyRecord, 'name' | 'tenant' | 'roles' | 'platform' | 'createdBy'>): ApiKeyRecord {
    const salt = randomBytes(16).toString('hex');
    return { _id: id, ...fields, salt, hash: hashSecret(salt, token), createdAt: new Date(), revokedAt: null, lastUsedAt: null };
  }

  async create(fields: { name: string; tenant: string; roles: Role[]; createdBy: string }): Promise<{ record: ApiKeyRecord; token: string }> {
    const id = ulid();
    const token = `gdk_${id}_${randomBytes(32).toString('base64url')}`;
    const record = this.record(id, token, { ...fields, platform: false });
    await this.repo.insert(record);
    return { record, token };
  }

  /**
   * Makes sure a platform admin key exists. With GUANDIAN_ADMIN_KEY set, that key is (re)installed;
   * otherwise one is generated on first start and returned so the caller can print it once.
   */
  async bootstrap(adminKey: string | null): Promise<string | null> {
    const fields = { name: 'bootstrap admin', tenant: 'default', roles: ['admin'] as Role[], platform: true, createdBy: null };
    if (adminKey) {
      await this.repo.upsertBootstrap(this.record(BOOTSTRAP_KEY_ID, adminKey, fields));
      return null;
    }
    if (await this.repo.hasActivePlatformAdmin()) return null;
    const id = ulid();
    const token = `gdk_${id}_${randomBytes(32).toString('base64url')}`;
    await this.repo.insert(this.record(id, token, fields));
    return token;
  }

  async authenticate(token: string): Promise<AuthContext | null> {
    const match = TOKEN_RE.exec(token);
    const id = match ? match[1]! : BOOTSTRAP_KEY_ID;
    const record = await this.repo.findById(id);
    if (!record || record.revokedAt) return null;
    const expected = Buffer.from(record.hash, 'hex');
    const actual = Buffer.from(hashSecret(record.salt, token), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    const now = new Date();
    if (!record.lastUsedAt || now.getTime() - new Date(record.lastUsedAt).getTime() > TOUCH_INTERVAL_MS) {
      await this.repo.touch(record._id, now);
    }
    return { keyId: record._id, tenant: record.tenant, roles: record.roles, platform: record.platform };
  }

  /**
   * One tenant's keys, the caller's unless named (the route lets only the platform key name another).
   * The platform key lives in tenant default but is the operator's, not the tenant's: only the platform
   * key itself sees it, as only it may revoke it (revoke).
   */
  async list(auth: Pick<AuthContext, 'tenant' | 'platform'>, tenant: string = auth.tenant): Promise<ApiKeyRecord[]> {
    const keys = await this.repo.listForTenant(tenant);
    return auth.platform ? keys : keys.filter((k) => !k.platform);
  }

  /**
   * The outcome ('revoked' now; 'already': revoked before, nothing changes, so revokedAt keeps the first
   * revocation) and the tenant the key belongs to (its audit trail), or null when the caller may not see it.
   *
   * A revoke never leaves nobody to manage keys: not the last platform key (the operator would be locked
   * out of /metrics, the queue dashboard and every other tenant's keys until a restart re-installs one),
   * nor, by a tenant's own admin, that tenant's last admin key (the tenant could not create or revoke a key
   * until the operator made one; in tenant default the platform key, which lives there, is one). Both are a
   * 409 naming the key. The platform key may still revoke a tenant's last admin key: it can make another.
   */
  async revoke(auth: AuthContext, id: string): Promise<{ outcome: 'revoked' | 'already'; tenant: string } | null> {
    const record = await this.repo.findById(id);
    // A default-tenant admin revoking the platform key would lock the operator out of /metrics, the queue
    // dashboard and other tenants' keys until a restart; to such a caller it does not exist.
    if (!record || (record.tenant !== auth.tenant && !auth.platform) || (record.platform && !auth.platform)) return null;
    if (record.revokedAt) return { outcome: 'already', tenant: record.tenant };
    const scope = record.platform ? ({ platform: true } as const) : !auth.platform && record.roles.includes('admin') ? { tenant: record.tenant } : null;
    if (scope && (await this.repo.countActiveKeyManagers(scope)) <= 1) throw lastKeyManager(record, auth);
    const at = new Date();
    if (!(await this.repo.revoke(id, at))) return { outcome: 'already', tenant: record.tenant };
    // Two admins revoking each other at once (in two processes, on MongoDB) both counted two keys above.
    // Counting again after the write settles it in any order: at least one of them then counts none left
    // and takes its revocation back, so one key stays.
    if (scope && (await this.repo.countActiveKeyManagers(scope)) === 0) {
      await this.repo.unrevoke(id, at);
      throw lastKeyManager(record, auth);
    }
    return { outcome: 'revoked', tenant: record.tenant };
  }
}

function lastKeyManager(record: ApiKeyRecord, auth: AuthContext): AppError {
  const self = record._id === auth.keyId ? 'the calling key' : 'the key';
  const message = record.platform
    ? `${self} ${record._id} is the last platform admin key: revoking it would leave no key that can manage other tenants, /metrics or the queue dashboard. ` +
      'To replace it, set GUANDIAN_ADMIN_KEY to a new secret and restart (docs/operations.md, "A lost admin key")'
    : `${self} ${record._id} is the last admin key of tenant ${record.tenant}: revoking it would leave the tenant no key that can create or revoke keys. ` +
      'Create another admin key first, then revoke this one';
  return new AppError(409, 'last_admin_key', message, [{ field: 'id', message: record._id, tenant: record.tenant, platform: record.platform }]);
}
