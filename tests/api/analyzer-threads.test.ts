import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// Regression: onnxruntime-node 1.21 kept a process-global tensor constructor, so two analyzer
// threads running the model at once aborted the whole process (V8 HandleScope fatal error).
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime({ ANALYZER_THREADS: '2', WORKER_CONCURRENCY: '8', RATE_LIMIT_PER_MINUTE: '0' });
});
afterAll(async () => rt.close());

describe('two analyzer threads with the shipped model', () => {
  test('tag 400 documents concurrently without crashing', async () => {
    const ready = await rt.http.get('/readyz').expect(200);
    expect(ready.body.checks.model.mode).toBe('model');
    const texts = ['网络很顺畅，但是App老是闪退', '客服态度很差，排队太久了', '外卖送得太慢了，菜都凉了', '酒店房间干净，前台很热情'];
    const documents = Array.from({ length: 400 }, (_, i) => ({ kind: 'comment', source: 'app', externalId: `at-${i}`, text: `${texts[i % texts.length]}（${i}）` }));
    const res = await rt.http.post('/v1/documents/batch').set(bearer(ADMIN_KEY)).send({ documents }).expect(207);
    const ids = (res.body.items as { id: string }[]).map((i) => i.id);
    const deadline = Date.now() + 120_000;
    while ((await rt.services.store.documents.countWhere({ _id: { $in: ids }, status: 'done' })) < ids.length) {
      if (Date.now() > deadline) throw new Error('documents not tagged in time');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await rt.services.store.documents.countWhere({ _id: { $in: ids }, modelVersion: ready.body.checks.model.version })).toBe(400);
  });
});
