import { track } from './settled';
import { dayIn } from './time';
export type Role = 'ingest' | 'analyst' | 'labeler' | 'admin';
export type Polarity = 'positive' | 'negative' | 'neutral';
export type Kind = 'comment' | 'transcript' | 'social' | 'survey';
export type Scale = 'nps' | 'csat';
export type Speaker = 'customer' | 'agent' | 'system';

export interface Me {
  id: string;
  name?: string;
  tenant: string;
  roles: Role[];
  /** The platform (bootstrap) admin key: it alone may manage other tenants' keys (absent from older servers). */
  platform?: boolean;
  /** The service's TIME_ZONE: times are shown in it (time.ts). */
  timeZone?: string;
}

export interface Category {
  id: string;
  zh: string;
  en: string;
}

export interface Taxonomy {
  version: string;
  categories: Category[];
}

export interface Span {
  start: number;
  end: number;
}

export interface Tag {
  id: string;
  documentId: string;
  aspect: string | null;
  opinion: string;
  label: string;
  polarity: Polarity;
  category: string;
  span: Span;
  sentence: string;
  turnIndex?: number | null;
  confidence: number;
  source: 'model' | 'rule' | 'human';
  modelVersion: string;
  createdAt: string;
  occurredAt?: string | null;
  kind: Kind;
  channel: string;
}

export interface Turn {
  speaker: Speaker;
  text: string;
}

export interface Doc {
  id: string;
  kind: Kind;
  source: string;
  externalId: string;
  text: string | null;
  turns: Turn[] | null;
  normalizedText: string;
  status: 'queued' | 'processing' | 'done' | 'failed';
  /** When its tags were last written; set on a document queued again (a re-tag), whose tags stay until then. */
  processedAt: string | null;
  error: string | null;
  sentiment: string | null;
  reviewed: boolean;
  customerId: string | null;
  occurredAt: string | null;
  createdAt: string;
  question?: string | null;
  score?: number | null;
  scale?: Scale | null;
  tags: Tag[];
  /** What the tags are now (served with them): sent back with corrections, so tags changed since loading refuse them. */
  tagsVersion?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** Every row the filters match, on lists asked with withTotal=true (tags, documents, labeling queue). */
  total?: number;
}

export interface Counts {
  positive: number;
  negative: number;
  neutral: number;
  total: number;
}

export interface Summary {
  byCategory: (Counts & { category: string })[];
  byDay: (Counts & { day: string })[];
  byChannel: (Counts & { channel: string })[];
  topNegativeAspects: { aspect: string; category: string; count: number }[];
}

export interface ScoreSummary {
  n: number;
  promoters?: number;
  passives?: number;
  detractors?: number;
  nps?: number | null;
  satisfied?: number;
  neutral?: number;
  dissatisfied?: number;
  csat?: number | null;
  mean?: number | null;
  ci95: [number, number] | null;
}

export interface ScoreTrend {
  scale: Scale;
  interval: 'day' | 'week' | 'month';
  overall: ScoreSummary;
  /** answers with a comment: the only ones drivers read themes from */
  commented: number;
  series: (ScoreSummary & { period: string })[];
}

export interface DriverRow {
  category?: string;
  aspect?: string;
  n: number;
  detractorShare: number | null;
  promoterShare: number | null;
  meanScoreWith: number | null;
  meanScoreWithout: number | null;
  npsImpact: number | null;
  /** Set on CSAT drivers (scale=csat), null on NPS ones; npsImpact the other way round. */
  csatImpact?: number | null;
  lowSample: boolean;
}

export interface Drivers {
  overall: ScoreSummary;
  minCount: number;
  categories: (DriverRow & { category: string })[];
  aspects: (DriverRow & { aspect: string })[];
}

export interface Touchpoint {
  documentId: string;
  at: string;
  kind: Kind;
  channel: string;
  status: string;
  sentiment: string | null;
  tags: number;
  positive: number;
  negative: number;
  score: number | null;
  emotion: number | null;
  /** the NPS or CSAT answer this touchpoint carried */
  survey: { score: number; scale: Scale } | null;
}

export interface Journey {
  customerId: string;
  method: { window: number; halfLifeTouchpoints: number; churnThreshold: number };
  touchpoints: Touchpoint[];
  emotion: number;
  churnRisk: boolean;
}

export interface KpiShare {
  negative: number;
  total: number;
  share: number | null;
}

export interface Kpi {
  period: { from: string; to: string };
  previousPeriod: { from: string; to: string };
  categories: {
    category: string;
    current: KpiShare;
    previous: KpiShare;
    change: number | null;
    z: number | null;
    pValue: number | null;
    significant: boolean;
    /** The test behind pValue: the two-proportion z-test, or Fisher's exact test on small samples (absent from older servers). */
    test?: 'z' | 'fisher' | null;
  }[];
}

export type TrainPhase = 'queued' | 'collect' | 'features' | 'cross-validate' | 'fit' | 'evaluate' | 'save' | 'done' | 'failed';

export interface TrainJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  phase: TrainPhase | string;
  percent: number;
  version: string | null;
  /** Why it failed, in English, for operators. */
  error: string | null;
  /** Why it failed, as a stable code (docs/retrain.md); null unless failed, and for jobs that failed before codes were kept. */
  errorCode?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Scores are 0..1; null when the slice is empty. */
export interface ModelMetrics {
  regression: {
    n: number;
    sentimentAccuracy: number | null;
    categoryAccuracy: number | null;
    categoryMacroF1: number | null;
    overall: number | null;
  };
  corrections: { n: number; sentimentAccuracy: number | null; categoryAccuracy: number | null; overall: number | null };
  /** Corrections plus the tags labelers confirmed; absent on versions trained before it existed. */
  reviewed?: { n: number; sentimentAccuracy: number | null; categoryAccuracy: number | null; overall: number | null };
}

export type GateReasonCode = 'no_corrections' | 'only_added' | 'corrections_not_better' | 'reviewed_not_better' | 'reviewed_fell' | 'regression_overall_fell' | 'regression_task_fell';

export interface ModelVersion {
  version: string;
  parent: string;
  active: boolean;
  /** withdrawn: an erasure deleted documents whose corrections it learned from, and its weights with them */
  status: 'candidate' | 'active' | 'retired' | 'withdrawn';
  /** absent from older servers */
  withdrawnAt?: string | null;
  createdAt: string;
  createdBy: string;
  /** addedNotGated: added tags trained on but left out of the gate (absent from older servers). */
  counts: { baseExamples: number; corrections: number; sentimentExamples: number; categoryExamples: number; addedNotGated?: number };
  metrics: ModelMetrics;
  parentMetrics: ModelMetrics | null;
  gate: {
    passes: boolean;
    reasons: string[];
    /** The same reasons as code + params (absent from older servers; code null on older versions). */
    details?: { field: string; code: GateReasonCode | null; params: Record<string, string | number> }[];
    /** The verdict no longer applies: promotion would be refused (the parent is no longer active, or the base model changed). Absent from older servers. */
    stale?: boolean;
    staleReason?: string | null;
  };
  promotedAt: string | null;
  promotedBy: string | null;
}

export interface ModelList {
  base: string;
  active: string;
  versions: ModelVersion[];
  /** Unfinished training jobs of the tenant, oldest first (absent from older servers). */
  training?: TrainJob[];
}

export interface PromoteResult {
  active: string;
  previous: string;
  retagJob: { id: string; total: number } | null;
}

export interface RetagProgress {
  id: string;
  /** cancelled: an admin stopped it; `done` is then what was re-tagged before. */
  status: 'running' | 'done' | 'cancelled';
  total: number;
  done: number;
  failed: number;
}

/** What a re-tag job was started for (null: started before the server kept it). */
export interface RetagReason {
  kind: 'manual' | 'lexicon' | 'promote' | 'rollback';
  /** promote and rollback: the version made active, and the one active before. */
  version: string | null;
  previous: string | null;
}

/** An item of GET /v1/retag-jobs (GET /v1/retag-jobs/:id answers the same). */
export interface RetagJob extends RetagProgress {
  filter: { channel?: string; kind?: Kind; from?: string; to?: string };
  createdAt: string;
  /** The id of the key that started it. */
  createdBy: string;
  reason: RetagReason | null;
}

export type Action =
  | { op: 'accept' }
  | { op: 'update'; tagId: string; polarity?: Polarity; category?: string; aspect?: string | null }
  | { op: 'delete'; tagId: string }
  | {
      op: 'add';
      span: Span;
      turnIndex?: number;
      aspect?: string | null;
      polarity: Polarity;
      category: string;
    };

export interface ErrorDetail {
  field?: string;
  message?: string;
  /** Gate refusals carry the reason's code and params, like GET /v1/models gate.details. */
  code?: GateReasonCode | string | null;
  params?: Record<string, string | number>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Set on 500s: the id the server logged the failure under. */
    readonly errorId?: string,
  ) {
    super(message);
  }
}

/** A correction refused because the document's tags changed since it was shown (a re-tag, another labeler). */
export const isStaleTags = (e: unknown): boolean => e instanceof ApiError && e.status === 409 && e.details.some((d) => d.field === 'tagsVersion');

const KEY_STORAGE = 'guandian.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

// Sign-out must happen from wherever a 401 surfaces, so the app registers one listener here; it gets the
// error, so the sign-in page can say why the session ended.
let onUnauthorized: ((error: ApiError) => void) | null = null;
export function setUnauthorizedHandler(fn: ((error: ApiError) => void) | null): void {
  onUnauthorized = fn;
}

export type Query = Record<string, string | number | undefined | null>;

export function queryString(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** `extra`: more request headers (the admin pages' Idempotency-Key). In flight for the page's settled signal (settled.ts) until its body is read. */
export function request<T>(method: string, path: string, body?: unknown, key = storedKey(), extra: Record<string, string> = {}): Promise<T> {
  return track(send<T>(method, path, body, key, extra));
}

async function send<T>(method: string, path: string, body: unknown, key: string | null, extra: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extra };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw await apiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The API's {error:{code,message,details,errorId}} body as an ApiError; signs out on a 401. */
async function apiError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || code;
  let details: ErrorDetail[] = [];
  let errorId: string | undefined;
  try {
    const j = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown; errorId?: unknown } };
    if (j.error?.code) code = j.error.code;
    if (j.error?.message) message = j.error.message;
    if (Array.isArray(j.error?.details)) details = j.error.details as ErrorDetail[];
    if (typeof j.error?.errorId === 'string') errorId = j.error.errorId;
  } catch {
    // Non-JSON error bodies (proxies, HTML 404s) keep the status text.
  }
  const error = new ApiError(res.status, code, message, details, errorId);
  if (res.status === 401 && onUnauthorized) onUnauthorized(error);
  return error;
}

export const api = {
  me: (key?: string) => request<Me>('GET', '/v1/me', undefined, key ?? storedKey()),
  taxonomy: () => request<Taxonomy>('GET', '/v1/taxonomy'),
  documents: (q: Query) => request<Page<Doc>>('GET', `/v1/documents${queryString(q)}`),
  document: (id: string) => request<Doc>('GET', `/v1/documents/${encodeURIComponent(id)}`),
  ingest: (body: unknown) => request<{ id: string; status: string }>('POST', '/v1/documents', body),
  tags: (q: Query) => request<Page<Tag>>('GET', `/v1/tags${queryString(q)}`),
  summary: (q: Query) => request<Summary>('GET', `/v1/stats/summary${queryString(q)}`),
  queue: (q: Query) => request<Page<Doc>>('GET', `/v1/labeling/queue${queryString(q)}`),
  /** `tagsVersion`: the document's as it was shown; the server refuses the actions (409, isStaleTags) if its tags changed since. */
  correct: (id: string, actions: Action[], tagsVersion?: string) =>
    request<Doc>('POST', `/v1/documents/${encodeURIComponent(id)}/corrections`, { actions, ...(tagsVersion ? { tagsVersion } : {}) }),
  /** Undoes the latest correction of the tag still in effect, putting the tag (and the document's review) back as it was. */
  revertCorrection: (id: string, tagId: string) =>
    request<Doc>('POST', `/v1/documents/${encodeURIComponent(id)}/corrections/revert`, { tagId }),
  nps: (q: Query) => request<ScoreTrend>('GET', `/v1/stats/nps${queryString(q)}`),
  drivers: (q: Query) => request<Drivers>('GET', `/v1/stats/drivers${queryString(q)}`),
  journey: (customerId: string) => request<Journey>('GET', `/v1/customers/${encodeURIComponent(customerId)}/journey`),
  kpi: (q: Query) => request<Kpi>('GET', `/v1/stats/kpi${queryString(q)}`),
  patchTag: (id: string, body: { polarity?: Polarity; category?: string; aspect?: string | null }) =>
    request<Tag>('PATCH', `/v1/tags/${encodeURIComponent(id)}`, body),
  models: () => request<ModelList>('GET', '/v1/models'),
  trainModel: () => request<{ id: string; status: string }>('POST', '/v1/models/train', {}),
  trainJob: (id: string) => request<TrainJob>('GET', `/v1/models/jobs/${encodeURIComponent(id)}`),
  promoteModel: (version: string) =>
    request<PromoteResult>('POST', `/v1/models/${encodeURIComponent(version)}/promote`, { retag: true }),
  rollbackModel: () => request<PromoteResult>('POST', '/v1/models/rollback', { retag: true }),
  retagJob: (id: string) => request<RetagProgress>('GET', `/v1/retag-jobs/${encodeURIComponent(id)}`),
  /** The tenant's re-tag jobs, newest first (admin). */
  retagJobs: (q: Query) => request<Page<RetagJob>>('GET', `/v1/retag-jobs${queryString(q)}`),
  cancelRetagJob: (id: string) => request<RetagJob>('POST', `/v1/retag-jobs/${encodeURIComponent(id)}/cancel`),
};

/**
 * Export needs the Authorization header, which a plain <a href> cannot send,
 * so the file is fetched and handed to the browser as a blob download.
 */
export function downloadExport(format: 'csv' | 'jsonl', q: Query): Promise<void> {
  return track(download(format, q));
}

async function download(format: 'csv' | 'jsonl', q: Query): Promise<void> {
  const key = storedKey();
  const res = await fetch(`/v1/tags/export${queryString({ ...q, format })}`, {
    headers: key ? { Authorization: `Bearer ${key}` } : {},
  });
  if (!res.ok) throw await apiError(res);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  // the server names the file by today's date in its TIME_ZONE, the zone every date in the console is in
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  a.download = named ?? `guandian-tags-${dayIn(new Date().toISOString())}.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
