import { expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, holdRetagWrite, waitRetagJob, type TestRuntime } from '../helpers/runtime.js';
import { settle, type Receiver } from '../actions/receiver.js';
import { addWebhook, ingest, waitDone, useActionsRuntimeWithReceiver } from '../actions/setup.js';

// docs/actions.md: "A labeler's correction fires whenever the document was received: it is a person's new
// verdict", and the case follows the reviewed tags. A correction of a document a re-tag had queued again
// (every promotion re-tags the tenant, and such documents take corrections) was "left to the job": the job's
// evaluation is a re-tag's, which skips documents received before the rule, so the alert never went out, and
// the case kept the wrong team until the worker reached the document.
let rt: TestRuntime;
let receiver: Receiver;
// one document at a time, so the second waits in the queue while the first is held
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s), { WORKER_CONCURRENCY: '1' });

test("a correction of a document a re-tag has queued again fires the document rules and re-routes its case at once", async () => {
  const ingestKey = await createKey(rt, ['ingest']);
  const labeler = await createKey(rt, ['labeler', 'analyst']);
  const first = await ingest(rt, ingestKey, 'held-1', '网络很顺畅，客服态度也好');
  const mislabelled = await ingest(rt, ingestKey, 'queued-1', '昨晚收到陌生验证码，账户信号太差了');
  await waitDone(rt, [first, mislabelled]);
  await rt.http
    .put('/v1/routing')
    .set(bearer(ADMIN_KEY))
    .send({ entries: [{ categories: ['account_security'], team: 'risk', slaHours: 2, priority: 'high' }], defaultTeam: 'customer-care', defaultSlaHours: 24 })
    .expect(200);
  // the rule is made after both documents arrived, as most rules are
  const hook = await addWebhook(rt, receiver);
  const rule = await rt.http
    .post('/v1/rules')
    .set(bearer(ADMIN_KEY))
    .send({ name: '账户安全投诉', type: 'document', webhookIds: [hook], match: { categories: ['account_security'], polarities: ['negative'] } })
    .expect(201);
  const tags = (await rt.http.get(`/v1/documents/${mislabelled}`).set(bearer(labeler)).expect(200)).body.tags as { id: string; polarity: string; category: string }[];
  const negative = tags.find((t) => t.polarity === 'negative' && t.category !== 'account_security');
  expect(negative).toBeDefined();

  const hold = holdRetagWrite(rt, first);
  const job = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({}).expect(202);
  await hold.reached;
  try {
    expect((await rt.http.get(`/v1/documents/${mislabelled}`).set(bearer(labeler)).expect(200)).body.status).toBe('queued');
    await rt.http.patch(`/v1/tags/${negative!.id}`).set(bearer(labeler)).send({ category: 'account_security' }).expect(200);
    // the case follows the reviewed tags now, not once the worker reaches the document
    const cases = (await rt.http.get('/v1/cases').set(bearer(labeler)).expect(200)).body.items as { documentId: string; team: string }[];
    expect(cases.find((c) => c.documentId === mislabelled)?.team).toBe('risk');
  } finally {
    hold.release();
  }
  await waitRetagJob(rt, job.body.id as string);
  const fromRule = () => receiver.ofType('rule.document').filter((x) => x.body.rule.id === rule.body.id);
  await receiver.waitFor(() => fromRule().length >= 1);
  await settle(600);
  expect(fromRule()).toHaveLength(1);
  expect(fromRule()[0]!.body.data).toMatchObject({ trigger: 'correction', document: { id: mislabelled } });
  expect(fromRule()[0]!.verified).toBe(true);
});
