import { ulid } from '../ids.js';
import type { Logger } from '../logger.js';
import type { Filter } from '../store/collection.js';
import type { Store } from '../store/store.js';
import type { TenantSettingsService } from './tenant-settings-service.js';

const BATCH = 500;
const DAY_MS = 86_400_000;
/** Every collection that holds a document's text or its customer's identifiers (store.ts, actions-store.ts). */
const ERASED_COLLECTIONS = ['documents', 'tags', 'corrections', 'webhook_deliveries', 'idempotency'];

/** Erasure (right to be forgotten) and retention purges; both delete everything stored about a document with it. */
export class PrivacyService {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly settings: TenantSettingsService,
    private readonly logger: Logger,
  ) {}

  async audit(tenant: string, actor: string, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
    await this.store.audit.append({ _id: ulid(), tenant, actor, action, target, details, at: new Date() });
  }

  /**
   * Deletes matching documents in batches with everything stored about them: webhook deliveries first
   * (a pending or retrying one must not send the erased text afterwards), remembered idempotent
   * responses, tags and corrections, then the documents, so a crash never leaves orphans behind a
   * deleted document. The embedded store's files are then compacted, so the erased lines are gone
   * from DATA_DIR when the call returns rather than at the next hourly autocompaction.
   */
  private async deleteDocuments(tenant: string, filter: Filter): Promise<{ documents: number; tags: number }> {
    let documents = 0;
    let tags = 0;
    for (;;) {
      const docs = await this.store.documents.list({ ...filter, tenant }, BATCH, { _id: 1 });
      if (docs.length === 0) break;
      const ids = docs.map((d) => d._id);
      await this.store.actions.deliveries.deleteAboutDocuments(tenant, ids);
      await this.store.idempotency.deleteAboutDocuments(ids);
      tags += await this.store.tags.deleteWhere({ documentId: { $in: ids } });
      await this.store.corrections.deleteWhere({ documentId: { $in: ids } });
      documents += await this.store.documents.deleteWhere({ _id: { $in: ids } });
      if (docs.length < BATCH) break;
    }
    if (documents > 0) await this.store.engine.compact?.(ERASED_COLLECTIONS);
    return { documents, tags };
  }

  async eraseCustomer(tenant: string, customerId: string, actor: string): Promise<{ documents: number; tags: number }> {
    const counts = await this.deleteDocuments(tenant, { customerId });
    await this.audit(tenant, actor, 'customer.erase', customerId, counts);
    return counts;
  }

  /**
   * One document and everything about it (a customer's request about one piece of feedback, or a
   * document sent without a customerId, which eraseCustomer cannot reach). Null when the tenant has none
   * under that id; the audit entry names the id only.
   */
  async eraseDocument(tenant: string, id: string, actor: string): Promise<{ documents: number; tags: number } | null> {
    const counts = await this.deleteDocuments(tenant, { _id: id });
    if (counts.documents === 0) return null;
    await this.audit(tenant, actor, 'document.erase', id, counts);
    return counts;
  }

  async purgeExpired(now = new Date()): Promise<number> {
    let total = 0;
    for (const { tenant, retentionDays } of await this.settings.withRetention()) {
      const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
      const counts = await this.deleteDocuments(tenant, { createdAt: { $lt: cutoff } });
      if (counts.documents > 0) {
        await this.audit(tenant, 'system', 'retention.purge', null, { ...counts, retentionDays, cutoff: cutoff.toISOString() });
        this.logger.info({ tenant, ...counts }, 'retention purge');
      }
      total += counts.documents;
    }
    return total;
  }

  startRetention(intervalMs: number): void {
    const tick = () => {
      this.purgeExpired()
        .catch((err: unknown) => this.logger.error({ err: String(err) }, 'retention purge failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 1000);
  }

  stopRetention(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
