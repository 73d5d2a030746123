import { badRequest, notFound } from '../errors.js';
import { ulid } from '../ids.js';
import type { Logger } from '../logger.js';
import type { Filter } from '../store/collection.js';
import { instantOf, timeZone, wallTime } from '../time-zone.js';
import type { AlertRuleRecord, DocumentRecord, TagRecord } from '../store/records.js';
import { wasAnalysed } from '../store/documents-repository.js';
import type { ActionsStore } from './actions-store.js';
import { aspectMatches, customerText, findWords } from './text.js';
import type { WebhookService } from './webhook-service.js';

export type RuleInput = {
  name: string;
  type: AlertRuleRecord['type'];
  active?: boolean;
  webhookIds: string[];
  match?: AlertRuleRecord['match'];
  threshold?: Partial<NonNullable<AlertRuleRecord['threshold']>> & { minShare: number };
  teams?: string[];
};

/** What made a document rule look at a document: its first analysis, a re-run of it, or a labeler's correction. */
export type DocumentTrigger = 'ingest' | 'retag' | 'correction';

/**
 * Whether the document job that just tagged `doc` is its first analysis. The worker hands afterTagged
 * the record it claimed, as it was before this run: a document analysed before has `processedAt`, and
 * one given up on before keeps the `error` of its failure (a retry clears it). `retagJobId` alone does
 * not tell: a re-tag also takes over documents still queued from their ingest, whose first analysis
 * this is.
 */
export function jobTrigger(doc: Pick<DocumentRecord, 'processedAt' | 'error'>): 'ingest' | 'retag' {
  return doc.processedAt || doc.error ? 'retag' : 'ingest';
}

const THRESHOLD_DEFAULTS = { category: null, channel: null, windowMinutes: 60, minDocuments: 20, baselineDays: 7, minLift: 1 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASELINE_REFRESH_MS = 10 * 60_000;

export const presentRule = (r: AlertRuleRecord) => ({
  id: r._id,
  name: r.name,
  type: r.type,
  active: r.active,
  webhookIds: r.webhookIds,
  match: r.match,
  threshold: r.threshold,
  teams: r.teams,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** Every listed criterion must hold; within a list any value will do. Tag criteria must hold on one and the same tag. */
export function documentMatches(match: NonNullable<AlertRuleRecord['match']>, doc: DocumentRecord, tags: TagRecord[]): TagRecord[] | null {
  if (match.channels?.length && !match.channels.includes(doc.source)) return null;
  if (match.keywords?.length && findWords(customerText(doc), match.keywords).length === 0) return null;
  const tagCriteria = Boolean(match.categories?.length || match.aspects?.length || match.polarities?.length);
  if (!tagCriteria) return [];
  const hits = tags.filter(
    (t) =>
      (!match.categories?.length || match.categories.includes(t.category)) &&
      (!match.polarities?.length || match.polarities.includes(t.polarity)) &&
      (!match.aspects?.length || match.aspects.some((a) => aspectMatches(t, a))),
  );
  return hits.length > 0 ? hits : null;
}

/**
 * The start of the de-duplication period containing `now`: periods of `widthMs` counted on the wall
 * clock of TIME_ZONE from its 1970-01-01 00:00. A one-day window's period is the local calendar day
 * (a Beijing team's alert day starts at 00:00 +08:00, not 08:00), and hour windows follow local clock
 * hours, which in half-hour zones (Asia/Kolkata) start at :30 UTC. Wall-clock arithmetic keeps a day a
 * day across DST changes; a local hour that occurs twice (fall-back) is one period, and a period start
 * skipped by a spring-forward gap resolves as `instantOf` resolves it.
 */
export function periodStart(now: Date, widthMs: number, tz = timeZone()): Date {
  const w = wallTime(now, tz);
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) + (((now.getTime() % 1000) + 1000) % 1000);
  const p = new Date(Math.floor(wallMs / widthMs) * widthMs);
  return instantOf(p.getUTCFullYear(), p.getUTCMonth() + 1, p.getUTCDate(), p.getUTCHours(), p.getUTCMinutes(), p.getUTCSeconds(), p.getUTCMilliseconds(), tz);
}

export interface ThresholdOutcome {
  fired: boolean;
  period: string;
  window: { documents: number; negative: number; share: number; start: Date; end: Date };
  baseline: { documents: number; negative: number; share: number; start: Date; end: Date };
}

export class RulesService {
  // The trailing baseline spans days and barely moves between minute-by-minute evaluations, so it
  // is recomputed at most every ten minutes per rule instead of scanning a week of tags each time.
  private readonly baselines = new Map<string, { key: string; value: { documents: number; negative: number } }>();

  constructor(
    private readonly store: ActionsStore,
    private readonly webhooks: WebhookService,
    private readonly logger: Logger,
  ) {}

  private async checkWebhooks(tenant: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      if (!(await this.store.webhooks.find(tenant, id))) throw badRequest(`webhook ${id} does not exist in this tenant`, [{ field: 'webhookIds', message: 'unknown webhook' }]);
    }
  }

  private shape(input: RuleInput): Pick<AlertRuleRecord, 'match' | 'threshold' | 'teams'> {
    // Each type reads one of these; another one sent with it was dropped without a word (a match sent to
    // narrow a threshold rule). null is "none", as GET shows the parts a type does not have.
    const reads = { document: 'match', threshold: 'threshold', sla_breach: 'teams' } as const;
    for (const part of ['match', 'threshold', 'teams'] as const) {
      if (part !== reads[input.type] && input[part] !== undefined && input[part] !== null) {
        throw badRequest(`${part} is not read by a ${input.type} rule (only ${reads[input.type]} is)`, [{ field: part, message: `not read by a ${input.type} rule` }]);
      }
    }
    if (input.type === 'document') {
      const m = Object.fromEntries(Object.entries(input.match ?? {}).filter(([, v]) => v !== undefined)) as NonNullable<AlertRuleRecord['match']>;
      if (!m.categories?.length && !m.aspects?.length && !m.polarities?.length && !m.channels?.length && !m.keywords?.length) {
        throw badRequest('a document rule needs at least one match criterion', [{ field: 'match', message: 'empty' }]);
      }
      return { match: m, threshold: null, teams: null };
    }
    if (input.type === 'threshold') {
      if (!input.threshold) throw badRequest('a threshold rule needs threshold settings', [{ field: 'threshold', message: 'required' }]);
      // DTO instances carry absent optional fields as undefined, which must not override a default; nor may
      // null (the validators let it through as "not given"): a null windowMinutes was stored, and the rule
      // then threw at every evaluation (no period of width 0) and never fired.
      const given = Object.fromEntries(Object.entries(input.threshold).filter(([, v]) => v !== undefined && v !== null));
      // The rule fires when the window's negative share is above minShare, and no share is above 1: saved,
      // such a rule could never fire.
      if (input.threshold.minShare >= 1) {
        throw badRequest('threshold.minShare must be below 1: the rule fires when the negative share is above it, and no share is above 1 (0.99 fires when nearly every document is negative)', [
          { field: 'threshold.minShare', message: 'must be below 1' },
        ]);
      }
      return { match: null, threshold: { ...THRESHOLD_DEFAULTS, ...given } as NonNullable<AlertRuleRecord['threshold']>, teams: null };
    }
    return { match: null, threshold: null, teams: input.teams ?? [] };
  }

  async create(tenant: string, input: RuleInput) {
    await this.checkWebhooks(tenant, input.webhookIds);
    const now = new Date();
    const rule: AlertRuleRecord = {
      _id: ulid(),
      tenant,
      name: input.name,
      type: input.type,
      active: input.active ?? true,
      webhookIds: input.webhookIds,
      ...this.shape(input),
      createdAt: now,
      updatedAt: now,
    };
    await this.store.rules.insert(rule);
    return presentRule(rule);
  }

  async list(tenant: string) {
    return (await this.store.rules.list(tenant)).map(presentRule);
  }

  async get(tenant: string, id: string) {
    const rule = await this.store.rules.find(tenant, id);
    if (!rule) throw notFound('rule');
    return rule;
  }

  /** PUT semantics: the rule becomes exactly the given definition. */
  async replace(tenant: string, id: string, input: RuleInput) {
    await this.get(tenant, id);
    await this.checkWebhooks(tenant, input.webhookIds);
    await this.store.rules.replace(tenant, id, {
      name: input.name,
      type: input.type,
      active: input.active ?? true,
      webhookIds: input.webhookIds,
      ...this.shape(input),
      updatedAt: new Date(),
    });
    return presentRule(await this.get(tenant, id));
  }

  async delete(tenant: string, id: string): Promise<void> {
    if (!(await this.store.rules.delete(tenant, id))) throw notFound('rule');
  }

  /**
   * afterTagged hook: per-document rules. Delivery ids hash (rule, document, endpoint), so a re-run sends
   * nothing new. A re-tag (every promotion and rollback re-tags the tenant) is not new feedback: a rule
   * skips documents received before it was created, or a rule made today would alert, at the next
   * promotion, on every old document it matches.
   */
  readonly afterTagged = async (doc: DocumentRecord, tags: TagRecord[]): Promise<void> => {
    await this.evaluateDocument(doc, tags, jobTrigger(doc));
  };

  private async evaluateDocument(doc: DocumentRecord, tags: TagRecord[], trigger: DocumentTrigger): Promise<void> {
    const rules = await this.store.rules.active({ tenant: doc.tenant, type: 'document' });
    for (const rule of rules) {
      if (trigger === 'retag' && new Date(doc.createdAt).getTime() < new Date(rule.createdAt).getTime()) continue;
      const hits = documentMatches(rule.match ?? {}, doc, tags);
      if (!hits) continue;
      await this.webhooks.fire(rule, `document:${doc._id}`, 'rule.document', {
        trigger,
        document: documentSummary(doc),
        tags: (hits.length > 0 ? hits : tags).map(tagSummary),
      });
    }
  }

  /**
   * After a labeler's correction: a security complaint the model missed and a person found is what a
   * document rule exists for, so it fires whenever the document was received (a person's new verdict,
   * not a re-run). Same delivery ids as the job's evaluation, so a rule that already fired for this
   * document (or fires again on a later correction) sends nothing new. Documents never analysed yet are
   * left to their job, which evaluates them with the corrected tags when it finishes (an `ingest`). One a
   * re-tag or retry has queued again is evaluated now: its job's evaluation is a re-tag's, which skips
   * documents received before the rule, so leaving it to the job lost the correction's alert.
   */
  async reevaluate(tenant: string, documentId: string): Promise<void> {
    const [doc] = await this.store.queries.findDocuments({ _id: documentId, tenant }, { _id: 1 }, 1);
    if (!doc || !wasAnalysed(doc)) return;
    await this.evaluateDocument(doc, await this.store.queries.tagsOf([doc._id]), 'correction');
  }

  /** Sliding window [now − W, now) against the trailing baseline before it; at most one alert per aligned period of W. */
  async evaluateThreshold(rule: AlertRuleRecord, now = new Date()): Promise<ThresholdOutcome> {
    const t = rule.threshold!;
    const width = t.windowMinutes * 60_000;
    const end = now;
    const start = new Date(end.getTime() - width);
    const baseStart = new Date(start.getTime() - t.baselineDays * DAY);
    const scope: Filter = { tenant: rule.tenant, ...(t.category ? { category: t.category } : {}), ...(t.channel ? { channel: t.channel } : {}) };
    const win = await this.store.queries.documentShare({ ...scope, at: { $gte: start, $lt: end } });
    const cacheKey = `${new Date(rule.updatedAt).getTime()}:${Math.floor(start.getTime() / BASELINE_REFRESH_MS)}`;
    let base = this.baselines.get(rule._id)?.key === cacheKey ? this.baselines.get(rule._id)!.value : null;
    if (!base) {
      base = await this.store.queries.documentShare({ ...scope, at: { $gte: baseStart, $lt: start } });
      this.baselines.set(rule._id, { key: cacheKey, value: base });
    }
    const share = win.documents > 0 ? win.negative / win.documents : 0;
    const baseShare = base.documents > 0 ? base.negative / base.documents : 0;
    const period = periodStart(now, width).toISOString();
    // A baseline thinner than the window's own minimum is not a rate: one negative document in the
    // trailing week (share 1) would silence the rule for that week, while none at all lets it fire.
    const compare = t.minLift > 0 && base.documents >= t.minDocuments;
    const fired = win.documents >= t.minDocuments && share > t.minShare && (!compare || share > baseShare * t.minLift);
    const outcome: ThresholdOutcome = {
      fired,
      period,
      window: { ...win, share, start, end },
      baseline: { ...base, share: baseShare, start: baseStart, end: start },
    };
    if (fired) {
      await this.webhooks.fire(rule, `period:${period}`, 'rule.threshold', {
        period,
        category: t.category,
        channel: t.channel,
        window: outcome.window,
        baseline: outcome.baseline,
        lift: baseShare > 0 ? share / baseShare : null,
        settings: t,
      });
    }
    return outcome;
  }

  async evaluateThresholds(now = new Date()): Promise<number> {
    let fired = 0;
    for (const rule of await this.store.rules.active({ type: 'threshold' })) {
      try {
        if ((await this.evaluateThreshold(rule, now)).fired) fired++;
      } catch (err) {
        this.logger.error({ ruleId: rule._id, err: String(err) }, 'threshold rule evaluation failed');
      }
    }
    return fired;
  }

  /**
   * Fires sla_breach rules for routed cases past their due time, once per case: the case is marked
   * afterwards, and delivery ids hash (rule, document, endpoint) so a crash in between sends nothing twice.
   */
  async checkSla(now = new Date()): Promise<number> {
    const due = await this.store.queries.findDocuments(
      { 'routing.dueAt': { $lt: now }, 'routing.resolvedAt': null, 'routing.breachNotifiedAt': null },
      { 'routing.dueAt': 1 },
      500,
    );
    const byTenant = new Map<string, AlertRuleRecord[]>();
    for (const doc of due) {
      let rules = byTenant.get(doc.tenant);
      if (!rules) byTenant.set(doc.tenant, (rules = await this.store.rules.active({ tenant: doc.tenant, type: 'sla_breach' })));
      const routing = doc.routing!;
      for (const rule of rules) {
        if (rule.teams?.length && !rule.teams.includes(routing.team)) continue;
        await this.webhooks.fire(rule, `sla:${doc._id}`, 'rule.sla_breach', {
          document: documentSummary(doc),
          // why it is a case and who of the team has it: an alert about a threat nobody picked up reads differently
          routing: {
            team: routing.team,
            priority: routing.priority,
            dueAt: routing.dueAt,
            escalations: routing.escalations,
            openedFor: routing.openedFor ?? 'negative_opinion',
            assignee: routing.assignee ?? null,
          },
          overdueMinutes: Math.floor((now.getTime() - new Date(routing.dueAt).getTime()) / 60_000),
        });
      }
      await this.store.queries.updateRouting({ _id: doc._id, 'routing.breachNotifiedAt': null }, { breachNotifiedAt: now });
    }
    return due.length;
  }
}

export function documentSummary(doc: DocumentRecord) {
  return {
    id: doc._id,
    kind: doc.kind,
    channel: doc.source,
    externalId: doc.externalId,
    customerId: doc.customerId,
    occurredAt: doc.occurredAt,
    createdAt: doc.createdAt,
    sentiment: doc.sentiment,
  };
}

export function tagSummary(t: TagRecord) {
  return { id: t._id, aspect: t.aspect, opinion: t.opinion, polarity: t.polarity, category: t.category, confidence: t.confidence };
}
