import { saveById, type Collection, type Filter, type StoreEngine } from '../store/collection.js';
import type { AlertRuleRecord, DocumentRecord, RoutingTableRecord, TagRecord, WebhookDeliveryRecord, WebhookEndpointRecord } from '../store/records.js';
// tags a re-analysis has staged or retired are not the document's (TagsRepository.replaceMachineTags)
import { liveTags } from '../store/tags-repository.js';

export class RulesRepository {
  constructor(private readonly coll: Collection<AlertRuleRecord>) {}

  async init(): Promise<void> {
    // Every tagged document reads its tenant's active rules.
    await this.coll.ensureIndex({ fields: { tenant: 1, type: 1 } });
  }

  insert(rule: AlertRuleRecord): Promise<void> {
    return this.coll.insertOne(rule);
  }

  list(tenant: string): Promise<AlertRuleRecord[]> {
    return this.coll.find({ tenant }, { sort: { createdAt: 1, _id: 1 } });
  }

  active(filter: Filter): Promise<AlertRuleRecord[]> {
    return this.coll.find({ ...filter, active: true }, { sort: { _id: 1 } });
  }

  find(tenant: string, id: string): Promise<AlertRuleRecord | null> {
    return this.coll.findOne({ _id: id, tenant });
  }

  async replace(tenant: string, id: string, fields: Partial<AlertRuleRecord>): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id, tenant }, { $set: fields })) > 0;
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    return (await this.coll.deleteMany({ _id: id, tenant })) > 0;
  }
}

export class WebhooksRepository {
  constructor(private readonly coll: Collection<WebhookEndpointRecord>) {}

  async init(): Promise<void> {
    await this.coll.ensureIndex({ fields: { tenant: 1 } });
  }

  insert(endpoint: WebhookEndpointRecord): Promise<void> {
    return this.coll.insertOne(endpoint);
  }

  list(tenant: string): Promise<WebhookEndpointRecord[]> {
    return this.coll.find({ tenant }, { sort: { createdAt: 1, _id: 1 } });
  }

  find(tenant: string, id: string): Promise<WebhookEndpointRecord | null> {
    return this.coll.findOne({ _id: id, tenant });
  }

  findById(id: string): Promise<WebhookEndpointRecord | null> {
    return this.coll.findOne({ _id: id });
  }

  manyActive(tenant: string, ids: string[]): Promise<WebhookEndpointRecord[]> {
    return this.coll.find({ tenant, _id: { $in: ids }, active: true });
  }

  async update(tenant: string, id: string, fields: Partial<WebhookEndpointRecord>): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id, tenant }, { $set: fields })) > 0;
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    return (await this.coll.deleteMany({ _id: id, tenant })) > 0;
  }
}

export const DELIVERY_LOG_DAYS = 30;

export class DeliveriesRepository {
  constructor(
    private readonly coll: Collection<WebhookDeliveryRecord>,
    /** Rewrites the embedded store's file so a deleted delivery's payload leaves the disk (no-op on MongoDB). */
    private readonly compactFile: () => Promise<void> = async () => undefined,
  ) {}

  async init(): Promise<void> {
    // The delivery log lists one endpoint's deliveries newest first.
    await this.coll.ensureIndex({ fields: { endpointId: 1, createdAt: -1 } });
    // The worker re-enqueues pending deliveries at start (the embedded queue forgets them on exit).
    await this.coll.ensureIndex({ fields: { status: 1 } });
    // Payloads name documents and customers; the log is for debugging integrations, not an archive.
    await this.coll.ensureIndex({ fields: { createdAt: 1 }, expireAfterSeconds: DELIVERY_LOG_DAYS * 86_400 });
  }

  /** Returns false when a delivery with this id already exists, which is how duplicates are dropped. */
  async insertIfAbsent(delivery: WebhookDeliveryRecord): Promise<boolean> {
    return (await this.coll.insertManyIgnoreDuplicates([delivery])) === 1;
  }

  findById(id: string): Promise<WebhookDeliveryRecord | null> {
    return this.coll.findOne({ _id: id });
  }

  /** Newest first; `after` is the last row of the previous page (its createdAt and id, which breaks ties). */
  list(tenant: string, endpointId: string, limit: number, before?: Date, after?: { createdAt: Date; id: string }): Promise<WebhookDeliveryRecord[]> {
    const filter: Filter = { tenant, endpointId };
    if (before) filter.createdAt = { $lt: before };
    if (after) filter.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }];
    return this.coll.find(filter, { sort: { createdAt: -1, _id: -1 }, limit });
  }

  pending(limit: number): Promise<WebhookDeliveryRecord[]> {
    return this.coll.find({ status: 'pending' }, { sort: { createdAt: 1 }, limit });
  }

  async update(id: string, fields: Partial<WebhookDeliveryRecord>): Promise<void> {
    await this.coll.updateOne({ _id: id }, { $set: fields });
  }

  /** Only while the delivery is still pending: an attempt's retry must not revive one failed meanwhile. */
  async updateIfPending(id: string, fields: Partial<WebhookDeliveryRecord>): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id, status: 'pending' }, { $set: fields })) > 0;
  }

  /**
   * A failed delivery sent again (POST …/deliveries/:id/retry): pending with a fresh budget of attempts. Only
   * from failed, so a retry racing another, or an attempt still under way, changes nothing. True when it did.
   */
  async reopenFailed(id: string): Promise<boolean> {
    return (await this.coll.updateOne({ _id: id, status: 'failed' }, { $set: { status: 'pending', attempts: 0, responseCode: null, lastError: null } })) > 0;
  }

  /** Fails an endpoint's pending deliveries at once (it was deactivated or deleted); returns how many. */
  failPending(tenant: string, endpointId: string, lastError: string): Promise<number> {
    return this.coll.updateMany({ tenant, endpointId, status: 'pending' }, { $set: { status: 'failed', lastError } });
  }

  /** Deliveries whose payload is about one of these documents (document and SLA events name it in data.document). */
  deleteAboutDocuments(tenant: string, documentIds: string[]): Promise<number> {
    return this.coll.deleteMany({ tenant, 'payload.data.document.id': { $in: documentIds } });
  }

  async delete(id: string): Promise<void> {
    await this.coll.deleteMany({ _id: id });
  }

  /** A delivery about an erased document: deleted, and gone from the embedded store's file too. */
  async erase(id: string): Promise<void> {
    if ((await this.coll.deleteMany({ _id: id })) > 0) await this.compactFile();
  }

  /** Counts the attempt before sending, so a crash mid-request still shows in the log. */
  startAttempt(id: string, at: Date): Promise<WebhookDeliveryRecord | null> {
    return this.coll.findOneAndUpdate({ _id: id, status: 'pending' }, { $set: { lastAttemptAt: at }, $inc: { attempts: 1 } });
  }
}

export class RoutingRepository {
  constructor(private readonly coll: Collection<RoutingTableRecord>) {}

  // One record per tenant, looked up by _id.
  async init(): Promise<void> {}

  find(tenant: string): Promise<RoutingTableRecord | null> {
    return this.coll.findOne({ _id: tenant });
  }

  save(record: RoutingTableRecord): Promise<void> {
    return saveById(this.coll, record);
  }
}

/**
 * Reads over the documents and tags collections that only actions need (case lists, windows,
 * journeys). The engine hands out one shared handle per collection, so these see the same data
 * the documents and tags repositories write.
 */
export class ActionsQueries {
  constructor(
    private readonly documents: Collection<DocumentRecord>,
    private readonly tags: Collection<TagRecord>,
  ) {}

  async init(): Promise<void> {
    // Case lists filter by tenant and sort by due date; the SLA check scans due dates across tenants.
    // Not sparse: nedb loses documents that gain the nested field later from a sparse index.
    await this.documents.ensureIndex({ fields: { 'routing.dueAt': 1 } });
    // Windowed rules and the KPI view count a tenant's tags over a time range.
    await this.tags.ensureIndex({ fields: { tenant: 1, at: 1 } });
  }

  /**
   * The document is no complaint any more: its case goes, but what people and the SLA check recorded on it is
   * kept aside (routingMarks) for applyRouting to give back if it becomes one again. Closing a case by
   * correcting a tag and undoing that correction (a revert) re-opened a resolved case, overdue since its
   * deadline had passed, and the SLA check then alerted on it.
   */
  async closeRouting(documentId: string): Promise<void> {
    const [doc] = await this.documents.find({ _id: documentId }, { limit: 1 });
    const r = doc?.routing;
    if (!r) return;
    await this.documents.updateOne(
      { _id: documentId, 'routing.team': r.team },
      {
        $set: {
          routing: null,
          routingMarks: { routedAt: r.routedAt, resolvedAt: r.resolvedAt, breachNotifiedAt: r.breachNotifiedAt, assignee: r.assignee ?? null, team: r.team },
        },
      },
    );
  }

  /**
   * Writes a fresh routing decision without touching what people and the SLA check record on the
   * case (routedAt, resolvedAt, breachNotifiedAt): the job's copy of the document was read before
   * analysis, and a resolve or breach mark made meanwhile must survive the job's write. Only a move to
   * another team clears the breach mark, with the deadline it belonged to, and the assignee, a person of the
   * old team.
   */
  async applyRouting(documentId: string, decision: Omit<NonNullable<DocumentRecord['routing']>, 'routedAt' | 'resolvedAt' | 'breachNotifiedAt' | 'assignee'>, now: Date): Promise<void> {
    // A case that stays with its team keeps the deadline it was given: a re-tag (every promotion runs one)
    // under a tightened SLA recomputed every old case's dueAt from its ingest time, and 1,475 cases that
    // were on time became overdue at once (QA audit 2026-11-30). A new SLA applies to new cases, and to a
    // case that moves to another team (a corrected category), which gets that team's deadline.
    const { dueAt: _kept, ...sameTeam } = decision;
    if (await this.updateRouting({ _id: documentId, 'routing.team': decision.team }, sameTeam)) return;
    // Another team, another deadline, checked afresh: a breach noticed on the old team's deadline kept the
    // case marked, so the new team's sla_breach rules never heard of it when its own deadline passed.
    // The assignee goes too: the new team picks its own person (a case left with someone of the old team
    // looked worked on while nobody of the new team knew of it).
    if (await this.updateRouting({ _id: documentId, 'routing.team': { $exists: true } }, { ...decision, breachNotifiedAt: null, assignee: null })) return;
    // a complaint again after it stopped being one: the marks its case had come back with it (closeRouting)
    const [doc] = await this.documents.find({ _id: documentId }, { limit: 1 });
    const kept = doc?.routingMarks ?? null;
    await this.documents.updateOne(
      { _id: documentId, 'routing.team': { $exists: false } },
      {
        $set: {
          routing: {
            ...decision,
            routedAt: kept?.routedAt ?? now,
            resolvedAt: kept?.resolvedAt ?? null,
            // Back with another team (the table changed meanwhile), it has that team's deadline, so the mark of the
            // old one goes, as it does when a listed case moves: kept, the SLA check never looked at the case again.
            // Marks kept before they named their team come back as they were.
            breachNotifiedAt: kept?.team === undefined || kept.team === decision.team ? (kept?.breachNotifiedAt ?? null) : null,
            // back with the team it left, back with its person; with another team, nobody yet
            assignee: kept?.team === decision.team ? (kept.assignee ?? null) : null,
          },
          routingMarks: null,
        },
      },
    );
  }

  updateRouting(filter: Filter, fields: Record<string, unknown>): Promise<DocumentRecord | null> {
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) set[`routing.${k}`] = v;
    return this.documents.findOneAndUpdate(filter, { $set: set });
  }

  /** How many open cases each person holds, over the tenant's open assigned cases. */
  async openCasesByAssignee(tenant: string): Promise<Map<string, number>> {
    const rows = await this.documents.aggregate<{ _id: string; n: number }>([
      { $match: { tenant, 'routing.team': { $exists: true }, 'routing.resolvedAt': null, 'routing.assignee': { $exists: true, $ne: null } } },
      { $group: { _id: '$routing.assignee', n: { $sum: 1 } } },
    ]);
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  findDocuments(filter: Filter, sort: Record<string, 1 | -1>, limit: number): Promise<DocumentRecord[]> {
    return this.documents.find(filter, { sort, limit });
  }

  tagsOf(documentIds: string[]): Promise<TagRecord[]> {
    return documentIds.length === 0 ? Promise.resolve([]) : this.tags.find(liveTags({ documentId: { $in: documentIds } }));
  }

  /** Documents with at least one matching tag in the range, and how many of them have a negative one. */
  async documentShare(filter: Filter): Promise<{ documents: number; negative: number }> {
    const rows = await this.tags.aggregate<{ documents: number; negative: number }>([
      { $match: liveTags(filter) },
      { $group: { _id: '$documentId', neg: { $max: { $cond: [{ $eq: ['$polarity', 'negative'] }, 1, 0] } } } },
      { $group: { _id: null, documents: { $sum: 1 }, negative: { $sum: '$neg' } } },
    ]);
    return { documents: rows[0]?.documents ?? 0, negative: rows[0]?.negative ?? 0 };
  }

  /** Per document: Σ confidence × (+1/−1/0) and Σ confidence, for journey scores without loading tags. */
  tagScores(filter: Filter): Promise<{ _id: string; weighted: number; weight: number; tags: number }[]> {
    return this.tags.aggregate([
      { $match: liveTags(filter) },
      {
        $group: {
          _id: '$documentId',
          weighted: {
            $sum: {
              $multiply: ['$confidence', { $cond: [{ $eq: ['$polarity', 'positive'] }, 1, { $cond: [{ $eq: ['$polarity', 'negative'] }, -1, 0] }] }],
            },
          },
          weight: { $sum: '$confidence' },
          tags: { $sum: 1 },
        },
      },
    ]);
  }

  touchpointsOfCustomers(
    filter: Filter,
  ): Promise<{ _id: string; customerId: string; occurredAt: Date | null; createdAt: Date; score?: number | null; scale?: 'nps' | 'csat' | null }[]> {
    return this.documents.aggregate([{ $match: filter }, { $project: { _id: 1, customerId: 1, occurredAt: 1, createdAt: 1, score: 1, scale: 1 } }]);
  }
}

export interface ActionsStore {
  rules: RulesRepository;
  webhooks: WebhooksRepository;
  deliveries: DeliveriesRepository;
  routing: RoutingRepository;
  queries: ActionsQueries;
  init(): Promise<void>;
}

export function createActionsStore(engine: StoreEngine): ActionsStore {
  const s = {
    rules: new RulesRepository(engine.collection('alert_rules')),
    webhooks: new WebhooksRepository(engine.collection('webhooks')),
    deliveries: new DeliveriesRepository(engine.collection('webhook_deliveries'), async () => engine.compact?.(['webhook_deliveries'])),
    routing: new RoutingRepository(engine.collection('routing_tables')),
    queries: new ActionsQueries(engine.collection('documents'), engine.collection('tags')),
  };
  return {
    ...s,
    async init() {
      await Promise.all([s.rules.init(), s.webhooks.init(), s.deliveries.init(), s.routing.init(), s.queries.init()]);
    },
  };
}
