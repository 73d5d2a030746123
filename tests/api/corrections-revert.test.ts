import { describe, expect, test } from 'vitest';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, createKey, type TestRuntime } from '../helpers/runtime.js';

// Undo in the labeling queue (POST /v1/documents/:id/corrections/revert): an undo that returns a
// document to where it was puts it back as it was. A counter-update (polarity back to what the model
// said) left the tag a labeler's (source human, confidence 1), the document reviewed and out of the
// queue, and retraining counted it as a correction though nothing had changed.

type Tag = Record<string, any>;
const TENANT = 'revert-tenant';

let rt: TestRuntime;
let ingest: string;
let labeler: string;
let otherLabeler: string;
useFileRuntime({ ingest: ['ingest'], labeler: ['labeler'], otherLabeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, labeler, otherLabeler } } = s), { tenant: TENANT });

let seq = 0;
const ingestDoc = (text: string) => ingestAndWait(rt, ingest, { kind: 'comment', source: 'app', externalId: `rv-${++seq}`, text }, labeler);

const correct = (id: string, actions: unknown[], key = labeler) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).send({ actions });
const revert = (id: string, tagId: string, key = labeler) => rt.http.post(`/v1/documents/${id}/corrections/revert`).set(bearer(key)).send({ tagId });
const machine = (t: Tag) => ({ polarity: t.polarity, category: t.category, aspect: t.aspect, opinion: t.opinion, span: t.span, source: t.source, confidence: t.confidence, modelVersion: t.modelVersion });
async function queueIds(): Promise<string[]> {
  const res = await rt.http.get('/v1/labeling/queue?limit=1000').set(bearer(labeler)).expect(200);
  return res.body.items.map((d: Tag) => d.id);
}
/** What retraining would learn from (ModelService.collect, run as a training job runs it). */
async function trainingCorrections(): Promise<{ text: string; polarity: string }[]> {
  const models = rt.services.models as unknown as { collect(tenant: string): Promise<{ corrections: { text: string; polarity: string }[] }> };
  return (await models.collect(TENANT)).corrections;
}
async function exportRows(): Promise<Record<string, any>[]> {
  const res = await rt.http.get('/v1/corrections/export').set(bearer(labeler)).buffer(true).parse((r, cb) => {
    let data = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (data += c));
    r.on('end', () => cb(null, data));
  });
  expect(res.status).toBe(200);
  return (res.body as string).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
}

describe('reverting a correction', () => {
  test('1 then undo: the tag is the machine tag again, the document unreviewed and back in the queue, and retraining does not count it', async () => {
    const doc = await ingestDoc('信号很差，网络卡顿');
    const [tag] = doc.tags as Tag[];
    expect(tag).toMatchObject({ polarity: 'negative' });
    expect(tag!.source).not.toBe('human');
    expect(await queueIds()).toContain(doc.id);

    const corrected = await correct(doc.id, [{ op: 'update', tagId: tag!.id, polarity: 'positive' }]).expect(200);
    expect(corrected.body).toMatchObject({ reviewed: true, sentiment: 'mixed' });
    expect(await queueIds()).not.toContain(doc.id);
    expect((await trainingCorrections()).map((c) => c.text)).toContain(tag!.sentence);

    const res = await revert(doc.id, tag!.id).expect(200);
    expect(res.body).toMatchObject({ id: doc.id, reviewed: false, sentiment: 'negative' });
    const back = (res.body.tags as Tag[]).find((t) => t.id === tag!.id)!;
    expect(machine(back)).toEqual(machine(tag!));
    expect(await queueIds()).toContain(doc.id);
    expect((await trainingCorrections()).map((c) => c.text)).not.toContain(tag!.sentence);
    expect((await exportRows()).filter((r) => r.documentId === doc.id)).toEqual([]);

    // nothing is deleted from the log: the update stays, with the revert that undid it, and the audit says so
    const log = await rt.services.store.corrections.byDocument(doc.id);
    expect(log.map((c) => c.op)).toEqual(['update', 'revert']);
    expect(log[1]).toMatchObject({ tagId: tag!.id, reverts: log[0]!._id, after: { polarity: 'negative', source: tag!.source } });
    const admin = await createKey(rt, ['admin'], TENANT);
    const audit = await rt.http.get('/v1/audit?action=correction.revert').set(bearer(admin)).expect(200);
    expect(audit.body.items).toEqual([expect.objectContaining({ target: doc.id, details: { tagId: tag!.id, reverts: log[0]!._id } })]);

    // a second undo has nothing left to undo
    const again = await revert(doc.id, tag!.id).expect(409);
    expect(again.body.error.details[0]).toMatchObject({ field: 'tagId' });
  });

  test('undo steps back one correction at a time; the document stays reviewed while one stands', async () => {
    const doc = await ingestDoc('信号很差，网络卡顿');
    const [a, b] = doc.tags as Tag[];
    await correct(doc.id, [{ op: 'update', tagId: a!.id, polarity: 'positive' }]).expect(200);
    await correct(doc.id, [{ op: 'update', tagId: a!.id, polarity: 'neutral', category: 'other' }]).expect(200);
    await correct(doc.id, [{ op: 'update', tagId: b!.id, polarity: 'positive' }]).expect(200);

    let res = await revert(doc.id, a!.id).expect(200);
    expect((res.body.tags as Tag[]).find((t) => t.id === a!.id)).toMatchObject({ polarity: 'positive', category: a!.category, source: 'human' });
    expect(res.body.reviewed).toBe(true);
    res = await revert(doc.id, a!.id).expect(200);
    expect(machine((res.body.tags as Tag[]).find((t) => t.id === a!.id)!)).toEqual(machine(a!));
    // b's correction still stands
    expect(res.body.reviewed).toBe(true);
    expect(await queueIds()).not.toContain(doc.id);
    const training = (await trainingCorrections()).filter((c) => c.text === b!.sentence || c.text === a!.sentence);
    expect(training).toEqual([expect.objectContaining({ text: b!.sentence, polarity: 'positive' })]);
    res = await revert(doc.id, b!.id).expect(200);
    expect(res.body.reviewed).toBe(false);
    expect(await queueIds()).toContain(doc.id);
  });

  test('undoing a delete brings the machine tag back under its id and lets the model tag the span again; undoing an add removes the tag', async () => {
    const doc = await ingestDoc('信号很差，网络卡顿');
    const [a, b] = doc.tags as Tag[];
    await correct(doc.id, [{ op: 'delete', tagId: a!.id }]).expect(200);
    expect((await rt.services.store.documents.findById(doc.id))!.suppressed).toHaveLength(1);
    let res = await revert(doc.id, a!.id).expect(200);
    expect(machine((res.body.tags as Tag[]).find((t) => t.id === a!.id)!)).toEqual(machine(a!));
    expect(res.body.reviewed).toBe(false);
    expect((await rt.services.store.documents.findById(doc.id))!.suppressed).toEqual([]);

    // an add on the span the model missed, then undone
    const text = doc.text as string;
    const added = await correct(doc.id, [{ op: 'delete', tagId: b!.id }, { op: 'add', span: b!.span, polarity: 'positive', category: b!.category }]).expect(200);
    const human = (added.body.tags as Tag[]).find((t) => t.source === 'human')!;
    expect(text.slice(human.span.start, human.span.end)).toBe(text.slice(b!.span.start, b!.span.end));
    res = await revert(doc.id, human.id).expect(200);
    expect((res.body.tags as Tag[]).map((t) => t.id)).toEqual([a!.id]);
    // the delete in the same request still stands
    expect(res.body.reviewed).toBe(true);
    res = await revert(doc.id, b!.id).expect(200);
    expect((res.body.tags as Tag[]).map((t) => t.id).sort()).toEqual([a!.id, b!.id].sort());
    expect(res.body).toMatchObject({ reviewed: false, sentiment: 'negative' });
    expect(await queueIds()).toContain(doc.id);
  });

  test('accept all is not undone: a document accepted after a correction stays reviewed when the correction is undone', async () => {
    const doc = await ingestDoc('信号很差，网络卡顿');
    const [a] = doc.tags as Tag[];
    await correct(doc.id, [{ op: 'update', tagId: a!.id, polarity: 'positive' }, { op: 'accept' }]).expect(200);
    const res = await revert(doc.id, a!.id).expect(200);
    expect(machine((res.body.tags as Tag[]).find((t) => t.id === a!.id)!)).toEqual(machine(a!));
    expect(res.body.reviewed).toBe(true);
    expect(await queueIds()).not.toContain(doc.id);
  });

  test("PATCH /v1/tags/:id is undone the same way; another key's correction is not undone; bad requests name the field", async () => {
    const doc = await ingestDoc('信号很差，网络卡顿');
    const [a] = doc.tags as Tag[];
    await rt.http.patch(`/v1/tags/${a!.id}`).set(bearer(otherLabeler)).send({ category: 'other' }).expect(200);
    const refused = await revert(doc.id, a!.id).expect(409);
    expect(refused.body.error.details[0]).toMatchObject({ field: 'tagId' });
    const res = await revert(doc.id, a!.id, otherLabeler).expect(200);
    expect(machine((res.body.tags as Tag[]).find((t) => t.id === a!.id)!)).toEqual(machine(a!));

    const missing = await rt.http.post(`/v1/documents/${doc.id}/corrections/revert`).set(bearer(labeler)).send({}).expect(400);
    expect(missing.body.error.details[0]).toMatchObject({ field: 'tagId' });
    await revert('no-such-document', a!.id).expect(404);
    const analyst = await createKey(rt, ['analyst'], TENANT);
    await revert(doc.id, a!.id, analyst).expect(403);
  });
});
