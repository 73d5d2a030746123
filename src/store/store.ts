import type { Config } from '../config/env.js';
import type { StoreEngine } from './collection.js';
import { NedbEngine } from './nedb-engine.js';
import { ApiKeysRepository } from './api-keys-repository.js';
import { CorrectionsRepository } from './corrections-repository.js';
import { DocumentsRepository } from './documents-repository.js';
import { EditLocksRepository } from './edit-locks-repository.js';
import { TagsRepository } from './tags-repository.js';
import { AuditRepository, IdempotencyRepository, RetagJobsRepository, TenantSettingsRepository } from './small-repositories.js';
import { createActionsStore, type ActionsStore } from '../actions/actions-store.js';
import { ModelJobsRepository, ModelStateRepository, ModelVersionsRepository } from './model-repositories.js';

export interface Store {
  engine: StoreEngine;
  documents: DocumentsRepository;
  tags: TagsRepository;
  apiKeys: ApiKeysRepository;
  corrections: CorrectionsRepository;
  tenants: TenantSettingsRepository;
  audit: AuditRepository;
  idempotency: IdempotencyRepository;
  retagJobs: RetagJobsRepository;
  /** Leases ordering changes to one thing (a document's corrections) across processes. */
  editLocks: EditLocksRepository;
  /** Retraining: training requests, trained versions with their weights, and each tenant's active one. */
  modelJobs: ModelJobsRepository;
  modelVersions: ModelVersionsRepository;
  modelState: ModelStateRepository;
  /** Alert rules, webhooks, deliveries and routing tables (src/actions). */
  actions: ActionsStore;
  close(): Promise<void>;
}

/** The MongoDB driver is loaded only when MONGODB_URL is set: the embedded default starts without it. */
export async function openStoreEngine(config: Pick<Config, 'mongodbUrl' | 'mongodbDb' | 'dataDir'>): Promise<StoreEngine> {
  if (!config.mongodbUrl) return NedbEngine.open(config.dataDir);
  const { MongoEngine } = await import('./mongo-engine.js');
  return MongoEngine.open(config.mongodbUrl, config.mongodbDb);
}

export async function createStore(engine: StoreEngine): Promise<Store> {
  const store: Store = {
    engine,
    documents: new DocumentsRepository(engine.collection('documents')),
    tags: new TagsRepository(engine.collection('tags')),
    apiKeys: new ApiKeysRepository(engine.collection('api_keys')),
    corrections: new CorrectionsRepository(engine.collection('corrections')),
    tenants: new TenantSettingsRepository(engine.collection('tenants')),
    audit: new AuditRepository(engine.collection('audit')),
    idempotency: new IdempotencyRepository(engine.collection('idempotency')),
    retagJobs: new RetagJobsRepository(engine.collection('retag_jobs')),
    editLocks: new EditLocksRepository(engine.collection('edit_locks')),
    modelJobs: new ModelJobsRepository(engine.collection('model_jobs')),
    modelVersions: new ModelVersionsRepository(engine.collection('model_versions')),
    modelState: new ModelStateRepository(engine.collection('model_state')),
    actions: createActionsStore(engine),
    close: () => engine.close(),
  };
  await Promise.all([store.documents.init(), store.tags.init(), store.apiKeys.init(), store.corrections.init(), store.tenants.init(), store.audit.init(), store.idempotency.init(), store.retagJobs.init(), store.editLocks.init(engine.kind === 'embedded'), store.modelJobs.init(), store.modelVersions.init(), store.modelState.init(), store.actions.init()]);
  return store;
}
