import { afterAll, beforeAll, expect, test } from 'vitest';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// Every promotion and rollback re-tags the tenant, and a re-tag queues each document again; it keeps the tags
// of its last analysis until its job writes new ones (README, corrections; the labeling queue lists them).
// The journey read only `done` touchpoints: while a re-tag ran, analysed touchpoints showed score null ("not
// processed yet") and the at-risk list lost the customers whose documents were waiting, so a churn risk
// vanished from the CX lead's list for as long as the promotion's re-tag took.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime({ ACTIONS_INTERVAL_MS: '3600000' });
});
afterAll(async () => {
  await rt.close();
});

test('a customer whose documents a re-tag has queued again keeps their scores, emotion and churn risk', async () => {
  const key = await createKey(rt, ['admin', 'ingest', 'analyst'], 'qa-journey-retag');
  const texts = ['宽带老是断网，师傅上门修了三次都没修好', '客服电话打了一下午都打不通，太差了'];
  const ids: string[] = [];
  for (const [i, text] of texts.entries()) {
    const res = await rt.http
      .post('/v1/documents')
      .set(bearer(key))
      .send({ kind: 'comment', source: 'app-review', externalId: `jr-${i}`, customerId: 'c-1088', text, occurredAt: `2026-11-2${i + 5}T09:00:00+08:00` })
      .expect(202);
    ids.push(res.body.id as string);
  }
  for (const id of ids) await waitForStatus(rt, id, key);
  const journeyBefore = (await rt.http.get('/v1/customers/c-1088/journey').set(bearer(key)).expect(200)).body;
  const atRiskBefore = (await rt.http.get('/v1/customers/at-risk?days=365').set(bearer(key)).expect(200)).body;
  // two clearly negative touchpoints: a churn risk
  expect(journeyBefore.churnRisk).toBe(true);
  expect(journeyBefore.touchpoints.map((t: { score: number | null }) => t.score)).toEqual([-1, -1]);
  expect(atRiskBefore.items).toMatchObject([{ customerId: 'c-1088', churnRisk: true, touchpoints: 2 }]);

  // No worker takes the re-tag's jobs: the documents stay queued with the tags they had, as they do while a
  // promotion's re-tag works through a large tenant.
  await rt.services.queue.stopWorker();
  const job = await rt.http.post('/v1/retag-jobs').set(bearer(key)).send({}).expect(202);
  expect(job.body.total).toBe(2);
  for (const id of ids) {
    const doc = (await rt.http.get(`/v1/documents/${id}`).set(bearer(key)).expect(200)).body;
    expect(doc.status).toBe('queued');
    expect(doc.tags.length).toBeGreaterThan(0);
  }

  const journeyDuring = (await rt.http.get('/v1/customers/c-1088/journey').set(bearer(key)).expect(200)).body;
  expect(journeyDuring.touchpoints.map((t: { score: number | null }) => t.score)).toEqual([-1, -1]);
  expect(journeyDuring.emotion).toBe(journeyBefore.emotion);
  expect(journeyDuring.churnRisk).toBe(true);
  const atRiskDuring = (await rt.http.get('/v1/customers/at-risk?days=365').set(bearer(key)).expect(200)).body;
  expect(atRiskDuring.items).toEqual(atRiskBefore.items);
});
