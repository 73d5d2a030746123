import type { CategoryId, DocSentiment, DocumentKind, LexiconOverrides, PiiPolicy, Polarity, Span, Turn } from '../nlp/types.js';

export type DocumentStatus = 'queued' | 'processing' | 'done' | 'failed';
export type Role = 'ingest' | 'analyst' | 'labeler' | 'admin';
export const ROLES: readonly Role[] = ['ingest', 'analyst', 'labeler', 'admin'];

export interface DocumentRecord {
  _id: string;
  tenant: string;
  kind: DocumentKind;
  source: string;
  externalId: string;
  /** Stored after PII masking; never the raw text. */
  text: string | null;
  turns: Turn[] | null;
  customerId: string | null;
  occurredAt: Date | null;
  /** occurredAt, or the time it was received: what date filters and score trends use. */
  at?: Date;
  metadata: Record<string, unknown> | null;
  /** Survey prompt and score (surveys always; comments and transcripts optionally). */
  question?: string | null;
  score?: number | null;
  scale?: 'nps' | 'csat' | null;
  /** sha256 of the stored content; tells an idempotent re-send from a conflicting one. */
  contentHash: string;
  /**
   * The tenant's PII policy when it was stored: a re-send is compared after masking it the same way, so a
   * tenant that changes its policy still gets its unchanged re-sends recognised. Absent on documents
   * stored before 2026-11-29.
   */
  piiPolicy?: PiiPolicy;
  status: DocumentStatus;
  error: string | null;
  attempts: number;
  /** Bumped by an explicit retry or re-tag so the new queue entry gets a fresh jobId. */
  generation: number;
  /** Until when the current queue entry or worker owns the document; the reconciler re-enqueues after it. */
  leaseUntil: Date | null;
  normalizedText: string | null;
  sentiment: DocSentiment | null;
  modelVersion: string | null;
  /** lexicons/VERSION of the rules that tagged it; absent on documents tagged before 2026-11-29. */
  lexiconVersion?: string | null;
  reviewed: boolean;
  /**
   * What the machine tags say (place, polarity, category), as the worker last wrote them or a labeler last
   * left them: a re-tag whose machine tags say something else returns a reviewed document to the labeling
   * queue. Absent on documents tagged before 2026-11-29, where the stored machine tags stand in for it.
   */
  machineDigest?: string;
  /** Lowest tag confidence, so the labeling queue can sort on an indexed field. */
  minConfidence: number | null;
  tagCount: number;
  /**
   * Spans a labeler deleted: re-tagging must not bring them back. `correctionId` names the delete that
   * added the entry (absent on entries from before 2026-11-30), so a delete retried after a crash does not
   * add a second one and its revert lifts its own.
   */
  suppressed: { turnIndex: number | null; start: number; end: number; correctionId?: string }[];
  /** The ingest request's id, so job logs can be joined to the HTTP log line. */
  requestId?: string | null;
  /** The re-tag job that last re-queued this document. */
  retagJobId?: string | null;
  /**
   * The cancelled re-tag job that last handed this document back unanalyzed, written with the same update
   * that clears retagJobId, so a release that dies before counting a batch can count it afterwards.
   */
  releasedFrom?: string | null;
  /** Set for documents with a negative opinion or an escalation threat: which team owns the case and by when. */
  routing?: CaseRouting | null;
  /**
   * What people and the SLA check recorded on the case of a document that stopped being a complaint (a
   * correction, a re-tag): given back if it becomes one again, so a case resolved before comes back resolved.
   * `team` is the team it had: its assignee comes back only to that team (absent on marks kept before 2026-11-30).
   */
  routingMarks?: (Pick<CaseRouting, 'routedAt' | 'resolvedAt' | 'breachNotifiedAt' | 'assignee'> & { team?: string }) | null;
  createdAt: Date;
  updatedAt: Date;
  processedAt: Date | null;
}

export interface TagRecord {
  /** For model/rule tags: a hash of (document, model version, span, turn, aspect) — the idempotency key. */
  _id: string;
  tenant: string;
  documentId: string;
  aspect: string | null;
  /**
   * What the dashboard's top aspects group by: the taxonomy's canonical aspect (网速 / 网络 / 宽带 → 网络;
   * 太贵了 with no aspect → 价格), else the aspect's normalized text (前臺 → 前台). A labeler's aspect is
   * grouped the same way (src/nlp/aspect-lookup.ts). Null for an implicit aspect the taxonomy does not
   * know, for a labeler's tag without an aspect, and on tags stored before it existed: those group under
   * `aspect` itself.
   */
  canonicalAspect?: string | null;
  opinion: string;
  polarity: Polarity;
  category: CategoryId;
  span: Span;
  aspectSpan: Span | null;
  opinionSpan: Span | null;
  sentence: string;
  turnIndex: number | null;
  confidence: number;
  source: 'model' | 'rule' | 'human';
  modelVersion: string;
  /** Copied from the document so tag queries filter without a join. */
  kind: DocumentKind;
  channel: string;
  /** The document's occurredAt (or its creation time): what date filters and daily stats use. */
  at: Date;
  day: string;
  /** The document's score and scale, copied so driver analysis reads tags alone. */
  score?: number | null;
  scale?: 'nps' | 'csat' | null;
  createdAt: Date;
  updatedAt: Date;
  /** Where the tag is in a swap of the document's machine tags (TagsRepository.replaceMachineTags); absent = live. */
  stage?: number;
}

export interface ApiKeyRecord {
  _id: string;
  name: string;
  tenant: string;
  roles: Role[];
  /** A platform key may manage other tenants' keys; only the bootstrap admin key is one. */
  platform: boolean;
  salt: string;
  hash: string;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** The tenant settings record that holds install-wide state rather than a tenant's settings. */
export const INSTALL_ID = '__install__';

/**
 * Which TIME_ZONE the tags' `day` buckets are in (install-wide, DayBuckets). `after` is the sweep's
 * cursor (a tag id) while it moves tags into `zone`, null once every tag is there; `until` is how long
 * the process sweeping holds it, and `token` names that process's claim.
 */
export interface DayBucketsState {
  zone: string;
  after: string | null;
  until: Date | null;
  token: string;
}

export interface TenantSettingsRecord {
  /** The tenant id; `__install__` (INSTALL_ID) holds install-wide secrets and state. */
  _id: string;
  piiPolicy: 'mask' | 'hash' | 'keep';
  /** Documents older than this many days are purged; null keeps them. */
  retentionDays: number | null;
  /** Tenant aspect terms and sentiment words added to the shipped lexicons (PUT /v1/taxonomy). */
  lexiconOverrides?: LexiconOverrides | null;
  /** HMAC key for the `hash` PII policy (install-wide record only). */
  secret?: string;
  /** The zone of the tags' day buckets (install-wide record only). */
  days?: DayBucketsState;
  updatedAt: Date;
}

/** What a re-tag job was started for. */
export const RETAG_REASONS = ['manual', 'lexicon', 'promote', 'rollback'] as const;
export type RetagReasonKind = (typeof RETAG_REASONS)[number];

/**
 * `manual` and `lexicon` are what the caller of POST /v1/retag-jobs said (the console's lexicon page says
 * lexicon); `promote` and `rollback` are the re-tags a model switch starts, with the version it made
 * active and the one active before.
 */
export type RetagReason = { kind: 'manual' | 'lexicon' } | { kind: 'promote' | 'rollback'; version: string; previous: string };

export interface RetagJobRecord {
  _id: string;
  tenant: string;
  filter: { channel?: string; kind?: string; from?: string; to?: string };
  /** Documents marked so far (all of them once `marking` is gone). */
  total: number;
  createdBy: string;
  createdAt: Date;
  /** Absent on jobs started before 2026-11-30, which did not keep it. */
  reason?: RetagReason;
  /**
   * While documents are still being marked, in batches: the last _id marked and until when the process
   * marking them holds the job (another takes over after that). Absent on finished jobs and older ones.
   */
  marking?: { after: string; until: Date } | null;
  /**
   * Set when an admin cancelled it (POST /v1/retag-jobs/:id/cancel): when, by which key, and how many of
   * its documents were released (handed back unanalyzed, retagJobId cleared) rather than re-tagged.
   * `until`: while its documents are being released, until when the process releasing them holds the job
   * (the reconciler finishes the release after that, if that process died); absent once all are released
   * (not null: the embedded engine counts null as less than any date).
   * A cancelled job is never marked further, not even by resumeStalled after a crash.
   */
  cancelled?: { at: Date; by: string; released: number; until?: Date };
}

export interface IdempotencyRecord {
  /** tenant, key id and the caller's Idempotency-Key. */
  _id: string;
  requestHash: string;
  /** The remembered response; 0 and null while the reservation is pending. */
  status: number;
  body: unknown;
  /** When the reservation was made, then when the response was remembered (the TTL counts from it). */
  createdAt: Date;
  /**
   * Set while the first request with this key is still running (absent once its response is
   * remembered, and on records written before reservations existed): a second request with the key
   * is told to come back, not run twice.
   */
  state?: 'pending';
  /** A pending reservation older than this was left by a crashed request and may be taken over. */
  pendingUntil?: Date;
  /** Which request holds the reservation: only it may complete or release it. */
  owner?: string;
}

export interface AuditRecord {
  _id: string;
  tenant: string;
  /** API key id that acted, or "system" for retention purges. */
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  at: Date;
}

export type CasePriority = 'low' | 'normal' | 'high' | 'urgent';

export type CaseReason = 'negative_opinion' | 'escalation_threat';

export interface CaseRouting {
  team: string;
  dueAt: Date;
  priority: CasePriority;
  /** Escalation words found in the customer's own text. */
  escalations: string[];
  /**
   * Why the document is a case: a negative opinion, or, without one, the customer's threat to escalate
   * (src/actions/escalation-intent.ts). Absent on cases stored before 2026-11-30: negative_opinion.
   */
  openedFor?: CaseReason;
  /** Index of the routing-table entry that matched; null for the tenant's default team. */
  entry: number | null;
  routedAt: Date;
  resolvedAt: Date | null;
  /** When the SLA check fired the sla_breach rules for this case (once per case). */
  breachNotifiedAt: Date | null;
  /**
   * The person of the team working the case, as people name them (free text, trimmed, at most 100
   * characters); null or absent when nobody is. Cleared when the case moves to another team.
   */
  assignee?: string | null;
}

export interface AlertRuleRecord {
  _id: string;
  tenant: string;
  name: string;
  type: 'document' | 'threshold' | 'sla_breach';
  active: boolean;
  webhookIds: string[];
  match: {
    categories?: string[];
    aspects?: string[];
    polarities?: ('positive' | 'negative' | 'neutral')[];
    channels?: string[];
    keywords?: string[];
  } | null;
  threshold: {
    category: string | null;
    channel: string | null;
    windowMinutes: number;
    minDocuments: number;
    minShare: number;
    baselineDays: number;
    /** The window's share must exceed baseline share × minLift (0 disables the comparison). */
    minLift: number;
  } | null;
  /** sla_breach rules: only these teams (empty = all). */
  teams: string[] | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookEndpointRecord {
  _id: string;
  tenant: string;
  url: string;
  description: string | null;
  /** The signing secret in clear: the sender needs it for every delivery; shown to the admin once. */
  secret: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDeliveryRecord {
  /** Deterministic per (rule, subject, endpoint): a re-run never creates a second delivery. */
  _id: string;
  tenant: string;
  endpointId: string;
  ruleId: string | null;
  event: 'rule.document' | 'rule.threshold' | 'rule.sla_breach' | 'test';
  /** The JSON body, fixed at creation so every attempt sends the same event. */
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
}

export interface RoutingEntry {
  categories: string[];
  keywords: string[];
  team: string;
  slaHours: number;
  priority: CasePriority;
}

/**
 * Which scored survey answers a negative opinion makes a case of: every one (`any_negative`), only detractors
 * (NPS 0-6, CSAT 1-2), or detractors and passives (NPS 0-8, CSAT 1-3). Closed-loop follow-up calls back the
 * unhappy, not a promoter who adds 就是价格有点贵 to a 9.
 */
export const SURVEY_CASES = ['any_negative', 'detractors', 'detractors_and_passives'] as const;
export type SurveyCases = (typeof SURVEY_CASES)[number];

export interface RoutingTableRecord {
  /** The tenant id. */
  _id: string;
  entries: RoutingEntry[];
  defaultTeam: string;
  defaultSlaHours: number;
  escalationWords: string[];
  /** Absent on tables saved before 2026-12-01: `any_negative`. */
  surveyCases?: SurveyCases;
  updatedAt: Date;
}

export interface CorrectionRecord {
  _id: string;
  tenant: string;
  documentId: string;
  tagId: string | null;
  op: 'accept' | 'update' | 'delete' | 'add' | 'revert';
  before: Partial<TagRecord> | null;
  after: Partial<TagRecord> | null;
  /**
   * On `update` and `delete`: the whole tag before the change (`before` keeps only what the export shows),
   * so a revert can put back its source, confidence and model version too. Absent on older records.
   */
  prior?: TagRecord | null;
  /** On `revert`: the correction it undid. The undone one stays in the log; readers skip it by this id. */
  reverts?: string | null;
  /**
   * On a `delete` made by an `add` (the added tag's id): the deleted tag overlapped the labeler's new tag
   * and was replaced by it, which says nothing about whether those words hold an opinion; retraining skips
   * it, and reverting the add brings it back.
   */
  supersededBy?: string | null;
  /**
   * On `accept`: the machine tags the labeler saw and left as they were, i.e. confirmed, with the clause
   * each judged (`sentence`, `turnIndex`): a re-tag by another model version replaces the tag (its id
   * carries the version) but not the labeler's verdict on that clause. Erasing the document deletes this
   * record with its other corrections. `sentence` is absent on accepts recorded before 2026-11-30, and the
   * whole list on accepts recorded before confirmed tags were kept.
   */
  confirmed?: { tagId: string; polarity: string; category: string; sentence?: string; turnIndex?: number | null }[] | null;
  actor: string;
  at: Date;
}

export type ModelJobPhase = 'queued' | 'collect' | 'features' | 'cross-validate' | 'fit' | 'evaluate' | 'save' | 'done' | 'failed';

/** A request to train a tenant's next model version (POST /v1/models/train), with its progress. */
/**
 * Why a training job failed, as a stable code beside its free-text `error` (English, for operators), so that a
 * client words it in its own language. `internal_error` is any failure the service cannot tell apart.
 */
export const TRAINING_ERROR_CODES = ['nothing_to_learn', 'document_erased', 'training_failed', 'training_thread_exited', 'internal_error'] as const;
export type TrainingErrorCode = (typeof TRAINING_ERROR_CODES)[number];

export interface ModelJobRecord {
  /** `${tenant}:r${n}`: the tenant's n-th training request, which also names the version it produces. */
  _id: string;
  tenant: string;
  version: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  phase: ModelJobPhase;
  percent: number;
  error: string | null;
  /** Why it failed, as a stable code; absent on jobs that failed before it was kept. */
  errorCode?: TrainingErrorCode | null;
  requestedBy: string;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Clauses whose base features this job computed vs took from the worker's cache. */
  features?: { computed: number; cached: number };
  /**
   * The tenant while the job is queued or running, removed when it finishes: a unique sparse index on it
   * lets the store, not a process, decide that a tenant has one training job at a time. Jobs stored
   * before this field existed have none and are found by status instead.
   */
  activeFor?: string;
}

/** Accuracy of a version on one slice (src/nlp/model/head-train.ts computes it). */
export type ModelSliceMetrics = import('../nlp/model/head-train.js').SliceMetrics;

export interface ModelMetrics {
  regression: ModelSliceMetrics;
  corrections: ModelSliceMetrics;
  /** Absent on versions trained before confirmed tags were used (see CandidateMetrics). */
  confirmed?: ModelSliceMetrics;
  reviewed?: ModelSliceMetrics;
}

/** A trained candidate: its lineage, data counts, metrics against its parent, gate verdict and weights. */
export interface ModelVersionRecord {
  /** `${tenant}:${version}` */
  _id: string;
  tenant: string;
  version: string;
  /** The tenant's active version when training started; null = the shipped base model. */
  parent: string | null;
  base: string;
  jobId: string;
  createdAt: Date;
  createdBy: string;
  counts: { baseExamples: number; corrections: number; confirmed?: number; sentimentExamples: number; categoryExamples: number };
  /** Latest correction time it learned from: later ones are "new" to it when its successor is judged. */
  correctionsThrough: Date | null;
  metrics: ModelMetrics;
  parentMetrics: ModelMetrics;
  /** code and params are absent on versions trained before they existed; message is always there. */
  gate: { passes: boolean; reasons: { field: string; message: string; code?: string; params?: Record<string, string | number> }[] };
  promotedAt: Date | null;
  promotedBy: string | null;
  /**
   * SerializedHead (src/nlp/model/head.ts): a few hundred kilobytes at most. Null once withdrawn: the
   * weights were learned from corrections on documents that have since been erased, so they go with them.
   */
  head: import('../nlp/model/head.js').SerializedHead | null;
  /** Set when an erasure withdrew the version (absent on versions stored before withdrawal existed). */
  withdrawn?: { at: Date; by: string; reason: 'erasure' } | null;
}

/** Which version a tenant's documents are tagged with, and the ones before it (for rollback). */
export interface ModelStateRecord {
  /** tenant id */
  _id: string;
  /** null = the shipped base model */
  active: string | null;
  /** previously active versions, oldest first */
  history: (string | null)[];
  /** bumped on every change: promotions and rollbacks are compare-and-set on it */
  rev: number;
  updatedAt: Date;
}
