import fs from 'node:fs';
import { allowNull, SchemaRegistry, type JsonSchema } from './dto-schema.js';
import { ROUTES, type ResponseDoc, type RouteDoc } from './routes.js';
import { ref, responseSchemas } from './schemas.js';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, JsonSchema>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    parameters: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

const TAGS = [
  { name: 'documents', description: 'Ingest feedback and read it back with its tags' },
  { name: 'tags', description: 'Search, export and summarize opinion tags' },
  { name: 'surveys', description: 'NPS and CSAT scores of survey answers, and what drives them' },
  { name: 'labeling', description: 'Human review and correction of tags' },
  { name: 'actions', description: 'Alert rules, webhooks, complaint routing and cases' },
  { name: 'insights', description: 'Customer journeys, churn risk and KPIs' },
  { name: 'admin', description: 'API keys, the calling key, re-tag jobs' },
  { name: 'models', description: 'Retraining from corrections: versions, the evaluation gate, promotion and rollback' },
  { name: 'privacy', description: 'Customer erasure, tenant PII and retention settings, audit log' },
  { name: 'health', description: 'Liveness and readiness probes (no key)' },
  { name: 'ops', description: 'Operator endpoints outside /v1' },
];

// src/api/openapi and dist/api/openapi are both three levels below the package root.
function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const IN_PROGRESS = 'idempotency_in_progress: a request with this Idempotency-Key is still running; retry after Retry-After seconds to get its response';
const errorResponse = (description: string): JsonSchema => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const ERROR_RESPONSES: Record<string, JsonSchema> = {
  BadRequest: errorResponse('validation_failed (details name every bad field) or invalid_json'),
  Unauthorized: errorResponse('missing, invalid or revoked API key'),
  Forbidden: errorResponse('the key lacks a role this route needs'),
  NotFound: errorResponse("not found (another tenant's id is also a 404)"),
  PayloadTooLarge: errorResponse('request body over the configured limit (1 MB by default)'),
  UnsupportedMediaType: errorResponse('request bodies must be application/json'),
  Internal: errorResponse('a bug; the errorId also appears in the server log'),
  HeadersTooLarge: errorResponse('headers_too_large: the request line and headers together exceed 64 KB'),
  ShuttingDown: {
    ...errorResponse('shutting_down: a graceful shutdown has begun; retry (on another instance, or after the restart)'),
    headers: { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } },
  },
  RateLimited: {
    ...errorResponse('rate_limited: this key is over its per-minute budget (RATE_LIMIT_PER_MINUTE)'),
    headers: { 'Retry-After': { description: 'seconds until the window resets', schema: { type: 'integer', minimum: 1 } } },
  },
  IdempotencyKeyReused: errorResponse('idempotency_key_reused: this Idempotency-Key was already used with a different request'),
  IdempotencyInProgress: {
    ...errorResponse(IN_PROGRESS),
    headers: { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } },
  },
};

const PARAMETERS: Record<string, JsonSchema> = {
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description: 'Your id for this request (1-64 of A-Z a-z 0-9 . _ : -); echoed back and logged. A new one is made when absent or malformed.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a POST (or a route that says so) safe to retry: the first response (below 500) is kept for a day and replayed, with `Idempotent-Replayed: true`, ' +
      'for the same key and body; the same key with a different request is a 422. The key is reserved while the first request runs: ' +
      'the same request sent meanwhile is a 409 `idempotency_in_progress` with Retry-After (exactly one of concurrent requests runs). ' +
      'A 5xx, 400 or 403 is not kept, nor an answer with Retry-After (a busy document\'s 409), so the key is free for a retry or the corrected request; a reservation whose request never answered (a crash) lapses after 2 minutes.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' },
  },
};
const paramRef = (name: string): JsonSchema => ({ $ref: `#/components/parameters/${name}` });
const errorRef = (name: string): JsonSchema => ({ $ref: `#/components/responses/${name}` });

function responseObject(r: ResponseDoc): JsonSchema {
  if (r.schema === undefined) return { description: r.description };
  const schema = typeof r.schema === 'string' ? ref(r.schema) : r.schema;
  const content: Record<string, JsonSchema> = {};
  for (const type of r.mediaTypes ?? ['application/json']) content[type] = { schema };
  return { description: r.description, content };
}

function rolesText(roles: RouteDoc['roles'], platformOnly = false): string {
  if (roles === 'public') return 'No API key needed.';
  if (roles === 'any') return 'Any valid API key.';
  if (platformOnly) return `Roles: ${roles.join(', ')}, and only the platform (bootstrap) admin key: a tenant's admin key is a 403.`;
  return `Roles: ${roles.join(', ')}${roles.includes('admin') ? '' : ' (or admin)'}.`;
}

function operation(route: RouteDoc, registry: SchemaRegistry): JsonSchema {
  // These follow from how app.ts stacks middleware: request ids on everything; rate limiting and
  // Idempotency-Key on the authenticated /v1 router, the latter for POSTs and the routes that mount it.
  const underV1 = route.path.startsWith('/v1/');
  const idempotent = underV1 && (route.method === 'post' || route.idempotent === true);
  const parameters: JsonSchema[] = [paramRef('RequestId')];
  if (idempotent) parameters.push(paramRef('IdempotencyKey'));
  const pathNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const paramProps = route.params ? registry.properties(route.params) : new Map();
  for (const name of pathNames) {
    const p = paramProps.get(name);
    parameters.push({ name, in: 'path', required: true, schema: p ? p.nonNullSchema : { type: 'string' } });
  }
  if (route.query) {
    // The app parses query strings with the 'simple' parser, so every value arrives as one string.
    for (const [name, p] of registry.properties(route.query)) {
      const { description, ...schema } = p.nonNullSchema;
      parameters.push({ name, in: 'query', required: p.required, schema, ...(description !== undefined ? { description } : {}) });
    }
  }

  const responses: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(route.responses)) responses[status] = responseObject(r);
  const addError = (status: number, name: string) => {
    responses[status] ??= errorRef(name);
  };
  // The /v1 router refuses a query escape that is not UTF-8, and a body that is too large or not JSON, before
  // any route runs (app.ts); the routes that read no body refuse any field sent to them. So every /v1
  // operation can answer these, whatever its own input.
  if (route.body || route.query || route.params || underV1) addError(400, 'BadRequest');
  if (route.roles !== 'public') addError(401, 'Unauthorized');
  if (Array.isArray(route.roles)) addError(403, 'Forbidden');
  if (pathNames.length > 0) addError(404, 'NotFound');
  if (route.body || underV1) {
    addError(413, 'PayloadTooLarge');
    addError(415, 'UnsupportedMediaType');
  }
  if (idempotent) {
    addError(422, 'IdempotencyKeyReused');
    // a route's own 409 keeps its schema and says the Idempotency-Key one too
    const own = responses[409];
    if (own && typeof own.description === 'string') own.description = `${own.description}; or ${IN_PROGRESS}`;
    else addError(409, 'IdempotencyInProgress');
  }
  if (underV1) addError(429, 'RateLimited');
  // Answered by the HTTP server in src/main.ts before any route runs, so every operation can get them.
  addError(431, 'HeadersTooLarge');
  addError(500, 'Internal');
  // the probes answer while draining (src/main.ts): /healthz 200, /readyz its own 503
  if (route.roles !== 'public') addError(503, 'ShuttingDown');

  const op: JsonSchema = {
    operationId: `${route.method}${route.path.replace(/\{([^}]+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    description: [route.description, rolesText(route.roles, route.platformOnly)].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    'x-roles': route.roles,
    ...(route.platformOnly ? { 'x-platform-only': true } : {}),
    parameters,
    responses,
  };
  if (route.roles === 'public') op.security = [];
  if (route.body) {
    const body = registry.ref(route.body);
    const name = (body.$ref as string).split('/').pop()!;
    const props = registry.schemas[name]?.properties as Record<string, JsonSchema> | undefined;
    for (const [prop, hint] of Object.entries(route.bodyHints ?? {})) {
      const current = props?.[prop];
      if (!props || !current) throw new Error(`bodyHints name ${prop}, which ${name} does not validate`);
      let next: JsonSchema = { ...current, ...hint.extra, ...(hint.items ? { items: registry.ref(hint.items) } : {}) };
      if (hint.nullable) next = allowNull(next);
      props[prop] = next;
    }
    op.requestBody = { required: !route.bodyOptional, content: { 'application/json': { schema: body } } };
  }
  return op;
}

/** The OpenAPI 3.1 description of every route in ROUTES, request schemas generated from the DTO classes. */
export function buildOpenApi(routes: readonly RouteDoc[] = ROUTES): OpenApiDocument {
  const registry = new SchemaRegistry();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`duplicate route in the OpenAPI table: ${route.method.toUpperCase()} ${route.path}`);
    item[route.method] = operation(route, registry);
  }
  const handWritten = responseSchemas();
  for (const name of Object.keys(handWritten)) {
    if (name in registry.schemas) throw new Error(`schema name ${name} is used by both a DTO and a response schema`);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Guandian API',
      version: packageVersion(),
      description:
        '观点 Guandian turns Chinese customer feedback into opinion tags. JSON only; send `Authorization: Bearer <key>` on ' +
        'everything except /healthz, /readyz and this documentation (/openapi.json, /docs). ' +
        'Every error has one shape: `{"error":{"code","message","details"}}`.',
    },
    servers: [{ url: '/' }],
    tags: TAGS,
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: { ...handWritten, ...registry.schemas },
      responses: ERROR_RESPONSES,
      parameters: PARAMETERS,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key created with POST /v1/api-keys (or the bootstrap admin key).' } },
    },
  };
}
