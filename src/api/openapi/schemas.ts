import type { GateReason } from '../../nlp/model/head-train.js';
import { CATEGORY_IDS } from '../../nlp/types.js';
import { RETAG_REASONS, ROLES, TRAINING_ERROR_CODES } from '../../store/records.js';
import { TagPatchDto } from '../dto/correction-dto.js';
import { CasesQueryDto, RoutingTableDto, RuleDto } from '../dto/actions-dto.js';
import { CreateDocumentDto } from '../dto/document-dto.js';
import { DocumentQueryDto, TagQueryDto } from '../dto/query-dto.js';
import { enumOf, type JsonSchema } from './dto-schema.js';

// Response shapes are written by hand: they come from presenters (plain functions), which carry no
// metadata to generate from. Keep them in step with src/api/presenters.ts and the route handlers.

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Every code a gate reason may carry (GateReason in head-train.ts); the type check below fails when one is added there and not here. */
const GATE_CODES = [
  'no_corrections',
  'only_added',
  'corrections_not_better',
  'reviewed_not_better',
  'reviewed_fell',
  'regression_overall_fell',
  'regression_task_fell',
] as const satisfies readonly GateReason['code'][];
type Covered<T extends never> = T;
export type GateCodesCovered = Covered<Exclude<GateReason['code'], (typeof GATE_CODES)[number]>>;

const str: JsonSchema = { type: 'string' };
const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const nullableDateTime: JsonSchema = { type: ['string', 'null'], format: 'date-time' };
const category: JsonSchema = { type: 'string', enum: [...CATEGORY_IDS] };
const object = (properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)): JsonSchema => ({
  type: 'object',
  properties,
  required,
});
const counts = (key: string, schema: JsonSchema): JsonSchema =>
  object({ [key]: schema, positive: { type: 'integer' }, negative: { type: 'integer' }, neutral: { type: 'integer' }, total: { type: 'integer' } });
const page = (item: string): JsonSchema =>
  object({
    items: { type: 'array', items: ref(item) },
    nextCursor: { ...nullable('string'), description: 'pass as `cursor` for the next page; null on the last page' },
  });
/** A page whose query takes `withTotal=true`; `total` is there only then. */
const countedPage = (item: string): JsonSchema =>
  object(
    {
      items: { type: 'array', items: ref(item) },
      nextCursor: { ...nullable('string'), description: 'pass as `cursor` for the next page; null on the last page' },
      total: { type: 'integer', minimum: 0, description: 'every row the filters match (not only this page); present when the query had withTotal=true' },
    },
    ['items', 'nextCursor'],
  );

/**
 * Built on demand rather than at import: enumOf throws when a DTO loses the rule it reads, and that
 * must fail GET /openapi.json and the OpenAPI test, not the service's startup.
 */
export function responseSchemas(): Record<string, JsonSchema> {
  const polarity: JsonSchema = { type: 'string', enum: enumOf(TagPatchDto, 'polarity') };
  const kind: JsonSchema = { type: 'string', enum: enumOf(CreateDocumentDto, 'kind') };
  const status: JsonSchema = { type: 'string', enum: enumOf(DocumentQueryDto, 'status') };
  const tagSource: JsonSchema = { type: 'string', enum: enumOf(TagQueryDto, 'source') };
  return {
    ErrorBody: object(
      {
        code: { ...str, description: 'machine-readable, e.g. validation_failed, unauthorized, forbidden, not_found, conflict' },
        message: str,
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: { field: { ...str, description: 'dotted path of the offending field, e.g. documents[3].text' } },
            additionalProperties: true,
          },
        },
        errorId: { ...str, description: 'only on 500: the id that also appears in the server log' },
      },
      ['code', 'message', 'details'],
    ),
    Error: object({ error: ref('ErrorBody') }),
    Span: { ...object({ start: { type: 'integer', minimum: 0 }, end: { type: 'integer', minimum: 1 } }), description: 'UTF-16 offsets, end exclusive' },
    Tag: object(
      {
        id: str,
        documentId: str,
        aspect: nullable('string'),
        canonicalAspect: nullable('string', { description: "what the dashboard groups by: the taxonomy's canonical aspect (网速 → 网络; 太贵了 → 价格), else the aspect's normalized text; null when none" }),
        opinion: str,
        label: { ...str, description: 'display label, e.g. 负向评价: App老是闪退' },
        polarity,
        category,
        span: ref('Span'),
        aspectSpan: { anyOf: [ref('Span'), { type: 'null' }] },
        opinionSpan: { anyOf: [ref('Span'), { type: 'null' }] },
        sentence: str,
        turnIndex: { type: 'integer', minimum: 0, description: 'transcripts only: the turn the spans index into' },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        source: tagSource,
        modelVersion: str,
        kind,
        channel: { ...str, description: "the document's source at ingest" },
        occurredAt: nullableDateTime,
        day: { ...str, format: 'date', description: 'the TIME_ZONE day occurredAt falls on: the day the stats and the console count it on' },
        createdAt: nullableDateTime,
        updatedAt: nullableDateTime,
      },
      ['id', 'documentId', 'aspect', 'opinion', 'label', 'polarity', 'category', 'span', 'confidence', 'source', 'kind', 'channel'],
    ),
    Turn: object(
      { speaker: { type: 'string', enum: ['customer', 'agent', 'system'] }, text: str, startMs: { type: 'integer' }, endMs: { type: 'integer' } },
      ['speaker', 'text'],
    ),
    Document: object(
      {
        id: str,
        kind,
        source: str,
        externalId: str,
        text: { ...nullable('string'), description: 'stored after PII masking; null for transcripts and for survey answers without a comment' },
        turns: { anyOf: [{ type: 'array', items: ref('Turn') }, { type: 'null' }] },
        normalizedText: nullable('string'),
        status,
        error: nullable('string'),
        sentiment: { type: ['string', 'null'], enum: ['positive', 'negative', 'mixed', 'neutral', null] },
        modelVersion: nullable('string'),
        lexiconVersion: { ...nullable('string'), description: 'lexicons/VERSION of the rules that tagged it (the tenant\'s own additions are not part of it); null before it was recorded' },
        reviewed: { type: 'boolean' },
        customerId: nullable('string'),
        occurredAt: nullableDateTime,
        metadata: nullable('object'),
        question: { ...nullable('string'), description: 'the survey prompt the text answers' },
        score: { ...nullable('integer'), description: 'NPS 0-10 or CSAT 1-5, see scale' },
        scale: { type: ['string', 'null'], enum: [...enumOf(CreateDocumentDto, 'scale'), null] },
        routing: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }], description: 'complaint routing (team, dueAt, priority) for documents with negative tags' },
        attempts: { type: 'integer' },
        createdAt: nullableDateTime,
        updatedAt: nullableDateTime,
        processedAt: nullableDateTime,
        tags: { type: 'array', items: ref('Tag'), description: 'present on single-document responses' },
        tagsVersion: {
          type: 'string',
          description: 'with `tags`: what the tags are now, as one string; send it back with corrections (POST /v1/documents/{id}/corrections) to have them refused with a 409 if the tags changed since (a re-tag, another labeler)',
        },
      },
      ['id', 'kind', 'source', 'externalId', 'status', 'reviewed', 'createdAt'],
    ),
    DocumentPage: countedPage('Document'),
    TagPage: countedPage('Tag'),
    Accepted: object({ id: str, status: { type: 'string', enum: ['queued'] } }),
    Duplicate: object({ id: str, status, duplicate: { type: 'boolean', enum: [true] } }),
    BatchResult: object({
      items: {
        type: 'array',
        items: object(
          {
            index: { type: 'integer', minimum: 0, description: 'position in the request array' },
            id: str,
            status: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'] },
            error: { ...ref('ErrorBody'), description: 'only when rejected' },
          },
          ['index', 'status'],
        ),
      },
    }),
    ApiKey: object(
      {
        id: str,
        name: str,
        tenant: str,
        roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
        createdAt: dateTime,
        revokedAt: nullableDateTime,
        lastUsedAt: nullableDateTime,
      },
      ['id', 'name', 'tenant', 'roles', 'createdAt'],
    ),
    NewApiKey: {
      allOf: [ref('ApiKey'), object({ key: { ...str, description: 'the bearer token; shown only in this response' } })],
    },
    ApiKeyList: object({ items: { type: 'array', items: ref('ApiKey') } }),
    Me: object({
      id: str,
      tenant: str,
      roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
      platform: {
        type: 'boolean',
        description: 'true for the platform (bootstrap) admin key, which may create, list and revoke keys of any tenant; false for every other key',
      },
      timeZone: { type: 'string', description: 'the service\'s TIME_ZONE (IANA): its days bucket the daily trends, and dates without an offset are read in it' },
    }),
    LexiconOverrides: object(
      {
        aspects: { type: 'object', additionalProperties: category, description: 'term → category' },
        sentiment: { type: 'object', additionalProperties: { type: 'number' }, description: 'term → strength from -2 to 2' },
      },
      [],
    ),
    Taxonomy: object({
      version: str,
      categories: { type: 'array', items: object({ id: category, zh: str, en: str }) },
      overrides: {
        ...object({
          aspects: { type: 'object', additionalProperties: category, description: 'term → category' },
          sentiment: { type: 'object', additionalProperties: { type: 'number' }, description: 'term → strength from -2 to 2' },
        }),
        description: "the tenant's lexicon additions (PUT /v1/taxonomy)",
      },
    }),
    LexiconSuggestions: object(
      {
        sentiment: {
          type: 'array',
          description: 'evaluative words of added opinions the lexicon does not hold, most added first (at most 200)',
          items: object(
            {
              word: { ...str, description: 'the entry: the added opinion without degree words and particles (真的太感人了 → 感人)' },
              score: { type: 'integer', enum: [1, -1], description: "strength for PUT /v1/taxonomy by the labelers' majority" },
              count: { type: 'integer' },
              conflicting: { type: 'boolean', description: 'labelers gave it both polarities' },
              category: { ...category, description: 'the category labelers gave it most often' },
              examples: { type: 'array', items: ref('SuggestionExample') },
            },
            ['word', 'score', 'count', 'conflicting', 'category', 'examples'],
          ),
        },
        aspects: {
          type: 'array',
          description: 'aspects of added tags the taxonomy does not know, most added first (at most 200)',
          items: object(
            { term: str, category, count: { type: 'integer' }, conflicting: { type: 'boolean', description: 'labelers gave it more than one category' }, examples: { type: 'array', items: ref('SuggestionExample') } },
            ['term', 'category', 'count', 'conflicting', 'examples'],
          ),
        },
        addedTags: { type: 'integer', description: 'added tags still in effect that the suggestions come from (the newest 5,000 at most)' },
      },
      ['sentiment', 'aspects', 'addedTags'],
    ),
    SuggestionExample: object(
      { documentId: str, tagId: str, opinion: str, sentence: { ...str, description: 'the clause around the opinion: up to 40 characters on each side, … where cut' } },
      ['documentId', 'tagId', 'opinion', 'sentence'],
    ),
    StatsSummary: object({
      byCategory: { type: 'array', items: counts('category', category) },
      byDay: { type: 'array', items: counts('day', { ...str, format: 'date' }) },
      byChannel: { type: 'array', items: counts('channel', str) },
      topNegativeAspects: { type: 'array', items: object({ aspect: { ...str, description: 'canonical aspect, or the aspect text when it has none' }, category, count: { type: 'integer' } }) },
    }),
    TenantSettings: object({
      piiPolicy: { type: 'string', enum: ['mask', 'hash', 'keep'] },
      retentionDays: { ...nullable('integer'), minimum: 1, description: 'null keeps documents forever' },
      lexiconOverrides: {
        anyOf: [ref('LexiconOverrides'), { type: 'null' }],
        description: "the tenant's lexicon additions, read only here: change them with PUT /v1/taxonomy; null when none were saved",
      },
    }),
    AuditEntry: object({
      id: str,
      actor: { ...str, description: "the acting key's id, or system" },
      action: { ...str, description: 'e.g. api_key.create, correction.apply, customer.erase, tags.export' },
      target: nullable('string'),
      details: { type: 'object', additionalProperties: true },
      at: dateTime,
    }),
    AuditPage: page('AuditEntry'),
    RetagJob: object({
      id: str,
      status: { type: 'string', enum: ['running', 'done', 'cancelled'], description: 'cancelled: an admin stopped it (POST /v1/retag-jobs/{id}/cancel) and its unfinished documents were released; it reads running while they are being released' },
      total: { type: 'integer', minimum: 0, description: 'documents queued when the job started (for a cancelled job, those queued before the cancel)' },
      done: { type: 'integer', minimum: 0, description: 'of those, finished (done or failed); for a cancelled job, those re-tagged before the cancel (the rest were released with the tags they had)' },
      failed: { type: 'integer', minimum: 0 },
      filter: object({ channel: str, kind, from: str, to: str }, []),
      createdAt: dateTime,
      createdBy: { ...str, description: 'the id of the key that started it' },
      reason: {
        anyOf: [
          object({
            kind: { type: 'string', enum: [...RETAG_REASONS], description: 'manual or lexicon: as POST /v1/retag-jobs said; promote or rollback: started by that model switch' },
            version: { ...nullable('string'), description: 'promote and rollback: the version the switch made active' },
            previous: { ...nullable('string'), description: 'promote and rollback: the version active before it' },
          }),
          { type: 'null' },
        ],
        description: 'why it was started; null for jobs started before 2026-11-30, which did not keep it',
      },
    }),
    RetagJobPage: page('RetagJob'),
    ModelJob: object({
      id: str,
      status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
      phase: { type: 'string', enum: ['queued', 'collect', 'features', 'cross-validate', 'fit', 'evaluate', 'save', 'done', 'failed'] },
      percent: { type: 'integer', minimum: 0, maximum: 100 },
      version: { ...nullable('string'), description: 'the version it produces, named when queued (the version itself exists once status is done); null when the job failed' },
      error: { ...nullable('string'), description: "why it failed, in English, for operators; clients word errorCode instead" },
      errorCode: {
        anyOf: [{ type: 'string', enum: [...TRAINING_ERROR_CODES] }, { type: 'null' }],
        description:
          'why it failed, as a stable code: nothing_to_learn (the corrections it would learn from were reverted since it was requested), ' +
          'document_erased (a document it learned from was erased while it trained), training_failed (the training itself failed), ' +
          'training_thread_exited (the training thread stopped without an answer), internal_error (anything else). ' +
          'null unless failed, and for jobs that failed before codes were kept. Clients falling back on unknown codes show error',
      },
      createdAt: dateTime,
      updatedAt: dateTime,
      startedAt: nullableDateTime,
      finishedAt: nullableDateTime,
      features: {
        anyOf: [object({ computed: { type: 'integer', minimum: 0 }, cached: { type: 'integer', minimum: 0 } }), { type: 'null' }],
        description: "clauses whose frozen-model features this job computed, and those taken from the worker's per-clause cache",
      },
      workers: { ...nullable('integer'), description: 'workers taking training jobs now, in any process (null: the queue cannot tell); 0 means a queued job will not start until a worker (ROLE=worker or all) runs' },
    }),
    ModelSlice: object({
      n: { type: 'integer', minimum: 0 },
      nSentiment: { type: 'integer', minimum: 0 },
      nCategory: { type: 'integer', minimum: 0 },
      sentimentAccuracy: nullable('number'),
      categoryAccuracy: nullable('number'),
      categoryMacroF1: nullable('number'),
      overall: { ...nullable('number'), description: 'mean of the sentiment and category accuracies present' },
    }),
    ModelMetrics: object({
      regression: { ...ref('ModelSlice'), description: 'fixed regression set: project gold plus a sample of base dev data' },
      corrections: { ...ref('ModelSlice'), description: 'corrections newer than the parent: out-of-fold (5-fold) for the candidate' },
      confirmed: { ...ref('ModelSlice'), description: 'machine tags labelers accepted unchanged (never trained on); absent on older versions' },
      reviewed: { ...ref('ModelSlice'), description: 'corrections and confirmed tags together; the gate refuses a candidate not better here than its parent overall, or worse at either task' },
    }, ['regression', 'corrections']),
    ModelVersion: object({
      version: str,
      parent: { ...str, description: 'the version it was judged against (the base model when none was promoted)' },
      base: str,
      active: { type: 'boolean' },
      status: { type: 'string', enum: ['candidate', 'active', 'retired', 'withdrawn'], description: 'withdrawn: an erasure deleted documents whose corrections it learned from, and its weights with them' },
      createdAt: dateTime,
      createdBy: str,
      counts: object(
        {
          baseExamples: { type: 'integer', minimum: 0 },
          corrections: { type: 'integer', minimum: 0, description: 'corrections it learned from: updated, added and deleted tags' },
          confirmed: { type: 'integer', minimum: 0, description: 'machine tags labelers accepted unchanged; absent on older versions' },
          added: { type: 'integer', minimum: 0, description: 'of the corrections, tags labelers added (opinions the rules missed); absent on older versions' },
          deleted: { type: 'integer', minimum: 0, description: 'of the corrections, machine tags labelers deleted (learned as their clause, neutral); absent on older versions' },
          addedNotGated: {
            type: 'integer',
            minimum: 0,
            description: 'new added tags trained on but left out of the gate, since no version can produce a tag the rules did not find (gate.notes says so); absent on older versions',
          },
          sentimentExamples: { type: 'integer', minimum: 0 },
          categoryExamples: { type: 'integer', minimum: 0 },
        },
        ['baseExamples', 'corrections', 'sentimentExamples', 'categoryExamples'],
      ),
      metrics: ref('ModelMetrics'),
      parentMetrics: ref('ModelMetrics'),
      gate: object({
        passes: { type: 'boolean' },
        reasons: { type: 'array', items: str, description: 'why the version may not be promoted, in English' },
        details: {
          type: 'array',
          description: 'the same reasons as codes with parameters (accuracies in percent), for clients that word them in their own language; code is null on versions trained before codes existed',
          items: object({
            field: str,
            code: { type: ['string', 'null'], enum: [...GATE_CODES, null] },
            params: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
          }),
        },
        stale: {
          type: 'boolean',
          description: 'the verdict no longer applies: the version was judged against one that is not active any more, or trained on another base model; promotion is refused (409) whatever passes says',
        },
        staleReason: { ...nullable('string'), description: 'why the version is stale, in English; null when it is not' },
        notes: { type: 'array', items: str, description: 'what the verdict left out and why, in English (e.g. added tags trained on but not gated)' },
      }),
      promotedAt: nullableDateTime,
      promotedBy: nullable('string'),
      withdrawnAt: nullableDateTime,
    }),
    ModelList: object({
      base: { ...nullable('string'), description: 'the shipped model; null when none is installed' },
      active: { ...nullable('string'), description: "the version tagging this tenant's documents" },
      workers: { ...nullable('integer'), description: 'workers taking training jobs now, in any process (null: the queue cannot tell); with 0, POST /v1/models/train queues a job nobody runs' },
      versions: { type: 'array', items: ref('ModelVersion') },
      training: { type: 'array', items: ref('ModelJob'), description: "this tenant's training jobs not finished yet, oldest first (also those nobody here started: the replacement an erasure asked for)" },
    }),
    ModelSwitch: object(
      {
        active: str,
        previous: str,
        retagJob: { anyOf: [object({ id: str, total: { type: 'integer', minimum: 0 } }), { type: 'null' }] },
        note: { ...str, description: 'rollback only: why active is not the version promoted before (it was trained on another base model than the installed one, so the installed base model is active)' },
      },
      ['active', 'previous', 'retagJob'],
    ),
    ScoreSummary: {
      ...object(
        {
          n: { type: 'integer', minimum: 0, description: 'scored answers' },
          nps: { ...nullable('number'), minimum: -100, maximum: 100, description: 'NPS only: % promoters (9-10) − % detractors (0-6)' },
          promoters: { type: 'integer', description: 'NPS only' },
          passives: { type: 'integer', description: 'NPS only' },
          detractors: { type: 'integer', description: 'NPS only' },
          csat: { ...nullable('number'), minimum: 0, maximum: 100, description: 'CSAT only: % of answers scoring 4 or 5' },
          satisfied: { type: 'integer', description: 'CSAT only: answers scoring 4 or 5' },
          neutral: { type: 'integer', description: 'CSAT only: answers scoring 3' },
          dissatisfied: { type: 'integer', description: 'CSAT only: answers scoring 1 or 2' },
          mean: { ...nullable('number'), description: 'CSAT only' },
          ci95: { anyOf: [{ type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }, { type: 'null' }], description: '95% confidence interval, within the scale: adjusted Wald (Rocks 2016) for NPS, Wilson for CSAT; not centred on the score; null without answers' },
        },
        ['n', 'ci95'],
      ),
      description: 'null scores mean there were no answers in the period',
    },
    NpsTrend: object({
      scale: { type: 'string', enum: ['nps', 'csat'] },
      interval: { type: 'string', enum: ['day', 'week', 'month'] },
      overall: ref('ScoreSummary'),
      commented: { type: 'integer', minimum: 0, description: 'of the overall answers, those with a comment: the ones drivers can read themes from (most respondents give a score alone)' },
      series: {
        type: 'array',
        items: { allOf: [object({ period: { ...str, description: 'YYYY-MM-DD (day, or the Monday of an ISO week) or YYYY-MM' } }), ref('ScoreSummary')] },
      },
    }),
    DriverRow: object(
      {
        category: { ...category, description: 'set on rows of categories' },
        aspect: { ...str, description: "set on rows of aspects: the tags' canonical aspect (网速, 宽带 → 网络), else the aspect" },
        n: { type: 'integer', minimum: 0, description: 'survey answers carrying this negative theme' },
        detractorShare: { ...nullable('number'), description: 'share of the detractors (NPS 0-6, CSAT 1-3) carrying it' },
        promoterShare: { ...nullable('number'), description: 'share of the promoters (NPS 9-10, CSAT 4-5) carrying it' },
        meanScoreWith: nullable('number'),
        meanScoreWithout: nullable('number'),
        npsImpact: { ...nullable('number'), description: 'estimated NPS change if this negative theme disappeared; null on CSAT' },
        csatImpact: { ...nullable('number'), description: 'estimated CSAT change (percentage points) if this negative theme disappeared; null on NPS' },
        lowSample: { type: 'boolean', description: 'fewer answers than minCount: read with care' },
      },
      ['n', 'detractorShare', 'promoterShare', 'meanScoreWith', 'meanScoreWithout', 'npsImpact', 'csatImpact', 'lowSample'],
    ),
    NpsDrivers: object({
      scale: { type: 'string', enum: ['nps', 'csat'] },
      overall: ref('ScoreSummary'),
      commented: { type: 'integer', minimum: 0, description: 'of the overall answers, those with a comment; an answer without one never carries a theme' },
      minCount: { type: 'integer', minimum: 1 },
      categories: { type: 'array', items: ref('DriverRow'), description: 'largest impact first' },
      aspects: { type: 'array', items: ref('DriverRow'), description: 'the most frequent negative aspects, largest impact first' },
    }),
    Webhook: object(
      { id: str, url: { ...str, format: 'uri' }, description: nullable('string'), active: { type: 'boolean' }, createdAt: dateTime, updatedAt: dateTime },
    ),
    WebhookWithSecret: {
      allOf: [ref('Webhook'), object({ secret: { ...str, description: 'signs every delivery; shown only when created or rotated' } })],
    },
    WebhookList: object({ items: { type: 'array', items: ref('Webhook') } }),
    WebhookDelivery: object(
      {
        id: str,
        endpointId: str,
        ruleId: nullable('string'),
        event: str,
        status: str,
        attempts: { type: 'integer', minimum: 0 },
        responseCode: nullable('integer'),
        lastError: nullable('string'),
        createdAt: dateTime,
        lastAttemptAt: nullableDateTime,
        deliveredAt: nullableDateTime,
      },
      ['id', 'endpointId', 'event', 'status', 'attempts', 'createdAt'],
    ),
    WebhookDeliveryList: page('WebhookDelivery'),
    Rule: object(
      {
        id: str,
        name: str,
        type: { type: 'string', enum: enumOf(RuleDto, 'type') },
        active: { type: 'boolean' },
        webhookIds: { type: 'array', items: str },
        match: { anyOf: [ref('RuleMatchDto'), { type: 'null' }], description: 'document rules: what a document must match' },
        threshold: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }], description: 'threshold rules: RuleThresholdDto with defaults filled in' },
        teams: { anyOf: [{ type: 'array', items: str }, { type: 'null' }], description: 'sla_breach rules: only these teams' },
        createdAt: dateTime,
        updatedAt: dateTime,
      },
      ['id', 'name', 'type', 'active', 'webhookIds', 'createdAt', 'updatedAt'],
    ),
    RuleList: object({ items: { type: 'array', items: ref('Rule') } }),
    RoutingTable: object({
      entries: { type: 'array', items: ref('RoutingEntryDto'), description: 'first match wins' },
      defaultTeam: str,
      defaultSlaHours: { type: 'number' },
      escalationWords: {
        type: 'array',
        items: str,
        description: "any of these in the customer's words raises a case's priority one level; one used in a threat (我要投诉你们) opens a case without a negative opinion",
      },
      surveyCases: {
        type: 'string',
        enum: enumOf(RoutingTableDto, 'surveyCases'),
        description:
          'which scored survey answers a negative opinion makes a case of: every one (any_negative, the default), only detractors (NPS 0-6, CSAT 1-2) or detractors and passives (NPS 0-8, CSAT 1-3). Comments, transcripts, posts and answers without a score are not affected, and a threat to escalate opens a case whatever the score. Applies to documents routed from then on and to those a re-tag or a correction routes again.',
      },
      updatedAt: dateTime,
    }),
    Case: object(
      {
        documentId: str,
        externalId: str,
        channel: str,
        kind,
        customerId: nullable('string'),
        occurredAt: nullableDateTime,
        createdAt: dateTime,
        sentiment: { type: ['string', 'null'], enum: ['positive', 'negative', 'mixed', 'neutral', null] },
        team: str,
        priority: { type: 'string', enum: enumOf(CasesQueryDto, 'priority') },
        dueAt: dateTime,
        escalations: { type: 'array', items: str, description: "escalation words found in the customer's words" },
        openedFor: {
          type: 'string',
          enum: ['negative_opinion', 'escalation_threat'],
          description: 'why the document is a case: a negative opinion, or without one a threat to escalate (我要投诉你们, 再不退款我就去银保监会举报)',
        },
        routedAt: dateTime,
        resolvedAt: nullableDateTime,
        breachNotifiedAt: nullableDateTime,
        assignee: { type: ['string', 'null'], description: 'the person of the team working the case (PATCH /v1/cases/{id}); null when nobody is' },
        excerpt: { type: 'string', description: "the customer's own words (a transcript's customer turns), as the document holds them, cut after 60 characters with …" },
        overdue: { type: 'boolean' },
      },
      ['documentId', 'team', 'priority', 'dueAt', 'overdue'],
    ),
    AtRiskCustomers: object({
      since: dateTime,
      churnThreshold: { type: 'number' },
      items: {
        type: 'array',
        items: object({
          customerId: str,
          emotion: { type: 'number', description: 'accumulated emotion over recent touchpoints; below zero is negative' },
          churnRisk: { type: 'boolean', description: 'emotion at or below churnThreshold' },
          touchpoints: { type: 'integer', minimum: 1 },
          lastTouchpointAt: dateTime,
        }),
      },
    }),
    Journey: object({
      customerId: str,
      method: { type: 'object', additionalProperties: true, description: 'the scoring parameters used' },
      touchpoints: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            documentId: str,
            at: dateTime,
            kind,
            channel: str,
            status,
            sentiment: { type: ['string', 'null'] },
            tags: { type: 'integer' },
            positive: { type: 'integer' },
            negative: { type: 'integer' },
            score: {
              ...nullable('number'),
              description:
                "-1..1: its opinions' confidence-weighted polarity; without opinions, its survey score's polarity (NPS 0-6 -1, 7-8 0, 9-10 +1; CSAT 1-2 -1, 3 0, 4-5 +1), else 0; null until processed",
            },
            emotion: { ...nullable('number'), description: 'accumulated emotion after this touchpoint' },
            survey: {
              anyOf: [object({ score: { type: 'integer' }, scale: { type: 'string', enum: ['nps', 'csat'] } }), { type: 'null' }],
              description: "the customer's NPS or CSAT answer on this touchpoint, if it carried one; it sets the score when the words hold no opinion",
            },
            routing: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }] },
          },
          additionalProperties: true,
        },
      },
      emotion: { type: 'number' },
      churnRisk: { type: 'boolean' },
    }),
    Kpi: {
      type: 'object',
      properties: {
        period: { ...object({ from: dateTime, to: dateTime }), description: 'the current period, both ends included' },
        previousPeriod: { ...object({ from: dateTime, to: dateTime }), description: 'the period of the same length just before it (as many whole TIME_ZONE days when the period is whole days; else as many milliseconds), both ends included: `to` is the millisecond before `period.from`' },
        categories: {
          type: 'array',
          description: 'negative share per category against the previous period of the same length, with a two-proportion z-test (Fisher\'s exact test when expected counts are below 5; `test` says which)',
          items: { type: 'object', additionalProperties: true },
        },
      },
      additionalProperties: true,
    },
    Health: object({ status: { type: 'string', enum: ['ok'] } }),
    Readiness: object(
      {
        status: { type: 'string', enum: ['ready', 'not_ready'] },
        reason: { type: 'string', description: 'why the instance is not ready when no dependency is to blame: a graceful shutdown has begun (checks is then empty)' },
        checks: { type: 'object', description: 'one entry per dependency (store, queue, model): its details, or {error}; model names its mode, version and lexiconVersion (lexicons/VERSION); store names its engine, the TIME_ZONE and tagDays: `current` once every stored tag counts on that zone\'s days, `moving` while a worker still moves them after a change (or has not yet started)', additionalProperties: true },
      },
      ['status', 'checks'],
    ),
  };
}
