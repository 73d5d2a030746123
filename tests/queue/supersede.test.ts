import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { AnalyzerPool } from '../../src/worker/analyzer-pool.js';
import { createDocumentProcessor } from '../../src/worker/process-document.js';
import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// A retry (or re-tag, or reconciler re-enqueue) that lands while a job is analysing the document
// bumps its generation and queues a newer job. The older job must then write nothing: marking the
// document done would make the newer job's claim refuse it, so the retry would silently never run.

let rt: TestRuntime;
let pool: AnalyzerPool;
beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
  pool = await AnalyzerPool.start({ lexiconDir: 'lexicons', modelDir: 'models/current' }, 1, createLogger('silent'));
});
afterAll(async () => {
  await pool?.close();
  await rt?.close();
});

describe('a job superseded mid-analysis', () => {
  test('writes no tags and leaves the document to the newer generation, which then finishes it', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'app', externalId: 's-1', text: '网速太慢了' }).expect(202);
    const id = res.body.id as string;
    let retried = false;
    const processor = createDocumentProcessor({
      store: rt.services.store,
      pool,
      logger: createLogger('silent'),
      leaseMs: 60_000,
      // runs after the claim and before the analysis: the moment an operator's retry can land
      overridesFor: async (tenant) => {
        if (!retried) {
          retried = true;
          await rt.services.retry(tenant, id);
        }
        return null;
      },
    });
    await processor(id, { attempt: 1, final: false });
    let doc = (await rt.services.store.documents.findById(id))!;
    expect(doc).toMatchObject({ status: 'queued', generation: 1 });
    expect(await rt.services.store.tags.byDocument(id)).toEqual([]);

    await processor(id, { attempt: 1, final: false });
    doc = (await rt.services.store.documents.findById(id))!;
    expect(doc).toMatchObject({ status: 'done', generation: 1 });
    expect((await rt.services.store.tags.byDocument(id)).map((t) => t.opinion)).toEqual(['太慢']);
  });
});
