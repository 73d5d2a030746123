import type { Config } from '../config/env.js';
import type { StoreEngine } from './collection.js';
import { MongoEngine } from './mongo-engine.js';
import { NedbEngine } from './nedb-engine.js';
import { ApiKeysRepository } from './api-keys-repository.js';
import { CorrectionsRepository } from './corrections-repository.js';
import { DocumentsRepository } from './documents-repository.js';
import { TagsRepository } from './tags-repository.js';

export interface Store {
  engine: StoreEngine;
  documents: DocumentsRepository;
  tags: TagsRepository;
  apiKeys: ApiKeysRepository;
  corrections: CorrectionsRepository;
  close(): Promise<void>;
}

export async function openStoreEngine(config: Pick<Config, 'mongodbUrl' | 'mongodbDb' | 'dataDir'>): Promise<StoreEngine> {
  return config.mongodbUrl ? MongoEngine.open(config.mongodbUrl, config.mongodbDb) : NedbEngine.open(config.dataDir);
}

export async function createStore(engine: StoreEngine): Promise<Store> {
  const store: Store = {
    engine,
    documents: new DocumentsRepository(engine.collection('documents')),
    tags: new TagsRepository(engine.collection('tags')),
    apiKeys: new ApiKeysRepository(engine.collection('api_keys')),
    corrections: new CorrectionsRepository(engine.collection('corrections')),
    close: () => engine.close(),
  };
  await Promise.all([store.documents.init(), store.tags.init(), store.apiKeys.init(), store.corrections.init()]);
  return store;
}
