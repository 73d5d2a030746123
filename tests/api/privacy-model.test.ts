import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// What retraining keeps of a customer's corrected clauses: the version's head stores hashed n-gram
// weights, and the worker caches the frozen model's features per clause across jobs. After the
// customer is erased neither may hold the clause's text.

let rt: TestRuntime;
let key: string;
useFileRuntime({ key: ['admin', 'ingest', 'analyst', 'labeler'] }, (s) => ({ rt, keys: { key } } = s), { tenant: 'erase-model' });

async function trainAndWait(): Promise<Record<string, unknown>> {
  const started = await rt.http.post('/v1/models/train').set(bearer(key)).send({}).expect(202);
  for (let i = 0; i < 2400; i++) {
    const res = await rt.http.get(`/v1/models/jobs/${encodeURIComponent(started.body.id)}`).set(bearer(key)).expect(200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('training did not finish in 60 s');
}

describe('retraining after an erasure', () => {
  test("neither the trained version nor the worker's feature cache holds the erased customer's clauses", async () => {
    const marker = '蒯翀翾';
    const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'model-1', customerId: 'cust-model', text: `${marker}说这个套餐太贵了` }).expect(202);
    const doc = await waitForStatus(rt, res.body.id as string, key);
    const tag = (doc.tags as { id: string; polarity: string; sentence: string }[])[0]!;
    expect(tag.sentence).toContain(marker);
    await rt.http.patch(`/v1/tags/${tag.id}`).set(bearer(key)).send({ polarity: tag.polarity === 'negative' ? 'positive' : 'negative' }).expect(200);
    expect((await trainAndWait()).status).toBe('done');

    await rt.http.delete('/v1/customers/cust-model').set(bearer(key)).expect(200);
    expect(JSON.stringify(await rt.services.store.engine.collection('model_versions').find({}))).not.toContain(marker);
    expect(JSON.stringify(await rt.services.store.engine.collection('model_jobs').find({}))).not.toContain(marker);
    // read the running service's cache itself: it lives as long as the worker process
    const cache = (rt.services.models as unknown as { features: Map<string, unknown> }).features;
    expect(cache.size).toBeGreaterThan(0);
    expect([...cache.keys()].filter((k) => k.includes(marker))).toEqual([]);
  });
});
