import { CATEGORY_IDS } from '../../nlp/types.js';
import { ROLES } from '../../store/records.js';
import type { JsonSchema } from './dto-schema.js';

// Response shapes are written by hand: they come from presenters (plain functions), which carry no
// metadata to generate from. Keep them in step with src/api/presenters.ts and the route handlers.

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const str: JsonSchema = { type: 'string' };
const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const nullableDateTime: JsonSchema = { type: ['string', 'null'], format: 'date-time' };
const polarity: JsonSchema = { type: 'string', enum: ['positive', 'negative', 'neutral'] };
const category: JsonSchema = { type: 'string', enum: [...CATEGORY_IDS] };
const kind: JsonSchema = { type: 'string', enum: ['comment', 'transcript', 'social'] };
const status: JsonSchema = { type: 'string', enum: ['queued', 'processing', 'done', 'failed'] };
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

export const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
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
      source: { type: 'string', enum: ['model', 'rule', 'human'] },
      modelVersion: str,
      kind,
      channel: { ...str, description: "the document's source at ingest" },
      occurredAt: nullableDateTime,
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
      text: { ...nullable('string'), description: 'stored after PII masking; null for transcripts' },
      turns: { anyOf: [{ type: 'array', items: ref('Turn') }, { type: 'null' }] },
      normalizedText: nullable('string'),
      status,
      error: nullable('string'),
      sentiment: { type: ['string', 'null'], enum: ['positive', 'negative', 'mixed', 'neutral', null] },
      modelVersion: nullable('string'),
      reviewed: { type: 'boolean' },
      customerId: nullable('string'),
      occurredAt: nullableDateTime,
      metadata: nullable('object'),
      attempts: { type: 'integer' },
      createdAt: nullableDateTime,
      updatedAt: nullableDateTime,
      processedAt: nullableDateTime,
      tags: { type: 'array', items: ref('Tag'), description: 'present on single-document responses' },
    },
    ['id', 'kind', 'source', 'externalId', 'status', 'reviewed', 'createdAt'],
  ),
  DocumentPage: page('Document'),
  TagPage: page('Tag'),
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
  Me: object({ id: str, tenant: str, roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } } }),
  Taxonomy: object({
    version: str,
    categories: { type: 'array', items: object({ id: category, zh: str, en: str }) },
  }),
  StatsSummary: object({
    byCategory: { type: 'array', items: counts('category', category) },
    byDay: { type: 'array', items: counts('day', { ...str, format: 'date' }) },
    byChannel: { type: 'array', items: counts('channel', str) },
    topNegativeAspects: { type: 'array', items: object({ aspect: str, category, count: { type: 'integer' } }) },
  }),
  TenantSettings: object({
    piiPolicy: { type: 'string', enum: ['mask', 'hash', 'keep'] },
    retentionDays: { ...nullable('integer'), minimum: 1, description: 'null keeps documents forever' },
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
  Health: object({ status: { type: 'string', enum: ['ok'] } }),
  Readiness: object({
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    checks: { type: 'object', description: 'one entry per dependency (store, queue, model): its details, or {error}', additionalProperties: true },
  }),
};
