import { ulid } from '../ids.js';
import type { Logger } from '../logger.js';
import type { Filter } from '../store/collection.js';
import type { Store } from '../store/store.js';
import type { TenantSettingsService } from './tenant-settings-service.js';

/** The part of ModelService an erasure needs (src/services/model-service.ts). */
export interface LearnedModels {
  withdrawLearnedFrom(tenant: string, since: Date, actor: string): Promise<{ withdrawn: string[]; activeWithdrawn: boolean }>;
  activeVersion(tenant: string): Promise<string | null>;
  hasVersions(tenant: string): Promise<boolean>;
  requestTraining(tenant: string, actor: string): Promise<{ _id: string }>;
}

export interface ErasureResult {
  deleted: { documents: number; tags: number };
  /**
   * Model versions whose weights learned from the erased documents' corrections are withdrawn with
   * them; when the active one was among them, a replacement is trained from what remains.
   */
  models: { withdrawn: string[]; active: string | null; retrainJob: string | null };
}

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
    private readonly models: LearnedModels | null = null,
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
    let scrubbed = 0;
    for await (const ids of this.idBatches(tenant, filter)) {
      await this.store.actions.deliveries.deleteAboutDocuments(tenant, ids);
      await this.store.idempotency.deleteAboutDocuments(ids);
      tags += await this.store.tags.deleteWhere({ documentId: { $in: ids } });
      await this.store.corrections.deleteWhere({ documentId: { $in: ids } });
      scrubbed += await this.store.audit.scrubAboutDocuments(tenant, ids, ['aspect']);
      documents += await this.store.documents.deleteWhere({ _id: { $in: ids } });
      // again: a document job that read one of these before they went may have stored a delivery since
      // the first pass (one stored after this pass finds its document gone: WebhookService.record)
      await this.store.actions.deliveries.deleteAboutDocuments(tenant, ids);
    }
    // the audit file too when an entry lost words it quoted: the scrub appends the entry without them, and
    // the line with them stayed until the hourly autocompaction
    if (documents > 0) await this.store.engine.compact?.(scrubbed > 0 ? [...ERASED_COLLECTIONS, 'audit'] : ERASED_COLLECTIONS);
    return { documents, tags };
  }

  /**
   * The earliest correction that trained anything on these documents (labelers' updates and added
   * tags; accepted tags are only ever measured on), or null when none did.
   */
  private async earliestLearned(tenant: string, ids: string[]): Promise<Date | null> {
    let earliest: Date | null = null;
    for (let i = 0; i < ids.length; i += BATCH) {
      let after = '';
      for (;;) {
        const rows = await this.store.corrections.list({ tenant, documentId: { $in: ids.slice(i, i + BATCH) }, op: { $in: ['update', 'add'] }, _id: { $gt: after } }, BATCH);
        for (const c of rows) if (!earliest || new Date(c.at) < earliest) earliest = new Date(c.at);
        if (rows.length < BATCH) break;
        after = rows[rows.length - 1]!._id;
      }
    }
    return earliest;
  }

  /**
   * The ids of the tenant's documents matching `filter`, BATCH at a time in _id order. Keyset paging:
   * each batch starts after the last one, not at the start of the _id index, so documents that do not
   * match (other tenants', other customers') are walked once, and a batch deleted meanwhile does not
   * move the next. ULIDs grow with arrival, so a document arriving meanwhile sorts after the cursor.
   */
  private async *idBatches(tenant: string, filter: Filter): AsyncGenerator<string[]> {
    let after = '';
    for (;;) {
      // $and: the filter may name _id itself (one document)
      const docs = await this.store.documents.list({ $and: [filter, { tenant, _id: { $gt: after } }] }, BATCH, { _id: 1 });
      if (docs.length > 0) yield docs.map((d) => d._id);
      if (docs.length < BATCH) return;
      after = docs[docs.length - 1]!._id;
    }
  }

  private async documentIds(tenant: string, filter: Filter): Promise<string[]> {
    const ids: string[] = [];
    for await (const batch of this.idBatches(tenant, filter)) ids.push(...batch);
    return ids;
  }

  /**
   * An explicit erasure reaches what models learned, too (a retention purge does not: it ages data out,
   * and what was learned from it while it was kept stays). Versions are withdrawn before the documents
   * go, so a crash in between leaves a retried erasure able to find them; and once more after, for a
   * version a training job stored while the documents were being deleted (the job checks the other
   * order itself, see ModelService.run).
   */
  private async erase(tenant: string, filter: Filter, actor: string): Promise<ErasureResult> {
    // most tenants never retrain: then no correction can have taught anything, and there is nothing to look up
    const since = this.models && (await this.models.hasVersions(tenant)) ? await this.earliestLearned(tenant, await this.documentIds(tenant, filter)) : null;
    const withdrawn = new Set<string>();
    let activeWithdrawn = false;
    const withdraw = async () => {
      if (!this.models || !since) return;
      const r = await this.models.withdrawLearnedFrom(tenant, since, actor);
      r.withdrawn.forEach((v) => withdrawn.add(v));
      activeWithdrawn ||= r.activeWithdrawn;
    };
    await withdraw();
    const deleted = await this.deleteDocuments(tenant, filter);
    await withdraw();
    // A withdrawal nulls the weights in an update, which the embedded store appends: the line with them stayed
    // in DATA_DIR until the hourly autocompaction. Gone when the erasure answers, as the erased text is.
    if (withdrawn.size > 0) await this.store.engine.compact?.(['model_versions']);
    let retrainJob: string | null = null;
    // (nothing left to learn from: the replacement job would only fail)
    if (this.models && activeWithdrawn && (await this.store.corrections.list({ tenant, op: { $in: ['update', 'add'] } }, 1)).length > 0) {
      // Training collects after the deletion above, so the replacement cannot learn the erased corrections.
      try {
        retrainJob = (await this.models.requestTraining(tenant, 'system'))._id;
      } catch (err) {
        this.logger.error({ tenant, err: String(err) }, 'could not request a replacement model after an erasure; train again by hand');
      }
    }
    return { deleted, models: { withdrawn: [...withdrawn], active: this.models ? await this.models.activeVersion(tenant) : null, retrainJob } };
  }

  async eraseCustomer(tenant: string, customerId: string, actor: string): Promise<ErasureResult> {
    const result = await this.erase(tenant, { customerId }, actor);
    await this.audit(tenant, actor, 'customer.erase', customerId, { ...result.deleted, ...this.modelDetails(result) });
    return result;
  }

  private modelDetails(result: ErasureResult): Record<string, unknown> {
    return result.models.withdrawn.length > 0 ? { modelsWithdrawn: result.models.withdrawn, retrainJob: result.models.retrainJob } : {};
  }

  /**
   * One document and everything about it (a customer's request about one piece of feedback, or a
   * document sent without a customerId, which eraseCustomer cannot reach). Null when the tenant has none
   * under that id; the audit entry names the id only.
   */
  async eraseDocument(tenant: string, id: string, actor: string): Promise<ErasureResult | null> {
    if (!(await this.store.documents.findForTenant(tenant, id))) return null;
    const result = await this.erase(tenant, { _id: id }, actor);
    if (result.deleted.documents === 0) return null;
    await this.audit(tenant, actor, 'document.erase', id, { ...result.deleted, ...this.modelDetails(result) });
    return result;
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
