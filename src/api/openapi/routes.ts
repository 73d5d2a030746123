import { CATEGORY_IDS } from '../../nlp/types.js';
import type { Role } from '../../store/records.js';
import {
  AtRiskQueryDto,
  CaseUpdateDto,
  CasesQueryDto,
  DeliveriesQueryDto,
  JourneyParamsDto,
  JourneyQueryDto,
  KpiQueryDto,
  RoutingTableDto,
  RuleDto,
  WebhookCreateDto,
  WebhookUpdateDto,
} from '../dto/actions-dto.js';
import { ApiKeysQueryDto, CreateApiKeyDto } from '../dto/api-key-dto.js';
import { CorrectionsDto, TagPatchDto } from '../dto/correction-dto.js';
import { BatchDto, CreateDocumentDto, METADATA_KEY } from '../dto/document-dto.js';
import { DocumentQueryDto, ExportQueryDto, CountedPageQueryDto, PageQueryDto, StatsQueryDto, TagQueryDto, RangeQueryDto } from '../dto/query-dto.js';
import { RetagListQueryDto, StartRetagDto } from '../dto/retag-dto.js';
import { ModelSwitchDto, TrainModelDto } from '../dto/model-dto.js';
import { TenantSettingsDto } from '../dto/settings-dto.js';
import { TaxonomyOverridesDto, TERM as TERM_RE } from '../dto/taxonomy-dto.js';
import { RevertCorrectionDto } from '../routes/corrections-routes.js';
import { AuditQueryDto, CustomerParamsDto } from '../routes/privacy-routes.js';
import { DriversQueryDto, NpsQueryDto } from '../routes/survey-routes.js';
import type { DtoClass, JsonSchema } from './dto-schema.js';
import { ref } from './schemas.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseDoc {
  description: string;
  /** A component schema name from schemas.ts, or an inline schema; omitted for empty bodies. */
  schema?: string | JsonSchema;
  /** Defaults to application/json. */
  mediaTypes?: string[];
}

export interface RouteDoc {
  method: HttpMethod;
  /** OpenAPI form: `/v1/documents/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Roles that may call (admin implies all); 'any' = any valid key; 'public' = no key at all. */
  roles: readonly Role[] | 'any' | 'public';
  /** Of the keys with those roles, only the platform (bootstrap) admin key: `x-platform-only: true`. */
  platformOnly?: true;
  body?: DtoClass;
  /** The handler treats a missing body as `{}`. */
  bodyOptional?: true;
  /**
   * What the DTO's metadata cannot say about a body property: the item class of an unknown[] that
   * the handler validates item by item, a null that a @ValidateIf condition lets through, or what a
   * custom @Validate class checks (`extra` is merged into the generated schema).
   */
  bodyHints?: Record<string, { items?: DtoClass; nullable?: true; extra?: JsonSchema }>;
  query?: DtoClass;
  /** A route other than a POST that takes an Idempotency-Key too (the guard mounted on the route itself). */
  idempotent?: true;
  /** Path parameters validated by a DTO; other `{name}` segments are documented as plain strings. */
  params?: DtoClass;
  responses: Record<number, ResponseDoc>;
}

const json = (description: string, schema: string | JsonSchema): ResponseDoc => ({ description, schema });
const READ: readonly Role[] = ['analyst', 'labeler'];
/** What an erasure did to retrained model versions (see docs/retrain.md, "Erasure"). */
const ERASED_MODELS: JsonSchema = {
  type: 'object',
  description: 'versions that learned from corrections on the erased documents are withdrawn (weights deleted); when the active one was, tagging falls back to the newest earlier version or the base model and a replacement is trained',
  properties: {
    withdrawn: { type: 'array', items: { type: 'string' } },
    active: { type: ['string', 'null'], description: 'the version tagging the tenant now (null: no model installed)' },
    retrainJob: { type: ['string', 'null'], description: 'training job for a replacement, when the active version was withdrawn' },
  },
  required: ['withdrawn', 'active', 'retrainJob'],
};
/** An erasure's answer: what it was asked to erase (`id` names the field), the counts, and the models it withdrew. */
const erased = (id: string): ResponseDoc =>
  json('what was erased', {
    type: 'object',
    properties: {
      [id]: { type: 'string' },
      deleted: { type: 'object', properties: { documents: { type: 'integer' }, tags: { type: 'integer' } }, required: ['documents', 'tags'] },
      models: ERASED_MODELS,
    },
    required: [id, 'deleted', 'models'],
  });
// Terms of the tenant lexicon: 1-20 Chinese characters, letters or digits (TermMap in taxonomy-dto.ts).
const TERM: JsonSchema = { pattern: TERM_RE.source };
/** POST /v1/models/train: the job it queued (existing false) or the one already queued or running (existing true). */
const trainingJob = (existing: boolean): JsonSchema => ({
  type: 'object',
  properties: {
    id: { type: 'string', description: 'the job id, for GET /v1/models/jobs/{id}' },
    status: existing ? { type: 'string', enum: ['queued', 'running'] } : { type: 'string', enum: ['queued'] },
    version: { type: 'string', description: 'the version the job produces' },
    existing: { type: 'boolean', const: existing },
  },
  required: ['id', 'status', 'version', 'existing'],
});

// One entry per route the app serves; tests/api/openapi.test.ts walks the real Express router and
// fails when a route is missing here (or listed here but no longer served).
export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    tag: 'health',
    roles: 'public',
    responses: { 200: json('the process is up', 'Health') },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness of store, queue and analyzer',
    description: 'Reports whether a trained model or the lexicon fallback is in use. Answers 503 with a reason from the moment a graceful shutdown begins, while in-flight requests finish.',
    tag: 'health',
    roles: 'public',
    responses: { 200: json('every dependency answers', 'Readiness'), 503: json('a dependency is down, or the instance is shutting down (reason)', 'Readiness') },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description:
      "Scrape with the platform admin key (GUANDIAN_ADMIN_KEY, or the key printed at first start) as bearer token. The series cover every tenant, so a tenant's admin key is a 403.",
    tag: 'ops',
    roles: ['admin'],
    platformOnly: true,
    responses: {
      200: { description: 'Prometheus text exposition format', schema: { type: 'string' }, mediaTypes: ['text/plain'] },
      403: json("not the platform admin key (a tenant's admin key included)", 'Error'),
    },
  },
  {
    method: 'post',
    path: '/v1/documents',
    summary: 'Ingest one document',
    description:
      'Comments and social posts carry `text`; transcripts carry `turns` instead (sending the other field is a 400). ' +
      'A survey answer carries its `score` and `scale`, and `text` only when the respondent wrote a comment: omitted, null, "" or blank text is ' +
      'stored as no text, tagged as nothing and counted in NPS/CSAT. ' +
      'The same (source, externalId) with the same content again is a 200 with the existing id; different content is a 409.',
    tag: 'documents',
    roles: ['ingest'],
    body: CreateDocumentDto,
    bodyHints: {
      text: { nullable: true },
      metadata: {
        extra: {
          maxProperties: 32,
          propertyNames: { pattern: METADATA_KEY.source },
          description: 'caller context (ticket id, app version …): at most 32 keys of ASCII letters, digits, _ and -, and 4 KB of JSON; string values are PII-masked like the text',
        },
      },
    },
    responses: {
      202: json('accepted and queued for tagging', 'Accepted'),
      200: json('already ingested with identical content', 'Duplicate'),
      409: json('a different document with this source and externalId exists', 'Error'),
    },
  },
  {
    method: 'post',
    path: '/v1/documents/batch',
    summary: 'Ingest up to 1,000 documents',
    description: 'Each item is validated on its own: one bad item is reported as rejected and never sinks the others.',
    tag: 'documents',
    roles: ['ingest'],
    body: BatchDto,
    bodyHints: { documents: { items: CreateDocumentDto } },
    responses: { 207: json('one result per item, in request order', 'BatchResult') },
  },
  {
    method: 'get',
    path: '/v1/documents',
    summary: 'List documents',
    tag: 'documents',
    roles: READ,
    query: DocumentQueryDto,
    responses: { 200: json('a page of documents (without tags)', 'DocumentPage') },
  },
  {
    method: 'get',
    path: '/v1/documents/{id}',
    summary: 'One document with its normalized text, status and tags',
    tag: 'documents',
    roles: READ,
    responses: { 200: json('the document', 'Document') },
  },
  {
    method: 'delete',
    path: '/v1/documents/{id}',
    summary: 'Erase one document with its tags, corrections, webhook deliveries and saved replies',
    description: 'For a request about one piece of feedback, or a document sent without a customerId. Audited as document.erase; the embedded store compacts its files before answering.',
    tag: 'privacy',
    roles: ['admin'],
    responses: { 200: erased('id') },
  },
  {
    method: 'post',
    path: '/v1/documents/{id}/retry',
    summary: 'Re-queue a document',
    tag: 'documents',
    roles: ['admin'],
    responses: { 202: json('queued again', 'Accepted') },
  },
  {
    method: 'post',
    path: '/v1/documents/{id}/corrections',
    summary: "Apply a labeler's corrections to a tagged document",
    description:
      'Actions: `{op:"accept"}`, `{op:"update",tagId,polarity?,category?,aspect?}`, `{op:"delete",tagId}`, ' +
      '`{op:"add",span,turnIndex?,aspect?,polarity,category}`. All are validated before any is applied. ' +
      '`add`: `span` is UTF-16 offsets into the text, or for a transcript into customer turn `turnIndex` (other kinds refuse `turnIndex`); ' +
      'a boundary inside a surrogate pair (half an emoji) is refused. The tag is stored as machine tags are: an `aspect` written in the span ' +
      'is cut out of the opinion (the label never repeats it) and `aspectSpan` points at it; otherwise `aspectSpan` points at the nearest ' +
      'mention in the same clause, or is null. `sentence` is the clause (as the pipeline splits it) holding the span; retraining learns from it. ' +
      '`update` must name polarity, category or aspect (else 400, nothing to change); a new aspect is handled as in PATCH /v1/tags/{id}. ' +
      'Values the tag already has are taken as the labeler\'s label like any other: the tag becomes theirs (source human, confidence 1, kept ' +
      'through re-tags) and the update is a correction retraining learns from and is judged on. To confirm machine tags without that, use `accept`. ' +
      '`tagsVersion` (optional): the document\'s `tagsVersion` as the client loaded it; if the tags have changed since (a re-tag replaced them, ' +
      'another labeler corrected them), nothing is applied and the answer is a 409 naming `tagsVersion`: load the document again.',
    tag: 'labeling',
    roles: ['labeler'],
    body: CorrectionsDto,
    responses: {
      200: json('the document after the corrections', 'Document'),
      409: json('another request changed this document for more than 10 s (send it again), or the tags are not those of `tagsVersion` (load the document again); nothing was changed', 'Error'),
    },
  },
  {
    method: 'post',
    path: '/v1/documents/{id}/corrections/revert',
    summary: "Undo the latest correction of one tag (the labeling queue's undo)",
    description:
      'Undoes the latest `update`, `add` or `delete` of `tagId` on this document that is still in effect (an `accept` stays): an updated tag ' +
      "gets back what it had before, for a machine tag its source, confidence and model version; an added tag goes; a deleted tag returns under " +
      'its id and its span is no longer kept from the model. A document left with no correction or accept in effect is unreviewed again and back ' +
      'in GET /v1/labeling/queue. The log keeps the undone correction and a `revert` naming it (audited as `correction.revert`); retraining and ' +
      'GET /v1/corrections/export skip both. 409 (details name `tagId`) when nothing is left to undo, the correction was made with another key, ' +
      'or the document was re-tagged since; also (details name `documentId`) when another request held the document for more than 10 s.',
    tag: 'labeling',
    roles: ['labeler'],
    body: RevertCorrectionDto,
    responses: { 200: json('the document after the undo', 'Document'), 409: json('nothing to undo, not your correction, or re-tagged since', 'Error') },
  },
  {
    method: 'get',
    path: '/v1/tags',
    summary: 'Search tags',
    description:
      "A tag's `source` is where it came from (model, rule, human); the document's channel is `channel`. Newest feedback first, each " +
      "document's tags together. A page holds whole documents: at most `limit` tags, more only when its first document alone has more " +
      "(then all of that one). The cursor names the last document listed, so a re-tag between two pages (it writes new tag ids) " +
      "cannot make the listing miss or repeat a document's tags: they are read together, from before the re-tag or after it.",
    tag: 'tags',
    roles: READ,
    query: TagQueryDto,
    responses: { 200: json('a page of tags', 'TagPage') },
  },
  {
    method: 'get',
    path: '/v1/tags/export',
    summary: 'Export tags as CSV or JSON Lines',
    description:
      'Same filters as GET /v1/tags; it streams every matching tag in its order (read in pages of whole documents, so a re-tag ' +
      "running meanwhile cannot make it miss or repeat a document's tags), so there is no paging: `limit` or `cursor` " +
      'is a 400. CSV is UTF-8 with a BOM so Excel shows Chinese.',
    tag: 'tags',
    roles: READ,
    query: ExportQueryDto,
    responses: {
      200: { description: 'the matching tags, streamed as an attachment', schema: { type: 'string' }, mediaTypes: ['text/csv', 'application/x-ndjson'] },
    },
  },
  {
    method: 'get',
    path: '/v1/corrections/export',
    summary: 'Export labeler corrections as training examples (JSON Lines)',
    description:
      'One JSON line per correction: `{id, documentId, op, text, sentiment, category, aspect, opinion, supersededBy, before, after, actor, at}`. ' +
      '`text` is the clause holding the tag (its `sentence`, as the pipeline splits the text) for every op: for `update` and `add` the clause ' +
      'the new label applies to, for `delete` the clause the deleted opinion was found in (what a model should learn says nothing there). ' +
      'Only where the log does not hold the clause (a delete recorded before corrections kept the deleted tag, or an added tag deleted since) is `text` ' +
      'the opinion instead. `sentiment`, `category`, `aspect` and `opinion` are the label after the correction (null on a delete). ' +
      '`supersededBy` is the id of the added tag that replaced the deleted tag (a labeler\'s `add` over a machine tag, or over their own tag on the ' +
      'same span): not a judgement that there is no opinion there, so not training data; null on every other line. ' +
      'Accepts are left out, and so are undone corrections with the reverts that undid them (POST /v1/documents/{id}/corrections/revert). ' +
      'Feed the file to `npm run train`.',
    tag: 'labeling',
    roles: ['labeler'],
    query: RangeQueryDto,
    responses: {
      200: { description: 'corrections, streamed as an attachment', schema: { type: 'string' }, mediaTypes: ['application/x-ndjson'] },
    },
  },
  {
    method: 'patch',
    path: '/v1/tags/{id}',
    summary: 'Change polarity, category or aspect of one tag',
    description:
      'Name at least one of polarity, category, aspect: an empty body is refused (400, nothing to change) rather than turning a machine tag ' +
      'into a correction. A value the tag already has is taken as given (the tag becomes the labeler\'s, as with any change). A new aspect regroups the tag as the pipeline would (`canonicalAspect`: 网速 → 网络) and `aspectSpan` points at it ' +
      "where the opinion's clause mentions it, else null, the span then being the opinion alone; `aspect: null` removes the aspect.",
    tag: 'labeling',
    roles: ['labeler'],
    body: TagPatchDto,
    responses: { 200: json('the updated tag', 'Tag'), 409: json("another request changed the tag's document for more than 10 s; nothing was changed, send it again", 'Error') },
  },
  {
    method: 'get',
    path: '/v1/stats/summary',
    summary: 'Counts by category × polarity, by day, by channel; top negative aspects',
    tag: 'tags',
    roles: READ,
    query: StatsQueryDto,
    responses: { 200: json('the summary', 'StatsSummary') },
  },
  {
    method: 'get',
    path: '/v1/stats/nps',
    summary: 'NPS or CSAT over time, with 95% confidence intervals',
    description:
      'Defaults: `scale=nps`, `interval=week` (ISO weeks starting Monday). Counts scored survey answers. ' +
      'Intervals hold on small samples: adjusted Wald (Rocks 2016) for NPS, Wilson for CSAT (docs/actions.md).',
    tag: 'surveys',
    roles: READ,
    query: NpsQueryDto,
    responses: { 200: json('the overall score and one entry per period', 'NpsTrend') },
  },
  {
    method: 'get',
    path: '/v1/stats/drivers',
    summary: 'Which negative themes drag NPS (or CSAT) down',
    description:
      'For each category and frequent aspect in negative tags of NPS answers (`scale=csat`: CSAT answers): its share among detractors and promoters, and the estimated score without it. ' +
      "Aspects group by the tag's `canonicalAspect` (else its aspect), as the dashboard's top aspects do. On CSAT, detractors are the answers scoring 1-3 and promoters the satisfied 4-5. " +
      'Rows under `minCount` answers (default 30) are flagged `lowSample`.',
    tag: 'surveys',
    roles: READ,
    query: DriversQueryDto,
    responses: { 200: json('driver rows by category and by aspect', 'NpsDrivers') },
  },
  {
    method: 'get',
    path: '/v1/labeling/queue',
    summary: 'Unreviewed tagged documents, lowest confidence first',
    tag: 'labeling',
    roles: ['labeler'],
    query: CountedPageQueryDto,
    responses: { 200: json('a page of documents with their tags', 'DocumentPage') },
  },
  {
    method: 'get',
    path: '/v1/taxonomy',
    summary: "The CX categories with Chinese and English labels, and the tenant's lexicon additions",
    tag: 'tags',
    roles: READ,
    responses: { 200: json('the taxonomy', 'Taxonomy') },
  },
  {
    method: 'get',
    path: '/v1/taxonomy/suggestions',
    summary: 'Lexicon entries suggested by the opinions labelers added',
    description:
      "An added tag is an opinion the rules missed; retraining cannot teach the rules to find it, the tenant lexicon can. Lists the evaluative words (and unknown aspect terms) of the added tags still in effect that the tenant's lexicon does not hold yet, with the labelers' polarity and category and up to three examples each. Add the ones you agree with through PUT /v1/taxonomy, then re-tag (POST /v1/retag-jobs).",
    tag: 'tags',
    roles: ['admin'],
    responses: { 200: json('the suggestions', 'LexiconSuggestions') },
  },
  {
    method: 'put',
    path: '/v1/taxonomy',
    summary: "Replace the tenant's lexicon additions (aspect terms, sentiment words)",
    description:
      'Each part the body sends (aspects, sentiment) replaces that part; a part left out is kept ({} clears a part; a body with neither is a 400). New documents use them at once; already tagged documents change only when re-tagged (POST /v1/retag-jobs).',
    tag: 'tags',
    roles: ['admin'],
    body: TaxonomyOverridesDto,
    bodyHints: {
      aspects: { extra: { propertyNames: TERM, maxProperties: 2000, additionalProperties: { type: 'string', enum: [...CATEGORY_IDS] } } },
      sentiment: {
        extra: {
          propertyNames: TERM,
          maxProperties: 2000,
          additionalProperties: { type: 'number', minimum: -2, maximum: 2, not: { const: 0 }, description: 'strength: negative words below zero' },
        },
      },
    },
    responses: { 200: json('the taxonomy with the new additions', 'Taxonomy') },
  },
  {
    method: 'post',
    path: '/v1/api-keys',
    summary: 'Create an API key',
    description: 'The key is shown once, in this response. Only the platform (bootstrap) key may create keys for another tenant.',
    tag: 'admin',
    roles: ['admin'],
    body: CreateApiKeyDto,
    responses: { 201: json('the new key, with its secret', 'NewApiKey') },
  },
  {
    method: 'get',
    path: '/v1/api-keys',
    summary: "List the tenant's API keys",
    description: 'One tenant\'s keys, oldest first: the caller\'s, or with `tenant` another one\'s (only the platform key may name another tenant; others get a 403).',
    tag: 'admin',
    roles: ['admin'],
    query: ApiKeysQueryDto,
    responses: { 200: json('keys without their secrets', 'ApiKeyList') },
  },
  {
    method: 'delete',
    path: '/v1/api-keys/{id}',
    summary: 'Revoke an API key',
    description:
      'Revoking a revoked key again is a 204 that changes nothing. A revoke never leaves nobody to manage keys: the last platform ' +
      "key, or (by the tenant's own admin) the tenant's last admin key, is a 409 `last_admin_key` naming it in `details` " +
      '(`id`, `tenant`, `platform`) and the key keeps working. Create another admin key first; a platform key is replaced by ' +
      "setting GUANDIAN_ADMIN_KEY and restarting. In tenant default the platform key counts as one of its admin keys. The platform key " +
      "may revoke a tenant's last admin key.",
    tag: 'admin',
    roles: ['admin'],
    responses: { 204: { description: 'revoked' }, 409: json("the last platform key, or the tenant's last admin key: nothing was revoked", 'Error') },
  },
  {
    method: 'get',
    path: '/v1/me',
    summary: "The calling key's id, tenant and roles, and whether it is the platform key",
    tag: 'admin',
    roles: 'any',
    responses: { 200: json('the caller', 'Me') },
  },
  {
    method: 'delete',
    path: '/v1/customers/{customerId}',
    summary: "Erase one customer's documents and tags",
    tag: 'privacy',
    roles: ['admin'],
    params: CustomerParamsDto,
    responses: { 200: erased('customerId') },
  },
  {
    method: 'get',
    path: '/v1/tenant/settings',
    summary: "The tenant's PII policy and retention",
    tag: 'privacy',
    roles: ['admin'],
    responses: { 200: json('the settings', 'TenantSettings') },
  },
  {
    method: 'put',
    path: '/v1/tenant/settings',
    summary: "Change the tenant's PII policy or retention",
    description: '`retentionDays: null` keeps documents forever; an omitted field is left unchanged.',
    tag: 'privacy',
    roles: ['admin'],
    body: TenantSettingsDto,
    bodyHints: { retentionDays: { nullable: true } },
    responses: { 200: json('the settings after the change', 'TenantSettings') },
  },
  {
    method: 'get',
    path: '/v1/audit',
    summary: 'Audit log of administrative and labeling actions, newest first',
    tag: 'privacy',
    roles: ['admin'],
    query: AuditQueryDto,
    responses: { 200: json('a page of audit entries', 'AuditPage') },
  },
  {
    method: 'post',
    path: '/v1/retag-jobs',
    summary: 'Re-tag documents (finished, queued or in analysis), e.g. after a new model is promoted',
    description:
      'Every matching done or failed document is queued again; human tags are kept and machine tags replaced with the current ' +
      "model's. `channel` is the document's source; `from`/`to` bound when the feedback happened (`occurredAt`, else when it was " +
      'received), inclusive, as the feed and the dashboard read them: a date alone is 00:00 in `TIME_ZONE`. `from` after `to` is a 400 ' +
      'naming `from`. No filter re-tags the whole tenant. `reason` (default `manual`; `lexicon` after a change to the tenant lexicon) ' +
      'is kept with the job for GET /v1/retag-jobs.',
    tag: 'admin',
    roles: ['admin'],
    body: StartRetagDto,
    bodyOptional: true,
    responses: {
      202: json('started', { type: 'object', properties: { id: { type: 'string' }, total: { type: 'integer', minimum: 0 } }, required: ['id', 'total'] }),
    },
  },
  {
    method: 'get',
    path: '/v1/retag-jobs',
    summary: "The tenant's re-tag jobs, newest first, with their progress",
    description:
      'Each job as GET /v1/retag-jobs/{id} answers it, with who started it (`createdBy`, a key id) and why (`reason`: a promotion or ' +
      'rollback names the version it made active and the one before; null for jobs started before reasons were kept). `limit` ' +
      'defaults to 20; page on with `cursor` set to the previous page\'s nextCursor. `status` keeps the jobs whose status is that now ' +
      '(counted as the items are, so a page may take longer to fill when few jobs match); `cancelled` keeps the jobs an admin cancelled ' +
      '(POST /v1/retag-jobs/{id}/cancel).',
    tag: 'admin',
    roles: ['admin'],
    query: RetagListQueryDto,
    responses: { 200: json('a page of re-tag jobs', 'RetagJobPage') },
  },
  {
    method: 'get',
    path: '/v1/retag-jobs/{id}',
    summary: 'Progress of a re-tag job',
    tag: 'admin',
    roles: ['admin'],
    responses: { 200: json('the job and how far it got', 'RetagJob') },
  },
  {
    method: 'post',
    path: '/v1/retag-jobs/{id}/cancel',
    summary: 'Cancel a running re-tag job',
    description:
      'No body. No more documents are marked (a process restarted after a crash does not resume it either). The documents it ' +
      'queued that no worker has finished yet are released without being analyzed again: they keep the tags of their last ' +
      'analysis and go back to done (failed if they had failed before; one never analyzed stays queued for its own analysis). ' +
      'A document a worker is analyzing at that moment is queued once more, so its tags and its fields stay from one analysis. ' +
      'Answers the job as GET /v1/retag-jobs/{id} does: status `cancelled`, `done` the documents re-tagged before the cancel. ' +
      'Cancelling a cancelled job again changes nothing and answers the same (it finishes a release a crash interrupted); a job ' +
      'that is already done is a 409 naming `status`, as is one whose last documents the workers finish while the cancel is ' +
      'stored (nothing was left to release: the job stays done).',
    tag: 'admin',
    roles: ['admin'],
    responses: { 200: json('the job, cancelled', 'RetagJob'), 409: json('the job is done: nothing left to cancel', 'Error') },
  },
  {
    method: 'post',
    path: '/v1/models/train',
    summary: "Train a new version of the tenant's model from its corrections",
    description:
      'Queues a job that fits a head over the frozen shipped model on the base training features plus every correction, then ' +
      'evaluates it against the active version (regression set, and the new corrections cross-validated). No Python runs. ' +
      'While a job is queued or running for the tenant, a second request answers 200 with that job (`existing: true`) instead of queueing another.',
    tag: 'models',
    roles: ['admin'],
    body: TrainModelDto,
    bodyOptional: true,
    responses: {
      202: json('queued: a new job (`existing: false`)', trainingJob(false)),
      200: json('a job is already queued or running for the tenant: that job (`existing: true`), which trains on the same corrections; nothing new is queued or audited', trainingJob(true)),
      409: json(
        '`nothing_to_learn`: the corrections log holds nothing to train on (the message says what it holds instead, e.g. deletions that are not training data, and `details` gives each count as `{field: "corrections", code, params: {n}}`, code one of `deletes_of_human`, `deletes_superseded`, `deletes_of_neutral`, `deletes_without_clause`, `accepted`); no job is queued and no version number is used up. `conflict`: no model is installed (MODEL_DIR holds none)',
        'Error',
      ),
    },
  },
  {
    method: 'get',
    path: '/v1/models/jobs/{id}',
    summary: 'Progress of a training job (phase and percent)',
    tag: 'models',
    roles: ['admin'],
    responses: { 200: json('the job', 'ModelJob') },
  },
  {
    method: 'get',
    path: '/v1/models',
    summary: "The tenant's model versions, newest first, and the active one",
    tag: 'models',
    roles: ['analyst', 'labeler'],
    responses: { 200: json('versions with metrics and gate verdicts', 'ModelList') },
  },
  {
    method: 'get',
    path: '/v1/models/{version}',
    summary: 'One model version',
    tag: 'models',
    roles: ['analyst', 'labeler'],
    responses: { 200: json('the version', 'ModelVersion') },
  },
  {
    method: 'post',
    path: '/v1/models/{version}/promote',
    summary: 'Make a trained version the one that tags this tenant',
    description:
      'Refused with 409 `gate_failed` (the reasons in `details`) unless the version is at least as good as the active one on the ' +
      'regression set and better on the corrections it did not train on. Workers switch within seconds, without a restart; ' +
      'then the documents are re-tagged (human tags kept) unless `retag` is false; `channel`, `kind`, `from` and `to` narrow ' +
      'that re-tag as in POST /v1/retag-jobs, and an inverted range is refused before the version changes.',
    tag: 'models',
    roles: ['admin'],
    body: ModelSwitchDto,
    bodyOptional: true,
    responses: { 200: json('promoted', 'ModelSwitch'), 409: json('refused by the gate, or already active', 'Error') },
  },
  {
    method: 'post',
    path: '/v1/models/rollback',
    summary: 'Return to the version active before the current one',
    tag: 'models',
    roles: ['admin'],
    body: ModelSwitchDto,
    bodyOptional: true,
    responses: { 200: json('rolled back', 'ModelSwitch'), 409: json('nothing to roll back to', 'Error') },
  },
  {
    method: 'get',
    path: '/v1/webhooks',
    summary: 'List webhook endpoints',
    tag: 'actions',
    roles: ['admin'],
    responses: { 200: json('endpoints without their secrets', 'WebhookList') },
  },
  {
    method: 'post',
    path: '/v1/webhooks',
    summary: 'Add a webhook endpoint',
    description: 'Deliveries are signed with the returned secret, which is shown only here (and on rotation).',
    tag: 'actions',
    roles: ['admin'],
    body: WebhookCreateDto,
    responses: { 201: json('the endpoint and its signing secret', 'WebhookWithSecret') },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}',
    summary: 'One webhook endpoint',
    tag: 'actions',
    roles: ['admin'],
    responses: { 200: json('the endpoint', 'Webhook') },
  },
  {
    method: 'patch',
    path: '/v1/webhooks/{id}',
    summary: 'Change or pause a webhook endpoint, or rotate its secret',
    description:
      '`rotateSecret: true` issues a new secret (in this response only); the old one stops working at once. ' +
      'Send an Idempotency-Key to retry safely: a retried rotation replays the first answer, with its secret, instead of rotating again.',
    tag: 'actions',
    roles: ['admin'],
    idempotent: true,
    body: WebhookUpdateDto,
    responses: { 200: json('the endpoint; `secret` only when rotated', 'WebhookWithSecret') },
  },
  {
    method: 'delete',
    path: '/v1/webhooks/{id}',
    summary: 'Remove a webhook endpoint',
    description: 'Refused with 409 webhook_in_use (details name the rules) while an alert rule sends to it.',
    tag: 'actions',
    roles: ['admin'],
    responses: { 204: { description: 'removed' }, 409: json('an alert rule still sends to it', 'Error') },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    summary: 'Recent deliveries to an endpoint, newest first',
    description: 'Page back with `cursor` set to the previous page\'s nextCursor; `before` (a time) starts the log at that moment.',
    tag: 'actions',
    roles: ['admin'],
    query: DeliveriesQueryDto,
    responses: { 200: json('deliveries', 'WebhookDeliveryList') },
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/deliveries/{deliveryId}/retry',
    summary: 'Send a failed delivery again',
    description:
      'The same event under the same delivery id, pending again with a fresh budget of WEBHOOK_ATTEMPTS attempts: for a receiver that was down longer than the retries last. No body. Audited as `webhook.redeliver`.',
    tag: 'actions',
    roles: ['admin'],
    responses: {
      202: json('pending again, queued for delivery', { type: 'object', properties: { deliveryId: { type: 'string' }, status: { type: 'string', enum: ['pending'] } }, required: ['deliveryId', 'status'] }),
      404: json('no such webhook, or no such delivery of it', 'Error'),
      409: json('`delivery_not_failed` (naming `status`): only a failed delivery is sent again; `webhook_inactive`: the endpoint is inactive', 'Error'),
    },
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/test',
    summary: 'Send a test event to an endpoint',
    tag: 'actions',
    roles: ['admin'],
    responses: {
      202: json('queued for delivery', { type: 'object', properties: { deliveryId: { type: 'string' } }, required: ['deliveryId'] }),
      409: json('`webhook_inactive`: the endpoint is inactive; nothing is queued or logged', 'Error'),
    },
  },
  {
    method: 'get',
    path: '/v1/rules',
    summary: 'List alert rules',
    tag: 'actions',
    roles: ['admin'],
    responses: { 200: json('the rules', 'RuleList') },
  },
  {
    method: 'post',
    path: '/v1/rules',
    summary: 'Create an alert rule',
    description: '`document` rules fire per matching document (`match`), `threshold` rules on a spike of negative share (`threshold`), `sla_breach` rules when a routed case goes overdue (`teams`).',
    tag: 'actions',
    roles: ['admin'],
    body: RuleDto,
    responses: { 201: json('the rule', 'Rule') },
  },
  {
    method: 'get',
    path: '/v1/rules/{id}',
    summary: 'One alert rule',
    tag: 'actions',
    roles: ['admin'],
    responses: { 200: json('the rule', 'Rule') },
  },
  {
    method: 'put',
    path: '/v1/rules/{id}',
    summary: 'Replace an alert rule',
    tag: 'actions',
    roles: ['admin'],
    body: RuleDto,
    responses: { 200: json('the rule', 'Rule') },
  },
  {
    method: 'delete',
    path: '/v1/rules/{id}',
    summary: 'Delete an alert rule',
    tag: 'actions',
    roles: ['admin'],
    responses: { 204: { description: 'deleted' } },
  },
  {
    method: 'get',
    path: '/v1/routing',
    summary: 'The complaint routing table',
    tag: 'actions',
    roles: ['admin'],
    responses: { 200: json('the table (defaults until one is saved)', 'RoutingTable') },
  },
  {
    method: 'put',
    path: '/v1/routing',
    summary: 'Replace the complaint routing table',
    description:
      'Negative documents, and documents whose customer threatens to escalate (an escalation word in a threat frame: 我要投诉你们), go to the first entry whose keywords appear in the text or whose categories match a negative tag, else to the default team. `surveyCases` narrows which scored survey answers a negative opinion makes a case of (a threat opens one whatever the score). A bad value is a 400 naming its field. A changed table applies to documents routed from then on, and to existing ones when a re-tag or a correction routes them again.',
    tag: 'actions',
    roles: ['admin'],
    body: RoutingTableDto,
    responses: { 200: json('the saved table', 'RoutingTable') },
  },
  {
    method: 'get',
    path: '/v1/cases',
    summary: 'Routed complaints with their team, priority and SLA',
    description: 'Only an open case can be overdue: overdue=true with status=resolved is a 400 naming overdue. `assignee=none` lists the cases nobody is assigned to.',
    tag: 'actions',
    roles: READ,
    query: CasesQueryDto,
    responses: {
      200: json('a page of cases', {
        type: 'object',
        properties: { items: { type: 'array', items: ref('Case') }, nextCursor: { type: ['string', 'null'] } },
        required: ['items'],
      }),
    },
  },
  {
    method: 'get',
    path: '/v1/cases/assignees',
    summary: 'Whom a case can be assigned to, with the open cases each holds',
    description:
      "The names of the tenant's live keys of people who work cases (analyst, labeler or admin; not ingest-only keys, not the operator's bootstrap key) " +
      'and everyone open cases are assigned to now, sorted by name; openCases counts the open cases each holds.',
    tag: 'actions',
    roles: READ,
    responses: {
      200: json('the assignees', {
        type: 'object',
        properties: {
          items: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, openCases: { type: 'integer', minimum: 0 } }, required: ['name', 'openCases'] },
          },
        },
        required: ['items'],
      }),
    },
  },
  {
    method: 'patch',
    path: '/v1/cases/{id}',
    summary: "Assign a case to a person of its team, or unassign it",
    description:
      'The id is the document id. `assignee` is free text (a person id or name), trimmed, 1 to 100 characters; null unassigns; `none` is reserved for the unassigned filter of GET /v1/cases. ' +
      'Audited as case.assign (a repeat of the same assignee changes and logs nothing). A case that moves to another team loses its assignee.',
    tag: 'actions',
    roles: READ,
    body: CaseUpdateDto,
    // null unassigns (a @ValidateIf, not an @IsOptional, so the generator cannot tell)
    bodyHints: { assignee: { nullable: true } },
    responses: { 200: json('the case', 'Case') },
  },
  {
    method: 'post',
    path: '/v1/cases/{id}/resolve',
    summary: 'Mark a case resolved',
    description: 'The id is the document id.',
    tag: 'actions',
    roles: READ,
    responses: { 200: json('the resolved case', 'Case') },
  },
  {
    method: 'get',
    path: '/v1/customers/at-risk',
    summary: 'Customers whose recent feedback trends negative',
    tag: 'insights',
    roles: READ,
    query: AtRiskQueryDto,
    responses: { 200: json('customers below zero, most negative first', 'AtRiskCustomers') },
  },
  {
    method: 'get',
    path: '/v1/customers/{id}/journey',
    summary: "One customer's touchpoints, oldest first",
    tag: 'insights',
    roles: READ,
    params: JourneyParamsDto,
    query: JourneyQueryDto,
    responses: { 200: json("the customer's newest touchpoints, in time order", 'Journey') },
  },
  {
    method: 'get',
    path: '/v1/stats/kpi',
    summary: 'Headline KPIs over a period (default: the last 7 days, today included)',
    description:
      'Negative share per category from `from` to `to` against the period of the same length just before it (as many whole TIME_ZONE days when the period is whole days, so across a daylight-saving change it is an hour longer or shorter; else as many milliseconds). `from` and `to` are inclusive instants read as on every date filter (a date alone is 00:00 in TIME_ZONE; the console sends `to` as the day\'s 23:59:59.999), so the current period counts what GET /v1/stats/summary counts for the same from, to, channel and kind; `previousPeriod.to` is the millisecond before `from`. Without from and to, the period is the last 7 whole TIME_ZONE days, today included; with one of them, the other is now (`to`) or 7 × 24 h before `to` (`from`).',
    tag: 'insights',
    roles: READ,
    query: KpiQueryDto,
    responses: { 200: json('the KPIs', 'Kpi') },
  },
];
