import { describe, expect, test } from 'vitest';
import { ACTIONS_ENV, addWebhook, useReceiver } from '../actions/setup.js';
import type { Receiver } from '../actions/receiver.js';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, type TestRuntime } from '../helpers/runtime.js';

// A document's sentiment is what its tags say (docSentiment in src/nlp/analyzer.ts). A labeler's
// correction changes the tags, so every correction path must leave the document saying what the
// corrected tags say, and the document rules that fire on the correction must carry that verdict.

type Tag = Record<string, any>;

let rt: TestRuntime;
let receiver: Receiver;
let ingest: string;
let labeler: string;
// The receiver starts first and closes last (afterAll hooks run in reverse), as rules fire while the file runs.
useReceiver((started) => (receiver = started));
useFileRuntime({ ingest: ['ingest'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, labeler } } = s), { env: ACTIONS_ENV });

let seq = 0;
const ingestDoc = (body: Record<string, unknown>) => ingestAndWait(rt, ingest, { kind: 'comment', source: 'app', externalId: `cs-${++seq}`, ...body });

const correct = (id: string, actions: unknown[]) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions });
const getDoc = async (id: string) => (await rt.http.get(`/v1/documents/${id}`).set(bearer(labeler)).expect(200)).body as Record<string, any>;

describe('document sentiment after corrections', () => {
  test('update actions turning every negative tag positive make the document positive, in the answer, the document and the journey', async () => {
    const doc = await ingestDoc({ text: '信号很差，网络卡顿', customerId: 'cs-journey-1' });
    // the premise: two negative machine tags
    expect(doc.tags).toHaveLength(2);
    expect(doc.tags.every((t: Tag) => t.polarity === 'negative')).toBe(true);
    expect(doc.sentiment).toBe('negative');

    const res = await correct(
      doc.id,
      doc.tags.map((t: Tag) => ({ op: 'update', tagId: t.id, polarity: 'positive' })),
    ).expect(200);
    expect(res.body.tags.map((t: Tag) => t.polarity)).toEqual(['positive', 'positive']);
    expect(res.body.sentiment).toBe('positive');
    expect((await getDoc(doc.id)).sentiment).toBe('positive');

    const journey = await rt.http.get('/v1/customers/cs-journey-1/journey').set(bearer(labeler)).expect(200);
    expect(journey.body.touchpoints.find((p: Record<string, unknown>) => p.documentId === doc.id)).toMatchObject({ sentiment: 'positive' });
  });

  test('PATCH /v1/tags/:id: one tag turned around makes the document mixed, the other one too makes it positive', async () => {
    const doc = await ingestDoc({ text: '信号很差，网络卡顿' });
    const [a, b] = doc.tags as Tag[];
    await rt.http.patch(`/v1/tags/${a!.id}`).set(bearer(labeler)).send({ polarity: 'positive' }).expect(200);
    expect((await getDoc(doc.id)).sentiment).toBe('mixed');
    await rt.http.patch(`/v1/tags/${b!.id}`).set(bearer(labeler)).send({ polarity: 'positive' }).expect(200);
    expect((await getDoc(doc.id)).sentiment).toBe('positive');
    await rt.http.patch(`/v1/tags/${b!.id}`).set(bearer(labeler)).send({ polarity: 'neutral' }).expect(200);
    await rt.http.patch(`/v1/tags/${a!.id}`).set(bearer(labeler)).send({ polarity: 'neutral' }).expect(200);
    expect((await getDoc(doc.id)).sentiment).toBe('neutral');
  });

  test('delete: removing the only negative tag of a mixed document leaves it positive; removing every tag leaves it neutral', async () => {
    const doc = await ingestDoc({ text: '网络很顺畅，但是App老是闪退' });
    expect(doc.sentiment).toBe('mixed');
    const negative = doc.tags.find((t: Tag) => t.polarity === 'negative') as Tag;
    const res = await correct(doc.id, [{ op: 'delete', tagId: negative.id }]).expect(200);
    expect(res.body.sentiment).toBe('positive');
    const rest = res.body.tags as Tag[];
    expect((await correct(doc.id, rest.map((t) => ({ op: 'delete', tagId: t.id }))).expect(200)).body.sentiment).toBe('neutral');
  });

  test("add: a negative tag added to a positive document makes it mixed, and the document rule's webhook carries mixed", async () => {
    const hook = await addWebhook(rt, receiver);
    const rule = await rt.http
      .post('/v1/rules')
      .set(bearer(ADMIN_KEY))
      .send({ name: 'security complaints', type: 'document', webhookIds: [hook], match: { categories: ['account_security'], polarities: ['negative'] } })
      .expect(201);
    const text = '网络很顺畅，就是昨天半夜收到一条陌生验证码';
    const doc = await ingestDoc({ text });
    // the premise: the model saw only the praise
    expect(doc.sentiment).toBe('positive');
    expect(doc.tags.some((t: Tag) => t.polarity === 'negative')).toBe(false);

    const start = text.indexOf('收到');
    const res = await correct(doc.id, [{ op: 'add', span: { start, end: text.length }, aspect: '验证码', polarity: 'negative', category: 'account_security' }]).expect(200);
    const fromRule = () => receiver.ofType('rule.document').filter((x) => x.body.rule.id === rule.body.id);
    await receiver.waitFor(() => fromRule().length >= 1);
    expect(fromRule()[0]!.body.data.document).toMatchObject({ id: doc.id, sentiment: 'mixed' });
    expect(res.body.sentiment).toBe('mixed');
  });

  test("a re-tag keeps the corrected verdict: the labeler's tags stand, so the sentiment the model would give does not come back", async () => {
    const doc = await ingestDoc({ source: 'cs-retag', text: '信号很差，网络卡顿' });
    await correct(doc.id, doc.tags.map((t: Tag) => ({ op: 'update', tagId: t.id, polarity: 'positive' }))).expect(200);
    const job = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'cs-retag' }).expect(202);
    expect(job.body.total).toBe(1);
    for (let i = 0; ; i++) {
      const res = await rt.http.get(`/v1/retag-jobs/${job.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
      if (res.body.status === 'done') break;
      if (i > 400) throw new Error('re-tag job did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = await getDoc(doc.id);
    expect(after.tags.map((t: Tag) => `${t.polarity}/${t.source}`)).toEqual(['positive/human', 'positive/human']);
    expect(after.sentiment).toBe('positive');
  });

  test('accept leaves the sentiment the tags say; a transcript counts its customer turns only', async () => {
    const doc = await ingestDoc({
      kind: 'transcript',
      source: 'call-center',
      turns: [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: '宽带老是断网，客服电话也打不通' },
      ],
    });
    expect(doc.sentiment).toBe('negative');
    const res = await correct(doc.id, [...doc.tags.map((t: Tag) => ({ op: 'update', tagId: t.id, polarity: 'positive' })), { op: 'accept' }]).expect(200);
    expect(res.body.sentiment).toBe('positive');
    // a tag in the agent's turn cannot be added, so the customer's words are all that count
    await correct(doc.id, [{ op: 'add', turnIndex: 0, span: { start: 0, end: 2 }, polarity: 'negative', category: 'service_attitude' }]).expect(400);
    expect((await getDoc(doc.id)).sentiment).toBe('positive');
  });
});
