import { ApiError, queryString, request, type Page, type Role } from '../api';
import { track } from '../settled';

// Shapes of the admin routes, as src/api/routes (admin-, privacy-, actions-routes) and their
// presenters answer them.

export const ROLES: Role[] = ['ingest', 'analyst', 'labeler', 'admin'];

export interface ApiKey {
  id: string;
  name: string;
  tenant: string;
  roles: Role[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** POST /v1/api-keys: the key itself is in this answer only. */
export interface CreatedKey extends ApiKey {
  /** Null when the answer is a replay: the server does not keep a new key's secret to repeat it. */
  key: string | null;
  keyWithheld?: boolean;
}

export type PiiPolicy = 'mask' | 'hash' | 'keep';

export interface TenantSettings {
  piiPolicy: PiiPolicy;
  retentionDays: number | null;
}

export interface Webhook {
  id: string;
  url: string;
  description: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** POST /v1/webhooks and PATCH with rotateSecret: the signing secret is in this answer only. */
export interface WebhookWithSecret extends Webhook {
  secret?: string;
}

export type DeliveryEvent = 'rule.document' | 'rule.threshold' | 'rule.sla_breach' | 'test';

export interface Delivery {
  id: string;
  endpointId: string;
  ruleId: string | null;
  event: DeliveryEvent;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

export type RuleType = 'document' | 'threshold' | 'sla_breach';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];

export interface RuleMatch {
  categories?: string[];
  aspects?: string[];
  polarities?: ('positive' | 'negative' | 'neutral')[];
  channels?: string[];
  keywords?: string[];
}

export interface RuleThreshold {
  category: string | null;
  channel: string | null;
  windowMinutes: number;
  minDocuments: number;
  minShare: number;
  baselineDays: number;
  minLift: number;
}

export interface Rule {
  id: string;
  name: string;
  type: RuleType;
  active: boolean;
  webhookIds: string[];
  match: RuleMatch | null;
  threshold: RuleThreshold | null;
  teams: string[] | null;
  createdAt: string;
  updatedAt: string;
}

/** The body of POST /v1/rules and PUT /v1/rules/:id (RuleDto). */
export interface RuleBody {
  name: string;
  type: RuleType;
  active: boolean;
  webhookIds: string[];
  match?: RuleMatch;
  /** Numbers as typed: a box that does not read as one goes as text, and the API names the field. */
  threshold?: { [K in keyof RuleThreshold]?: unknown };
  teams?: string[];
}

export interface RoutingEntry {
  categories: string[];
  keywords: string[];
  team: string;
  slaHours: number;
  priority: Priority;
}

export interface RoutingTable {
  entries: RoutingEntry[];
  defaultTeam: string;
  defaultSlaHours: number;
  escalationWords: string[];
  surveyCases: SurveyCases;
  updatedAt: string;
}

/** Which scored survey answers a negative opinion makes a case of (docs/actions.md, Complaint routing). */
export const SURVEY_CASES = ['any_negative', 'detractors', 'detractors_and_passives'] as const;
export type SurveyCases = (typeof SURVEY_CASES)[number];

export interface ErasureResult {
  customerId?: string;
  id?: string;
  deleted: { documents: number; tags: number };
  models: { withdrawn: string[]; active: string | null; retrainJob: string | null };
}

/** The tenant's lexicon additions (GET and PUT /v1/taxonomy `overrides`). */
export interface LexiconOverrides {
  /** term → category id */
  aspects: Record<string, string>;
  /** term → strength, non-zero in [-2, 2] */
  sentiment: Record<string, number>;
}

export interface TaxonomyWithOverrides {
  version: string;
  categories: { id: string; zh: string; en: string }[];
  overrides: LexiconOverrides;
}

export interface SuggestionExample {
  documentId: string;
  tagId: string;
  opinion: string;
  sentence: string;
}

export interface SentimentSuggestion {
  word: string;
  score: 1 | -1;
  count: number;
  conflicting: boolean;
  category: string;
  examples: SuggestionExample[];
}

export interface AspectSuggestion {
  term: string;
  category: string;
  count: number;
  conflicting: boolean;
  examples: SuggestionExample[];
}

/** GET /v1/taxonomy/suggestions (src/services/lexicon-suggestions.ts). */
export interface LexiconSuggestions {
  sentiment: SentimentSuggestion[];
  aspects: AspectSuggestion[];
  addedTags: number;
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  at: string;
}

function randomKey(): string {
  // crypto.randomUUID exists only in secure contexts; a console served over plain http on an intranet
  // address is not one, but getRandomValues works everywhere.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * One Idempotency-Key per thing the admin means to create. The same request sent again (a double
 * click, or 重试 after an answer that never arrived) carries the same key, so the server runs it
 * once and replays its answer; once the server has answered, or the form says something else, the
 * next request is a new intent with a new key (the server would refuse a reused key with another body).
 */
export class Intent {
  private key: string | null = null;
  private body = '';

  keyFor(body: unknown): string {
    const b = JSON.stringify(body ?? null);
    if (this.key === null || b !== this.body) {
      this.key = randomKey();
      this.body = b;
    }
    return this.key;
  }

  answered(): void {
    this.key = null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A POST under the intent's Idempotency-Key. While the first request with the key is still running
 * the server answers 409 idempotency_in_progress; this waits and asks again, and gets that request's
 * answer. A network failure keeps the key for the retry; any answer from the server ends the intent. In
 * flight for the page's settled signal (settled.ts) while it waits to ask again too.
 */
function post<T>(path: string, body: unknown, intent: Intent): Promise<T> {
  return track(postAsking<T>(path, body, intent));
}

async function postAsking<T>(path: string, body: unknown, intent: Intent): Promise<T> {
  const key = intent.keyFor(body);
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await request<T>('POST', path, body, undefined, { 'Idempotency-Key': key });
      intent.answered();
      return out;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'idempotency_in_progress' && attempt < 20) {
        await sleep(1000);
        continue;
      }
      if (e instanceof ApiError) intent.answered();
      throw e;
    }
  }
}

const id = encodeURIComponent;

export const adminApi = {
  /** One tenant's keys: the caller's, or (the platform key only) the one named. */
  keys: (tenant?: string) => request<{ items: ApiKey[] }>('GET', `/v1/api-keys${queryString({ tenant })}`),
  createKey: (body: { name: string; roles: Role[]; tenant?: string }, intent: Intent) => post<CreatedKey>('/v1/api-keys', body, intent),
  revokeKey: (keyId: string) => request<void>('DELETE', `/v1/api-keys/${id(keyId)}`),

  settings: () => request<TenantSettings>('GET', '/v1/tenant/settings'),
  saveSettings: (body: { piiPolicy: PiiPolicy; retentionDays: unknown }) => request<TenantSettings>('PUT', '/v1/tenant/settings', body),

  webhooks: () => request<{ items: Webhook[] }>('GET', '/v1/webhooks'),
  createWebhook: (body: { url: string; description?: string; active: boolean }, intent: Intent) => post<WebhookWithSecret>('/v1/webhooks', body, intent),
  updateWebhook: (webhookId: string, body: { url?: string; description?: string | null; active?: boolean; rotateSecret?: boolean }) =>
    request<WebhookWithSecret>('PATCH', `/v1/webhooks/${id(webhookId)}`, body),
  deleteWebhook: (webhookId: string) => request<void>('DELETE', `/v1/webhooks/${id(webhookId)}`),
  deliveries: (webhookId: string, cursor: string | null, limit = 20) =>
    request<Page<Delivery>>('GET', `/v1/webhooks/${id(webhookId)}/deliveries${queryString({ limit, cursor })}`),
  /** A failed delivery sent again; the server refuses (409) one that is no longer failed, so a repeat changes nothing. */
  redeliver: (webhookId: string, deliveryId: string) => request<{ deliveryId: string }>('POST', `/v1/webhooks/${id(webhookId)}/deliveries/${id(deliveryId)}/retry`),
  testWebhook: (webhookId: string, intent: Intent) => post<{ deliveryId: string }>(`/v1/webhooks/${id(webhookId)}/test`, undefined, intent),

  rules: () => request<{ items: Rule[] }>('GET', '/v1/rules'),
  createRule: (body: RuleBody, intent: Intent) => post<Rule>('/v1/rules', body, intent),
  replaceRule: (ruleId: string, body: RuleBody) => request<Rule>('PUT', `/v1/rules/${id(ruleId)}`, body),
  deleteRule: (ruleId: string) => request<void>('DELETE', `/v1/rules/${id(ruleId)}`),

  routing: () => request<RoutingTable>('GET', '/v1/routing'),
  saveRouting: (body: unknown) => request<RoutingTable>('PUT', '/v1/routing', body),

  taxonomy: () => request<TaxonomyWithOverrides>('GET', '/v1/taxonomy'),
  lexiconSuggestions: () => request<LexiconSuggestions>('GET', '/v1/taxonomy/suggestions'),
  /** Replaces the tenant's additions with these maps. */
  saveLexicon: (body: LexiconOverrides) => request<TaxonomyWithOverrides>('PUT', '/v1/taxonomy', body),
  /** Every document of the tenant, listed as a re-tag after a lexicon change; under an intent so a retry after a lost answer does not start a second job. */
  startRetag: (intent: Intent) => post<{ id: string; total: number }>('/v1/retag-jobs', { reason: 'lexicon' }, intent),

  eraseCustomer: (customerId: string) => request<ErasureResult>('DELETE', `/v1/customers/${id(customerId)}`),
  eraseDocument: (documentId: string) => request<ErasureResult>('DELETE', `/v1/documents/${id(documentId)}`),

  audit: (q: { action?: string; cursor?: string | null; limit?: number }) =>
    request<Page<AuditEntry>>('GET', `/v1/audit${queryString({ action: q.action, cursor: q.cursor, limit: q.limit })}`),
};

/** A rule as the body PUT /v1/rules/:id takes back, with only its webhook ids changed. */
export function ruleBody(r: Rule, webhookIds: string[]): RuleBody {
  const body: RuleBody = { name: r.name, type: r.type, active: r.active, webhookIds };
  if (r.type === 'document' && r.match) body.match = r.match;
  if (r.type === 'threshold' && r.threshold) {
    const { category, channel, ...rest } = r.threshold;
    body.threshold = { ...rest, ...(category ? { category } : {}), ...(channel ? { channel } : {}) };
  }
  if (r.type === 'sla_breach' && r.teams) body.teams = r.teams;
  return body;
}
