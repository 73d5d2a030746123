import { describe, expect, test } from 'vitest';
import type { CorrectionRecord, TagRecord } from '../../src/store/records.js';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

// A correction writes several records (the tag, its log entry, the tags an add replaces, the document's
// suppressed spans). A crash between two of them leaves the rest unwritten, and the client, having had no
// answer, sends the same request again. Each test below first applies a correction fully, then puts the
// store back into the state a crash at one point would have left (the later writes undone by hand), and
// sends the request again: it must come out as if there had been no crash, nothing logged or kept twice.

let rt: TestRuntime;
let ingest: string;
let labeler: string;
useFileRuntime({ ingest: ['ingest'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, labeler } } = s));

let seq = 0;
async function tagged(text: string) {
  const doc = await ingestAndWait(rt, ingest, { kind: 'comment', source: 'crash', externalId: `c-${++seq}`, text });
  return { id: doc.id as string, tags: doc.tags as { id: string; opinion: string; polarity: string }[] };
}
const correct = (id: string, actions: unknown[]) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions });
const store = () => rt.services.store;
const logOf = (id: string) => store().corrections.byDocument(id);
const suppressedOf = async (id: string) => (await store().documents.findById(id))!.suppressed;
const tagIds = async (id: string) => (await store().tags.byDocument(id)).map((t) => t._id).sort();

/** Undoes log records as a crash before they were written would have left them unwritten. */
async function unlog(records: CorrectionRecord[]) {
  for (const r of records) await store().corrections.deleteWhere({ _id: r._id });
}

describe('an add sent again after a crash', () => {
  const text = '网络很顺畅，但是App老是闪退';
  const start = text.indexOf('App老是闪退');
  const add = { op: 'add', span: { start, end: start + 'App老是闪退'.length }, aspect: 'App', polarity: 'negative', category: 'app_experience' };

  test('crashed after writing its tag: the add is logged and the machine tag it replaces goes, once', async () => {
    const { id, tags } = await tagged(text);
    const machine = tags.find((t) => t.opinion.includes('闪退'))!;
    expect(machine).toBeDefined();
    await correct(id, [add]).expect(200);
    const done = { log: (await logOf(id)).map((c) => [c.op, c.tagId, c.supersededBy ?? null]), tags: await tagIds(id), suppressed: (await suppressedOf(id)).length };
    expect(done.log).toEqual([['add', expect.any(String), null], ['delete', machine.id, done.log[0]![1]]]);

    // the crash: the human tag is stored, nothing after it
    const prior = (await logOf(id)).find((c) => c.op === 'delete')!.prior as TagRecord;
    await unlog(await logOf(id));
    await store().tags.insert(prior);
    await store().documents.update(id, { $set: { suppressed: [] } });

    await correct(id, [add]).expect(200);
    expect((await logOf(id)).map((c) => [c.op, c.tagId, c.supersededBy ?? null])).toEqual(done.log);
    expect(await tagIds(id)).toEqual(done.tags);
    expect((await suppressedOf(id)).length).toBe(done.suppressed);
  });

  test('crashed after logging it, before the replaced tag went: that delete is finished, the add not logged again', async () => {
    const { id, tags } = await tagged(text);
    const machine = tags.find((t) => t.opinion.includes('闪退'))!;
    await correct(id, [add]).expect(200);
    const del = (await logOf(id)).find((c) => c.op === 'delete')!;
    await unlog([del]);
    await store().tags.insert(del.prior as TagRecord);
    await store().documents.update(id, { $set: { suppressed: [] } });

    await correct(id, [add]).expect(200);
    expect((await logOf(id)).map((c) => c.op)).toEqual(['add', 'delete']);
    expect(await tagIds(id)).not.toContain(machine.id);
    expect(await suppressedOf(id)).toHaveLength(1);
  });

  test('sent again with nothing half-done, it changes and logs nothing', async () => {
    const { id } = await tagged(text);
    await correct(id, [add]).expect(200);
    const before = { log: await logOf(id), tags: await tagIds(id), suppressed: await suppressedOf(id) };
    await correct(id, [add]).expect(200);
    expect(await logOf(id)).toEqual(before.log);
    expect(await tagIds(id)).toEqual(before.tags);
    expect(await suppressedOf(id)).toEqual(before.suppressed);
  });
});

describe('a delete sent again after a crash', () => {
  test('crashed after logging it: finished without a second log entry', async () => {
    const { id, tags } = await tagged('客服态度很差，排队等了两个小时');
    const t = tags[0]!;
    await correct(id, [{ op: 'delete', tagId: t.id }]).expect(200);
    const [del] = await logOf(id);
    // the crash: logged, the span not yet kept from the model, the tag still there
    await store().tags.insert(del!.prior as TagRecord);
    await store().documents.update(id, { $set: { suppressed: [] } });

    await correct(id, [{ op: 'delete', tagId: t.id }]).expect(200);
    expect((await logOf(id)).map((c) => [c.op, c._id])).toEqual([['delete', del!._id]]);
    expect(await tagIds(id)).not.toContain(t.id);
    expect(await suppressedOf(id)).toEqual([expect.objectContaining({ correctionId: del!._id })]);
  });

  test('crashed after keeping the span, before deleting the tag: one log entry, one kept span, and its revert lifts it', async () => {
    const { id, tags } = await tagged('网速太慢了，资费也太贵了');
    const t = tags[0]!;
    await correct(id, [{ op: 'delete', tagId: t.id }]).expect(200);
    const [del] = await logOf(id);
    await store().tags.insert(del!.prior as TagRecord);

    await correct(id, [{ op: 'delete', tagId: t.id }]).expect(200);
    expect((await logOf(id)).map((c) => c.op)).toEqual(['delete']);
    expect(await suppressedOf(id)).toHaveLength(1);
    await rt.http.post(`/v1/documents/${id}/corrections/revert`).set(bearer(labeler)).send({ tagId: t.id }).expect(200);
    expect(await tagIds(id)).toContain(t.id);
    expect(await suppressedOf(id)).toEqual([]);
  });
});

const revert = (id: string, tagId: string) => rt.http.post(`/v1/documents/${id}/corrections/revert`).set(bearer(labeler)).send({ tagId });
const ops = async (id: string) => (await logOf(id)).map((c) => c.op);
const tagById = (tagId: string) => store().tags.findForTenant('default', tagId);
/** Writes a tag back as a log entry kept it (its `prior`), as a crash before the tag was written leaves it. */
async function rewrite(prior: TagRecord) {
  const { _id, ...fields } = prior;
  await store().tags.update(_id, fields);
}

describe('an update sent again after a crash', () => {
  test('crashed after logging it, before writing the tag: the tag is written, the update logged once, and undo brings the machine tag back', async () => {
    const { id, tags } = await tagged('客服态度还行，就是排队太久');
    const t = tags.find((x) => x.opinion.includes('久'))!;
    const machine = (await tagById(t.id))!;
    await correct(id, [{ op: 'update', tagId: t.id, polarity: 'neutral' }]).expect(200);
    const [upd] = await logOf(id);
    // the crash: the update is logged, the tag still the model's
    await rewrite(upd!.prior as TagRecord);

    await correct(id, [{ op: 'update', tagId: t.id, polarity: 'neutral' }]).expect(200);
    expect((await logOf(id)).map((c) => [c.op, c._id])).toEqual([['update', upd!._id]]);
    expect(await tagById(t.id)).toMatchObject({ polarity: 'neutral', source: 'human' });

    await revert(id, t.id).expect(200);
    expect(await tagById(t.id)).toMatchObject({ polarity: machine.polarity, source: machine.source, confidence: machine.confidence });
  });

  test('sent again once done, it logs nothing: one undo takes the tag back to the model', async () => {
    const { id, tags } = await tagged('这个套餐的资费太贵了');
    const t = tags[0]!;
    const machine = (await tagById(t.id))!;
    await rt.http.patch(`/v1/tags/${t.id}`).set(bearer(labeler)).send({ category: 'price', polarity: 'neutral' }).expect(200);
    // the answer was lost; the client sends the same PATCH again
    await rt.http.patch(`/v1/tags/${t.id}`).set(bearer(labeler)).send({ category: 'price', polarity: 'neutral' }).expect(200);
    expect(await ops(id)).toEqual(['update']);

    await revert(id, t.id).expect(200);
    expect(await tagById(t.id)).toMatchObject({ polarity: machine.polarity, source: machine.source });
  });
});

describe('another change after a crash, instead of the request sent again', () => {
  test('an update logged but never written is logged as undone when the next change of the tag comes', async () => {
    const { id, tags } = await tagged('宽带装机师傅迟到了两个小时');
    const t = tags[0]!;
    const machine = (await tagById(t.id))!;
    await correct(id, [{ op: 'update', tagId: t.id, polarity: 'neutral' }]).expect(200);
    const [orphan] = await logOf(id);
    await rewrite(orphan!.prior as TagRecord);

    await correct(id, [{ op: 'update', tagId: t.id, category: 'efficiency' }]).expect(200);
    const log = await logOf(id);
    expect(log.map((c) => [c.op, c.reverts ?? null])).toEqual([['update', null], ['revert', orphan!._id], ['update', null]]);
    expect(log[2]!.after).toMatchObject({ category: 'efficiency', polarity: machine.polarity });
    await revert(id, t.id).expect(200);
    expect(await tagById(t.id)).toMatchObject({ polarity: machine.polarity, category: machine.category, source: machine.source });
  });

  test('a delete cut short before its tag went is undone, and its span released, when the tag is updated instead', async () => {
    const { id, tags } = await tagged('这家营业厅的环境太脏了');
    const t = tags[0]!;
    await correct(id, [{ op: 'delete', tagId: t.id }]).expect(200);
    const [del] = await logOf(id);
    await store().tags.insert(del!.prior as TagRecord);

    await correct(id, [{ op: 'update', tagId: t.id, polarity: 'neutral' }]).expect(200);
    expect((await logOf(id)).map((c) => [c.op, c.reverts ?? null])).toEqual([['delete', null], ['revert', del!._id], ['update', null]]);
    expect(await suppressedOf(id)).toEqual([]);
    expect(await tagById(t.id)).toMatchObject({ polarity: 'neutral', source: 'human' });
  });

  test('an undo written but not logged is logged when the next change of the tag comes', async () => {
    const { id, tags } = await tagged('理赔材料交了三次还是说不全');
    const t = tags[0]!;
    await correct(id, [{ op: 'update', tagId: t.id, category: 'policy' }]).expect(200);
    await revert(id, t.id).expect(200);
    await unlog((await logOf(id)).filter((c) => c.op === 'revert'));

    await correct(id, [{ op: 'update', tagId: t.id, polarity: 'neutral' }]).expect(200);
    expect(await ops(id)).toEqual(['update', 'revert', 'update']);
    expect((await logOf(id))[2]!.after).toMatchObject({ polarity: 'neutral', source: 'human' });
  });
});

describe('a revert sent again after a crash', () => {
  test('of an update, crashed after restoring the tag: logged once', async () => {
    const { id, tags } = await tagged('网点的工作人员很耐心');
    const t = tags[0]!;
    await correct(id, [{ op: 'update', tagId: t.id, polarity: 'negative' }]).expect(200);
    await revert(id, t.id).expect(200);
    const rev = (await logOf(id)).find((c) => c.op === 'revert')!;
    await unlog([rev]);

    await revert(id, t.id).expect(200);
    expect(await ops(id)).toEqual(['update', 'revert']);
    expect((await tagById(t.id))!.source).not.toBe('human');
  });

  test('of a delete, crashed after putting the tag back: the span is released and the revert logged once', async () => {
    const { id, tags } = await tagged('营业厅排队两个小时都没人管');
    const t = tags[0]!;
    await correct(id, [{ op: 'delete', tagId: t.id }]).expect(200);
    const [del] = await logOf(id);
    // the crash: the tag is back, the span still kept from the model, nothing logged
    await store().tags.insert(del!.prior as TagRecord);

    await revert(id, t.id).expect(200);
    expect(await ops(id)).toEqual(['delete', 'revert']);
    expect(await tagById(t.id)).not.toBeNull();
    expect(await suppressedOf(id)).toEqual([]);
  });

  test('of a delete that itself was cut short before the tag went: the tag stays, the span is released', async () => {
    const { id, tags } = await tagged('手机银行转账老是失败');
    const t = tags[0]!;
    await correct(id, [{ op: 'delete', tagId: t.id }]).expect(200);
    const [del] = await logOf(id);
    await store().tags.insert(del!.prior as TagRecord);
    expect(await suppressedOf(id)).toHaveLength(1);

    await revert(id, t.id).expect(200);
    expect(await ops(id)).toEqual(['delete', 'revert']);
    expect(await tagIds(id)).toContain(t.id);
    expect(await suppressedOf(id)).toEqual([]);
  });

  test('of an add, crashed after removing the added tag: the tags it replaced come back and each revert is logged once', async () => {
    const text = '网络很顺畅，但是App老是闪退';
    const start = text.indexOf('App老是闪退');
    const { id, tags } = await tagged(text);
    const before = await tagIds(id);
    const machine = tags.find((x) => x.opinion.includes('闪退'))!;
    await correct(id, [{ op: 'add', span: { start, end: start + 'App老是闪退'.length }, aspect: 'App', polarity: 'negative', category: 'app_experience' }]).expect(200);
    const added = (await logOf(id)).find((c) => c.op === 'add')!.tagId!;
    await revert(id, added).expect(200);
    expect(await tagIds(id)).toEqual(before);
    // the crash: the added tag is gone, nothing else done
    const reverts = (await logOf(id)).filter((c) => c.op === 'revert');
    await unlog(reverts);
    await store().tags.deleteWhere({ _id: machine.id });
    const del = (await logOf(id)).find((c) => c.op === 'delete')!;
    await store().documents.update(id, { $set: { suppressed: [{ turnIndex: null, start: del.prior!.span!.start, end: del.prior!.span!.end, correctionId: del._id }] } });

    await revert(id, added).expect(200);
    expect(await ops(id)).toEqual(['add', 'delete', 'revert', 'revert']);
    expect(await tagIds(id)).toEqual(before);
    expect(await suppressedOf(id)).toEqual([]);
  });

  test('of an add, crashed after a replaced tag came back but before it was logged: nothing logged twice', async () => {
    const text = '网络很顺畅，但是App老是闪退';
    const start = text.indexOf('App老是闪退');
    const { id } = await tagged(text);
    const before = await tagIds(id);
    await correct(id, [{ op: 'add', span: { start, end: start + 'App老是闪退'.length }, aspect: 'App', polarity: 'negative', category: 'app_experience' }]).expect(200);
    const added = (await logOf(id)).find((c) => c.op === 'add')!.tagId!;
    await revert(id, added).expect(200);
    await unlog((await logOf(id)).filter((c) => c.op === 'revert'));

    await revert(id, added).expect(200);
    expect(await ops(id)).toEqual(['add', 'delete', 'revert', 'revert']);
    expect(await tagIds(id)).toEqual(before);
    expect(await suppressedOf(id)).toEqual([]);
  });
});
