import { setTimeZone } from './time-zone.js';
import type { Config } from './config/env.js';
import { notFound } from './errors.js';
import type { Logger } from './logger.js';
import { loadTaxonomy } from './nlp/taxonomy.js';
import { EmbeddedQueue } from './queue/embedded-queue.js';
import type { JobQueue, QueueFactory } from './queue/job-queue.js';
import { ApiKeysService } from './services/api-keys-service.js';
import { CorrectionsService } from './services/corrections-service.js';
import { LexiconSuggestionsService } from './services/lexicon-suggestions.js';
import { IngestService } from './services/ingest-service.js';
import { QueryService } from './services/query-service.js';
import { PrivacyService } from './services/privacy-service.js';
import { TenantSettingsService } from './services/tenant-settings-service.js';
import { RetagService } from './services/retag-service.js';
import { ModelService } from './services/model-service.js';
import { Actions } from './actions/actions.js';
import { SurveyStatsService } from './services/survey-stats-service.js';
import type { DocumentRecord } from './store/records.js';
import { createStore, openStoreEngine, type Store } from './store/store.js';
import { AnalyzerPool } from './worker/analyzer-pool.js';
import { createDocumentProcessor, type AfterTaggedHook } from './worker/process-document.js';
import { Reconciler } from './worker/reconciler.js';
import { DayBuckets } from './services/day-buckets.js';
import { Metrics } from './observability/metrics.js';

/**
 * Queues are BullMQ when REDIS_URL is set, else in-process. Payloads are ids whose state lives in the store,
 * so the in-process kind loses nothing across restarts as long as its owner re-enqueues unfinished work from
 * the store at start. BullMQ and ioredis are loaded only when REDIS_URL is set: the embedded default starts
 * without them (with the MongoDB driver and bull-board, a third of the modules' load time at start).
 */
export async function queueFactory(config: Pick<Config, 'redisUrl'>): Promise<QueueFactory> {
  const Bullmq = config.redisUrl ? (await import('./queue/bullmq-queue.js')).BullmqQueue : null;
  return (c, logger, name) => {
    if (!c.redisUrl) return new EmbeddedQueue(c.jobAttempts, logger, name);
    if (!Bullmq) throw new Error('this queue factory was made without REDIS_URL');
    return new Bullmq(c.redisUrl, c.queuePrefix, c.jobAttempts, logger, name);
  };
}

/** Everything a route or job needs, built once per process. */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  queue: JobQueue;
  /** Analyzer threads; only processes that run the worker role start them. */
  pool: AnalyzerPool | null;
  apiKeys: ApiKeysService;
  ingest: IngestService;
  query: QueryService;
  corrections: CorrectionsService;
  settings: TenantSettingsService;
  privacy: PrivacyService;
  retag: RetagService;
  /** Retraining from corrections: training jobs, versions, promotion and the active head per tenant. */
  models: ModelService;
  /** Alert rules, webhooks, complaint routing, journeys and KPIs (src/actions). */
  actions: Actions;
  surveyStats: SurveyStatsService;
  /** Called for every tagged document (rules, routing …); see AfterTaggedHook. */
  afterTagged: AfterTaggedHook[];
  reconciler: Reconciler;
  taxonomy: ReturnType<typeof loadTaxonomy>;
  /** Tenant lexicon entries suggested by the opinions labelers added (GET /v1/taxonomy/suggestions). */
  lexiconSuggestions: LexiconSuggestionsService;
  retry(tenant: string, id: string): Promise<DocumentRecord>;
  /** The bootstrap admin key when one was generated on this start (printed once, never stored). */
  generatedAdminKey: string | null;
  /** Why the process is stopping once a graceful shutdown began (readiness fails from then on); null before. */
  stopping: () => string | null;
}

export async function createServices(config: Config, logger: Logger): Promise<Services> {
  // before anything reads a date: request filters, tag days and survey buckets all go through it
  setTimeZone(config.timeZone);
  const store = await createStore(await openStoreEngine(config));
  const createQueue = await queueFactory(config);
  const queue = createQueue(config, logger, 'documents');
  const metrics = new Metrics();
  const settings = new TenantSettingsService(store);
  // Ingest and what labelers type (corrections) mask PII under the same tenant policy and the tenant's
  // own hash key (tokens differ between tenants).
  const piiOf = async (tenant: string) => ({ policy: (await settings.get(tenant)).piiPolicy, secret: await settings.hashSecret(tenant) });
  const models = new ModelService(store, createQueue(config, logger, 'models'), logger, config.modelDir, metrics);
  const privacy = new PrivacyService(store, settings, logger, models);
  const apiKeys = new ApiKeysService(store.apiKeys);
  const generatedAdminKey = config.role === 'worker' ? null : await apiKeys.bootstrap(config.adminKey);
  const retag = new RetagService(store, queue, config.leaseMs, logger);
  const dayBuckets = new DayBuckets(store, logger, config.leaseMs);
  const reconciler = new Reconciler(store, queue, logger, { leaseMs: config.leaseMs, intervalMs: config.reconcileIntervalMs }, () => retag.resumeStalled(), dayBuckets);
  const actions = Actions.create(config, store, logger, createQueue);
  return {
    config,
    logger,
    metrics,
    store,
    queue,
    pool: null,
    apiKeys,
    ingest: new IngestService(store, queue, logger, metrics, {
      leaseMs: config.leaseMs,
      limits: { maxTextLength: config.maxTextLength },
      pii: piiOf,
    }),
    query: new QueryService(store),
    corrections: new CorrectionsService(store, {
      lexiconDir: config.lexiconDir,
      overridesFor: async (tenant) => (await settings.get(tenant)).lexiconOverrides,
      pii: piiOf,
    }),
    settings,
    privacy,
    retag,
    models,
    surveyStats: new SurveyStatsService(store),
    actions,
    afterTagged: [...actions.hooks],
    reconciler,
    taxonomy: loadTaxonomy(config.lexiconDir),
    lexiconSuggestions: new LexiconSuggestionsService(store, { lexiconDir: config.lexiconDir, overridesFor: async (tenant) => (await settings.get(tenant)).lexiconOverrides }),
    generatedAdminKey,
    stopping: () => null,
    async retry(tenant, id) {
      const doc = await store.documents.findForTenant(tenant, id);
      if (!doc) throw notFound('document');
      const generation = doc.generation + 1;
      await store.documents.setStatus(doc._id, 'queued', { generation, error: null, attempts: 0, leaseUntil: new Date(Date.now() + config.leaseMs) });
      // Stored as queued with a lease: when the queue does not answer (Redis down), the reconciler enqueues it
      // once the lease runs out, as it does an ingest's; the retry answered a 500 for a retry that happened.
      await queue.enqueue([{ documentId: doc._id, generation }]).catch((err: unknown) => {
        logger.error({ err: String(err), documentId: doc._id }, 'retry enqueue failed; the reconciler enqueues the document when its lease runs out');
      });
      return doc;
    },
  };
}

/**
 * Starts the worker side: job processing plus the reconciler that recovers lost work. `pool` is analyzer
 * threads already starting (main starts them before it loads the API's modules, so the two overlap).
 */
export async function startWorker(s: Services, pool?: Promise<AnalyzerPool>): Promise<void> {
  s.pool = pool ? await pool : await AnalyzerPool.forConfig(s.config, s.logger, s.metrics);
  s.pool.reportTo(s.metrics);
  s.queue.startWorker(createDocumentProcessor({ store: s.store, pool: s.pool, logger: s.logger, metrics: s.metrics, leaseMs: s.config.leaseMs, afterTagged: s.afterTagged, overridesFor: async (tenant) => (await s.settings.get(tenant)).lexiconOverrides, headFor: (tenant, fresh) => s.models.activeHead(tenant, fresh), maxClaims: s.config.jobAttempts + 3 }), s.config.workerConcurrency);
  // The embedded queue starts empty, so everything unfinished in the store is its backlog. With Redis
  // unreachable this first pass cannot enqueue; the documents keep their (extended) leases and a later
  // pass queues them, as for an ingest during an outage. Letting it fail the start made a restart during
  // a Redis outage exit 1 whenever work was pending, while one with nothing pending came up.
  await s.reconciler.runOnce(s.queue.kind === 'embedded').catch((err: unknown) => {
    s.logger.error({ err: String(err) }, 'reconcile pass failed; the reconciler retries every RECONCILE_INTERVAL_MS');
  });
  s.reconciler.start();
  s.privacy.startRetention(60 * 60 * 1000);
  await s.actions.start();
  await s.models.startWorker();
}
