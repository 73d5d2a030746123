import { expect, test } from 'vitest';
import { jobTrigger } from '../../src/actions/rules-service.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
// After the helpers, which load reflect-metadata (through the app) before the DTOs runtime.ts pulls in.
import { startWorker } from '../../src/runtime.js';
import { Receiver, settle } from './receiver.js';
import { ACTIONS_ENV, addWebhook, ingest, waitDone, useActionsRuntimeWithReceiver } from './setup.js';

// QA audit 2026-11-29, finding 7: every promotion and rollback re-tags the tenant, and a re-tag used to
// fire document rules for every old document the rule had not seen. Alerts are for new feedback.
let rt: TestRuntime;
let receiver: Receiver;
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s));

async function retagAll(): Promise<void> {
  const started = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({}).expect(202);
  for (let i = 0; i < 600; i++) {
    const res = await rt.http.get(`/v1/retag-jobs/${started.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
    if (res.body.status === 'done') return;
    await settle(50);
  }
  throw new Error('re-tag job did not finish');
}

const SECURITY = { categories: ['account_security'], polarities: ['negative'] };

test('a re-tag does not fire a document rule for documents received before the rule; payloads name their trigger', async () => {
  const key = await createKey(rt, ['ingest']);
  const labeler = await createKey(rt, ['labeler']);
  const hook = await addWebhook(rt, receiver);
  const oldDoc = await ingest(rt, key, 'rt7-old', '账户安全太差了，被盗刷了');
  const oldService = await ingest(rt, key, 'rt7-old-service', '客服态度太差了');
  await waitDone(rt, [oldDoc, oldService]);
  // Rules are created after those two documents arrived; their clocks must move on.
  await settle(20);
  const rule = (await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'security', type: 'document', webhookIds: [hook], match: SECURITY }).expect(201)).body;
  // Created inactive, so the new document's first analysis does not fire it: only the re-tag can.
  const later = (
    await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'security, enabled later', type: 'document', active: false, webhookIds: [hook], match: SECURITY }).expect(201)
  ).body;
  await settle(20);
  const newDoc = await ingest(rt, key, 'rt7-new', '账户安全太差了，被盗刷了');
  await waitDone(rt, [newDoc]);
  await receiver.waitFor((r) => r.some((x) => x.body.rule?.id === rule.id));
  await rt.http
    .put(`/v1/rules/${later.id}`)
    .set(bearer(ADMIN_KEY))
    .send({ name: later.name, type: 'document', active: true, webhookIds: [hook], match: SECURITY })
    .expect(200);

  await retagAll();
  await receiver.waitFor((r) => r.some((x) => x.body.rule?.id === later.id));
  await settle(800);

  const sent = (ruleId: string) => receiver.received.filter((x) => x.body.rule?.id === ruleId).map((x) => [x.body.data.document.id, x.body.data.trigger]);
  // The old document matches both rules but was received before either existed: nothing for it.
  expect(sent(rule.id)).toEqual([[newDoc, 'ingest']]);
  expect(sent(later.id)).toEqual([[newDoc, 'retag']]);

  // A labeler's correction is a person's new verdict: it fires, however old the document.
  const [tag] = (await rt.http.get(`/v1/tags?documentId=${oldService}`).set(bearer(labeler)).expect(200)).body.items;
  await rt.http.patch(`/v1/tags/${tag.id}`).set(bearer(labeler)).send({ category: 'account_security', polarity: 'negative' }).expect(200);
  await receiver.waitFor((r) => r.filter((x) => x.body.rule?.id === rule.id).length === 2);
  await settle(300);
  expect(sent(rule.id)).toEqual([
    [newDoc, 'ingest'],
    [oldService, 'correction'],
  ]);
});

test("a job's trigger comes from the record it claimed", () => {
  expect(jobTrigger({ processedAt: null, error: null })).toBe('ingest');
  // Analysed before: a re-tag, or a retry of a done document (POST /v1/documents/:id/retry).
  expect(jobTrigger({ processedAt: new Date(), error: null })).toBe('retag');
  // Given up on at ingest, and picked up by a re-tag: old feedback too.
  expect(jobTrigger({ processedAt: null, error: 'given up' })).toBe('retag');
  // A document a re-tag takes over while still queued from its ingest (retagJobId set) is analysed for
  // the first time: processedAt and error are both null, so it is 'ingest'.
});

test('a document a re-tag takes over while still queued from its ingest fires as ingest: it is its first analysis', async () => {
  // No worker yet: the document waits in the queue when the re-tag marks it (retagJobId set).
  const idle = await startRuntime(ACTIONS_ENV, { worker: false });
  try {
    const key = await createKey(idle, ['ingest']);
    const hook = await addWebhook(idle, receiver);
    const rule = (await idle.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'security', type: 'document', webhookIds: [hook], match: SECURITY }).expect(201)).body;
    await settle(20);
    const doc = await ingest(idle, key, 'rt7-queued', '账户安全太差了，被盗刷了');
    await idle.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({}).expect(202);
    expect((await idle.services.store.documents.findById(doc))?.retagJobId).toBeTruthy();
    await startWorker(idle.services);
    await waitDone(idle, [doc]);
    await receiver.waitFor((r) => r.some((x) => x.body.rule?.id === rule.id));
    expect(receiver.received.filter((x) => x.body.rule?.id === rule.id).map((x) => [x.body.data.document.id, x.body.data.trigger])).toEqual([[doc, 'ingest']]);
  } finally {
    await idle.close();
  }
});
