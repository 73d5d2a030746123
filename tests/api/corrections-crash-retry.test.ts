import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CorrectionRecord, TagRecord } from '../../src/store/records.js';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// A correction writes several records (the tag, its log entry, the tags an add replaces, the document's
// suppressed spans). A crash between two of them leaves the rest unwritten, and the client, having had no
// answer, sends the same request again. Each test below first applies a correction fully, then puts the
// store back into the state a crash at one point would have left (the later writes undone by hand), and
// sends the request again: it must come out as if there had been no crash, nothing logged or kept twice.

let rt: TestRuntime;
let ingest: string;
let labeler: string;

beforeAll(async () => {
  rt = await startRuntime();
  ingest = await createKey(rt, ['ingest']);
  labeler = await createKey(rt, ['labeler']);
});
afterAll(async () => rt.close());

let seq = 0;
async function tagged(text: string) {
  const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'crash', externalId: `c-${++seq}`, text }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string);
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
