import { afterAll, beforeAll, expect, test } from 'vitest';
import { jobTrigger } from '../../src/actions/rules-service.js';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { Receiver, settle } from './receiver.js';
import { addWebhook, ingest, startActionsRuntime, stopActionsRuntime, waitDone } from './setup.js';

// QA audit 2026-11-29, finding 7: every promotion and rollback re-tags the tenant, and a re-tag used to
// fire document rules for every old document the rule had not seen. Alerts are for new feedback.
let rt: TestRuntime;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await new Receiver().start();
  rt = await startActionsRuntime();
});
afterAll(async () => {
  await stopActionsRuntime(rt);
  await receiver?.close();
});

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
  expect(jobTrigger({ retagJobId: undefined, processedAt: null })).toBe('ingest');
  expect(jobTrigger({ retagJobId: null, processedAt: null })).toBe('ingest');
  expect(jobTrigger({ retagJobId: 'job', processedAt: null })).toBe('retag');
  // A retry of a document analysed before (POST /v1/documents/:id/retry) is a re-run too.
  expect(jobTrigger({ retagJobId: null, processedAt: new Date() })).toBe('retag');
});
