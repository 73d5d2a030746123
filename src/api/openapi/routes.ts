import type { Role } from '../../store/records.js';
import { CreateApiKeyDto } from '../dto/api-key-dto.js';
import { CorrectionsDto, TagPatchDto } from '../dto/correction-dto.js';
import { BatchDto, CreateDocumentDto } from '../dto/document-dto.js';
import { DocumentQueryDto, ExportQueryDto, PageQueryDto, StatsQueryDto, TagQueryDto } from '../dto/query-dto.js';
import { TenantSettingsDto } from '../dto/settings-dto.js';
import { AuditQueryDto, CustomerParamsDto } from '../routes/privacy-routes.js';
import type { DtoClass, JsonSchema } from './dto-schema.js';

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
  body?: DtoClass;
  /**
   * What the DTO's metadata cannot say about a body property: the item class of an unknown[] that
   * the handler validates item by item, or a null that a @ValidateIf condition lets through.
   */
  bodyHints?: Record<string, { items?: DtoClass; nullable?: true }>;
  query?: DtoClass;
  /** Path parameters validated by a DTO; other `{name}` segments are documented as plain strings. */
  params?: DtoClass;
  responses: Record<number, ResponseDoc>;
}

const json = (description: string, schema: string | JsonSchema): ResponseDoc => ({ description, schema });
const READ: readonly Role[] = ['analyst', 'labeler'];

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
    description: 'Reports whether a trained model or the lexicon fallback is in use.',
    tag: 'health',
    roles: 'public',
    responses: { 200: json('every dependency answers', 'Readiness'), 503: json('a dependency is down', 'Readiness') },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description: 'Scrape with the admin key as bearer token.',
    tag: 'ops',
    roles: ['admin'],
    responses: { 200: { description: 'Prometheus text exposition format', schema: { type: 'string' }, mediaTypes: ['text/plain'] } },
  },
  {
    method: 'post',
    path: '/v1/documents',
    summary: 'Ingest one document',
    description:
      'Comments and social posts carry `text`; transcripts carry `turns` instead (sending the other field is a 400). ' +
      'The same (source, externalId) with the same content again is a 200 with the existing id; different content is a 409.',
    tag: 'documents',
    roles: ['ingest'],
    body: CreateDocumentDto,
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
      '`{op:"add",span,turnIndex?,aspect?,polarity,category}`. All are validated before any is applied.',
    tag: 'labeling',
    roles: ['labeler'],
    body: CorrectionsDto,
    responses: { 200: json('the document after the corrections', 'Document') },
  },
  {
    method: 'get',
    path: '/v1/tags',
    summary: 'Search tags',
    description: "A tag's `source` is where it came from (model, rule, human); the document's channel is `channel`.",
    tag: 'tags',
    roles: READ,
    query: TagQueryDto,
    responses: { 200: json('a page of tags', 'TagPage') },
  },
  {
    method: 'get',
    path: '/v1/tags/export',
    summary: 'Export tags as CSV or JSON Lines',
    description: 'Same filters as GET /v1/tags. CSV is UTF-8 with a BOM so Excel shows Chinese.',
    tag: 'tags',
    roles: READ,
    query: ExportQueryDto,
    responses: {
      200: { description: 'the matching tags, streamed as an attachment', schema: { type: 'string' }, mediaTypes: ['text/csv', 'application/x-ndjson'] },
    },
  },
  {
    method: 'patch',
    path: '/v1/tags/{id}',
    summary: 'Change polarity, category or aspect of one tag',
    tag: 'labeling',
    roles: ['labeler'],
    body: TagPatchDto,
    responses: { 200: json('the updated tag', 'Tag') },
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
    path: '/v1/labeling/queue',
    summary: 'Unreviewed tagged documents, lowest confidence first',
    tag: 'labeling',
    roles: ['labeler'],
    query: PageQueryDto,
    responses: { 200: json('a page of documents with their tags', 'DocumentPage') },
  },
  {
    method: 'get',
    path: '/v1/taxonomy',
    summary: 'The CX categories with Chinese and English labels',
    tag: 'tags',
    roles: READ,
    responses: { 200: json('the taxonomy', 'Taxonomy') },
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
    tag: 'admin',
    roles: ['admin'],
    responses: { 200: json('keys without their secrets', 'ApiKeyList') },
  },
  {
    method: 'delete',
    path: '/v1/api-keys/{id}',
    summary: 'Revoke an API key',
    tag: 'admin',
    roles: ['admin'],
    responses: { 204: { description: 'revoked' } },
  },
  {
    method: 'get',
    path: '/v1/me',
    summary: "The calling key's id, tenant and roles",
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
    responses: {
      200: json('what was erased', {
        type: 'object',
        properties: {
          customerId: { type: 'string' },
          deleted: { type: 'object', properties: { documents: { type: 'integer' }, tags: { type: 'integer' } }, required: ['documents', 'tags'] },
        },
        required: ['customerId', 'deleted'],
      }),
    },
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
];
