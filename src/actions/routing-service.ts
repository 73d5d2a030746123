import { badRequest, notFound } from '../errors.js';
import type { Filter } from '../store/collection.js';
import type { CasePriority, CaseRouting, DocumentRecord, RoutingEntry, RoutingTableRecord, SurveyCases, TagRecord } from '../store/records.js';
import { wasAnalysed } from '../store/documents-repository.js';
import type { ActionsStore } from './actions-store.js';
import { escalationThreats } from './escalation-intent.js';
import { scoreClass } from './insights.js';
import { customerParts } from '../nlp/customer-parts.js';
import { customerText, findWords } from './text.js';

export const PRIORITIES: readonly CasePriority[] = ['low', 'normal', 'high', 'urgent'];
export const DEFAULT_ESCALATION_WORDS = ['投诉', '曝光', '起诉', '12315', '举报', '银保监', '消协', '媒体', '律师'];
/** Every negative answer is a case: what tables said before the setting existed, and what one left out says. */
const DEFAULT_SURVEY_CASES: SurveyCases = 'any_negative';
const HOUR = 3_600_000;
/** `GET /v1/cases?assignee=none`: the cases nobody is assigned to; so no person may be called that. */
export const UNASSIGNED = 'none';

export function defaultRoutingTable(tenant: string): RoutingTableRecord {
  return { _id: tenant, entries: [], defaultTeam: 'customer-care', defaultSlaHours: 24, escalationWords: DEFAULT_ESCALATION_WORDS, surveyCases: DEFAULT_SURVEY_CASES, updatedAt: new Date(0) };
}

export const presentRouting = (t: RoutingTableRecord) => ({
  entries: t.entries,
  defaultTeam: t.defaultTeam,
  defaultSlaHours: t.defaultSlaHours,
  escalationWords: t.escalationWords,
  surveyCases: t.surveyCases ?? DEFAULT_SURVEY_CASES,
  updatedAt: t.updatedAt,
});

/**
 * Whether a negative opinion makes this document a case under the tenant's `surveyCases`. Only a survey answer
 * with its score is ever held back: a promoter's 很满意，就是价格有点贵 is the praise of someone who will come back,
 * and calling them about the price takes an agent from the detractors. Comments, transcripts and posts, and an
 * answer without a score, say nothing of how the customer rates us, so they stay cases as before. The groups are
 * the ones a score means everywhere else (insights.ts scoreClass: NPS 0-6 / 7-8 / 9-10, CSAT 1-2 / 3 / 4-5).
 */
function opinionOpensCase(policy: SurveyCases | undefined, doc: DocumentRecord): boolean {
  if (!policy || policy === 'any_negative' || doc.kind !== 'survey' || typeof doc.score !== 'number' || !doc.scale) return true;
  const group = scoreClass(doc.score, doc.scale);
  return group < 0 || (group === 0 && policy === 'detractors_and_passives');
}

/**
 * The routing decision for one document, or null when it is no case. A document is a case when it has a
 * negative opinion (a scored survey answer only when its score is in the groups `surveyCases` names), or when the customer threatens to escalate (escalation-intent.ts: 我要投诉你们, 再不退款我就去
 * 银保监会举报), which carries no opinion tag; a mere mention (我之前投诉的理赔今天到账了, 在App上投诉有用吗) is
 * none. `openedFor` says which. The first table entry whose keywords appear in the customer's text or whose
 * categories include a negative tag's category wins; otherwise the default team. Any escalation word raises
 * the priority one level, so a threat alone is a `high` case at the default team. The SLA clock starts when
 * we received the document (createdAt), not when it happened: an imported backlog should not arrive already
 * overdue.
 */
export function routeDocument(table: RoutingTableRecord, doc: DocumentRecord, tags: TagRecord[], now: Date): Omit<CaseRouting, 'routedAt' | 'resolvedAt' | 'breachNotifiedAt' | 'assignee'> | null {
  const negative = tags.filter((t) => t.polarity === 'negative');
  const text = customerText(doc);
  const escalations = findWords(text, table.escalationWords);
  const forOpinion = negative.length > 0 && opinionOpensCase(table.surveyCases, doc);
  // read only when it decides: a document its negative opinion makes a case is one whatever its words say; a
  // promoter the survey setting keeps out (再不处理我就投诉到工信部 after a 9) still threatens
  const threatened = !forOpinion && escalations.length > 0 && escalationThreats(text, escalations).length > 0;
  if (!forOpinion && !threatened) return null;
  const categories = new Set<string>(negative.map((t) => t.category));
  const index = table.entries.findIndex((e) => findWords(text, e.keywords).length > 0 || e.categories.some((c) => categories.has(c)));
  const entry: RoutingEntry | null = index >= 0 ? table.entries[index]! : null;
  const base = PRIORITIES.indexOf(entry?.priority ?? 'normal');
  const priority = PRIORITIES[Math.min(PRIORITIES.length - 1, base + (escalations.length > 0 ? 1 : 0))]!;
  const slaHours = entry?.slaHours ?? table.defaultSlaHours;
  const received = doc.createdAt ? new Date(doc.createdAt) : now;
  return {
    team: entry?.team ?? table.defaultTeam,
    dueAt: new Date(received.getTime() + slaHours * HOUR),
    priority,
    escalations,
    openedFor: forOpinion ? 'negative_opinion' : 'escalation_threat',
    entry: index >= 0 ? index : null,
  };
}

interface CaseCursor {
  d: string;
  i: string;
}

export class RoutingService {
  constructor(private readonly store: ActionsStore) {}

  async table(tenant: string): Promise<RoutingTableRecord> {
    return (await this.store.routing.find(tenant)) ?? defaultRoutingTable(tenant);
  }

  async replace(tenant: string, input: Omit<RoutingTableRecord, '_id' | 'updatedAt' | 'escalationWords' | 'surveyCases'> & { escalationWords?: string[]; surveyCases?: SurveyCases }): Promise<RoutingTableRecord> {
    const record: RoutingTableRecord = {
      _id: tenant,
      entries: input.entries.map((e) => ({ categories: e.categories ?? [], keywords: e.keywords ?? [], team: e.team, slaHours: e.slaHours, priority: e.priority ?? 'normal' })),
      defaultTeam: input.defaultTeam,
      defaultSlaHours: input.defaultSlaHours,
      escalationWords: input.escalationWords ?? DEFAULT_ESCALATION_WORDS,
      // a PUT replaces the whole table: left out, it is the default again, as escalationWords are
      surveyCases: input.surveyCases ?? DEFAULT_SURVEY_CASES,
      updatedAt: new Date(),
    };
    record.entries.forEach((e, i) => {
      if (e.categories.length === 0 && e.keywords.length === 0) {
        throw badRequest(`entry ${i} needs categories or keywords`, [{ field: `entries[${i}]`, message: 'matches nothing' }]);
      }
    });
    await this.store.routing.save(record);
    return record;
  }

  /** afterTagged hook. Recomputed on every run; resolution and breach marks survive a re-tag that keeps the case. */
  readonly afterTagged = async (doc: DocumentRecord, tags: TagRecord[]): Promise<void> => {
    const now = new Date();
    const decision = routeDocument(await this.table(doc.tenant), doc, tags, now);
    if (!decision) {
      if (doc.routing) await this.store.queries.closeRouting(doc._id);
      return;
    }
    await this.store.queries.applyRouting(doc._id, decision, now);
  };

  /**
   * After a labeler's correction: the case follows the reviewed tags as it follows a re-tag. A
   * document whose negative opinions were all removed or turned positive stops being a complaint
   * (no SLA breach for it); one whose category was corrected moves to that category's team.
   * Documents never analysed yet are left to their job, which routes them when it finishes. One a re-tag or
   * retry has queued again takes corrections (on the tags it holds) and is re-routed now: its job may be hours
   * away when a promotion re-tags a large tenant.
   */
  async reroute(tenant: string, documentId: string): Promise<void> {
    const [doc] = await this.store.queries.findDocuments({ _id: documentId, tenant }, { _id: 1 }, 1);
    if (!doc || !wasAnalysed(doc)) return;
    await this.afterTagged(doc, await this.store.queries.tagsOf([doc._id]));
  }

  async cases(
    tenant: string,
    q: { team?: string; overdue?: boolean; status?: 'open' | 'resolved'; priority?: CasePriority; assignee?: string; limit: number; cursor?: string },
    now = new Date(),
  ) {
    // Only an open case can be overdue (resolving one stops its SLA clock), so this pair always answered an
    // empty page, read as "no resolved case was late" rather than as a question that cannot match.
    if (q.overdue === true && q.status === 'resolved') {
      throw badRequest('overdue=true cannot be combined with status=resolved: only open cases can be overdue (resolving a case stops its SLA clock); use status=open or leave overdue out', [
        { field: 'overdue', message: 'only open cases can be overdue' },
      ]);
    }
    const filter: Filter = { tenant, 'routing.team': q.team ?? { $exists: true } };
    const and: Filter[] = [];
    if (q.priority) filter['routing.priority'] = q.priority;
    if (q.assignee !== undefined) {
      const who = q.assignee.trim();
      // cases routed before assignees existed have no field at all
      if (who.toLowerCase() === UNASSIGNED) and.push({ $or: [{ 'routing.assignee': null }, { 'routing.assignee': { $exists: false } }] });
      else filter['routing.assignee'] = who;
    }
    if (q.status === 'open') filter['routing.resolvedAt'] = null;
    if (q.status === 'resolved') and.push({ 'routing.resolvedAt': { $ne: null } }, { 'routing.resolvedAt': { $exists: true } });
    if (q.overdue === true) {
      filter['routing.resolvedAt'] = null;
      and.push({ 'routing.dueAt': { $lt: now } });
    }
    if (q.overdue === false) and.push({ $or: [{ 'routing.dueAt': { $gte: now } }, { 'routing.resolvedAt': { $ne: null } }] });
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      and.push({ $or: [{ 'routing.dueAt': { $gt: new Date(c.d) } }, { 'routing.dueAt': new Date(c.d), _id: { $gt: c.i } }] });
    }
    if (and.length > 0) filter.$and = and;
    const docs = await this.store.queries.findDocuments(filter, { 'routing.dueAt': 1, _id: 1 }, q.limit + 1);
    const page = docs.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((d) => presentCase(d, now)),
      nextCursor: docs.length > q.limit && last ? Buffer.from(JSON.stringify({ d: new Date(last.routing!.dueAt).toISOString(), i: last._id })).toString('base64url') : null,
    };
  }

  /**
   * Whom a case can go to: the given names (the tenant's people, as their keys name them) and everyone open
   * cases are assigned to now (people without a key of their own, named by whoever assigned them), each with
   * how many open cases they hold, so whoever assigns sees who is free. Sorted by name, in Chinese order.
   */
  async assignees(tenant: string, people: string[]): Promise<{ name: string; openCases: number }[]> {
    const held = await this.store.queries.openCasesByAssignee(tenant);
    const names = new Set([...people.map((n) => n.trim()).filter((n) => n !== '' && n.toLowerCase() !== UNASSIGNED), ...held.keys()]);
    return [...names].sort((a, b) => a.localeCompare(b, 'zh-CN')).map((name) => ({ name, openCases: held.get(name) ?? 0 }));
  }

  /**
   * Sets (a trimmed name) or clears (null) the case's assignee. `changed` is false when it already was that,
   * so a repeat writes and audits nothing; `previous` is who it was.
   */
  async assign(tenant: string, id: string, assignee: string | null, now = new Date()) {
    if (assignee !== null && assignee.toLowerCase() === UNASSIGNED) {
      throw badRequest(`"${UNASSIGNED}" is reserved: GET /v1/cases?assignee=${UNASSIGNED} lists the unassigned cases; send null to unassign`, [
        { field: 'assignee', message: `"${UNASSIGNED}" is reserved` },
      ]);
    }
    const [doc] = await this.store.queries.findDocuments({ _id: id, tenant, 'routing.team': { $exists: true } }, { _id: 1 }, 1);
    if (!doc) throw notFound('case');
    const previous = doc.routing!.assignee ?? null;
    if (previous === assignee) return { case: presentCase(doc, now), changed: false, previous };
    const updated = await this.store.queries.updateRouting({ _id: id, tenant, 'routing.team': { $exists: true } }, { assignee });
    if (!updated) throw notFound('case');
    return { case: presentCase(updated, now), changed: true, previous };
  }

  /**
   * Idempotent: resolving a resolved case keeps the time it was first closed. `resolved` says whether this
   * call closed it (false for a repeat), so only the call that did is audited.
   */
  async resolve(tenant: string, id: string, now = new Date()) {
    const closed = await this.store.queries.updateRouting({ _id: id, tenant, 'routing.team': { $exists: true }, 'routing.resolvedAt': null }, { resolvedAt: now });
    const doc = closed ?? (await this.store.queries.findDocuments({ _id: id, tenant, 'routing.team': { $exists: true } }, { _id: 1 }, 1))[0];
    if (!doc) throw notFound('case');
    return { case: presentCase(doc, now), resolved: closed !== null };
  }
}

function decodeCursor(raw: string): CaseCursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as CaseCursor;
    if (typeof c.d === 'string' && typeof c.i === 'string' && !Number.isNaN(Date.parse(c.d))) return c;
  } catch {
    /* fall through */
  }
  throw badRequest('cursor is not valid; pass the nextCursor of a previous page', [{ field: 'cursor', message: 'invalid cursor' }]);
}

const EXCERPT_CHARS = 60;

/**
 * The customer's own words, cut after EXCERPT_CHARS code points: what a case list shows of each case. Carried in
 * the case so that a page of 50 cases does not need 50 document requests to say what they are about.
 */
function excerptOf(d: DocumentRecord): string {
  const own = customerParts({ kind: d.kind, ...(d.text !== null ? { text: d.text } : {}), ...(d.turns ? { turns: d.turns } : {}) });
  const chars = [...own.map((p) => p.text.trim()).filter(Boolean).join(' ')];
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join('')}…` : chars.join('');
}

export function presentCase(d: DocumentRecord, now: Date) {
  const r = d.routing!;
  return {
    documentId: d._id,
    externalId: d.externalId,
    channel: d.source,
    kind: d.kind,
    customerId: d.customerId,
    occurredAt: d.occurredAt,
    createdAt: d.createdAt,
    sentiment: d.sentiment,
    team: r.team,
    priority: r.priority,
    dueAt: r.dueAt,
    escalations: r.escalations,
    // cases stored before 2026-11-30 were all opened for a negative opinion
    openedFor: r.openedFor ?? 'negative_opinion',
    routedAt: r.routedAt,
    resolvedAt: r.resolvedAt,
    breachNotifiedAt: r.breachNotifiedAt,
    assignee: r.assignee ?? null,
    excerpt: excerptOf(d),
    overdue: r.resolvedAt === null && new Date(r.dueAt).getTime() < now.getTime(),
  };
}
