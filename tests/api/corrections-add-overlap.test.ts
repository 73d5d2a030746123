import { describe, expect, test } from 'vitest';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

// An added tag is the labeler's verdict on those words. A machine tag it overlaps (一直识别不了 under
// U盾一直识别不了), or an earlier added tag on exactly its span, used to stay beside it, so one complaint
// counted twice under two categories until the next re-tag (QA audit 2026-11-29, finding 9). The add now
// replaces them, each recorded as a delete marked superseded; reverting the add brings them back.

type Tag = { id: string; source: string; polarity: string; category: string; opinion: string; span: { start: number; end: number } };

let rt: TestRuntime;
let ingest: string;
let labeler: string;
useFileRuntime({ ingest: ['ingest'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, labeler } } = s));

let seq = 0;
async function ingestDoc(text: string): Promise<{ id: string; text: string; tags: Tag[] }> {
  return (await ingestAndWait(rt, ingest, { kind: 'comment', source: 'overlap', externalId: `ov-${++seq}`, text })) as { id: string; text: string; tags: Tag[] };
}
const correct = (id: string, actions: unknown[]) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions });

describe('an added tag replaces the tags it overlaps', () => {
  test('the machine tag under the new span goes, once; the one beside it stays; reverting the add brings it back', async () => {
    const doc = await ingestDoc('我的U盾一直识别不了，烦死了');
    const under = doc.tags.find((t) => t.opinion.includes('识别不了'));
    const beside = doc.tags.find((t) => t.opinion.includes('烦死了'));
    expect(under).toBeDefined();
    expect(beside).toBeDefined();
    const start = doc.text.indexOf('U盾');
    const res = await correct(doc.id, [{ op: 'add', span: { start, end: under!.span.end }, polarity: 'negative', category: 'account_security' }]).expect(200);
    const tags = res.body.tags as Tag[];
    expect(tags.map((t) => t.id)).not.toContain(under!.id);
    expect(tags.map((t) => t.id)).toContain(beside!.id);
    const human = tags.filter((t) => t.source === 'human');
    expect(human).toHaveLength(1);
    expect(human[0]).toMatchObject({ category: 'account_security', polarity: 'negative' });

    const log = await rt.services.store.corrections.byDocument(doc.id);
    const superseded = log.filter((c) => c.op === 'delete');
    expect(superseded).toHaveLength(1);
    expect(superseded[0]).toMatchObject({ tagId: under!.id, supersededBy: human[0]!.id });

    // one complaint, one category, on the dashboard
    const summary = await rt.http.get('/v1/stats/summary').query({ channel: 'overlap' }).set(bearer(labeler)).expect(200);
    const negatives = (summary.body.byCategory as { category: string; negative: number }[]).reduce((n, r) => n + r.negative, 0);
    expect(negatives).toBe(2);

    const reverted = await rt.http.post(`/v1/documents/${doc.id}/corrections/revert`).set(bearer(labeler)).send({ tagId: human[0]!.id }).expect(200);
    expect((reverted.body.tags as Tag[]).map((t) => t.id).sort()).toEqual(doc.tags.map((t) => t.id).sort());
    expect(reverted.body.reviewed).toBe(false);
  });

  test('a second add on exactly the same span replaces the first; a labeler tag it only overlaps stays', async () => {
    const doc = await ingestDoc('外卖送得太慢了，汤都洒了');
    const at = doc.text.indexOf('太慢了');
    const span = { start: at, end: at + 3 };
    await correct(doc.id, [{ op: 'add', span, polarity: 'negative', category: 'efficiency' }]).expect(200);
    const second = await correct(doc.id, [{ op: 'add', span, polarity: 'negative', category: 'logistics' }]).expect(200);
    const human = (second.body.tags as Tag[]).filter((t) => t.source === 'human' && t.span.start === span.start && t.span.end === span.end);
    expect(human).toHaveLength(1);
    expect(human[0]!.category).toBe('logistics');

    const wider = { start: doc.text.indexOf('送得'), end: at + 3 };
    const third = await correct(doc.id, [{ op: 'add', span: wider, polarity: 'negative', category: 'logistics', aspect: '外卖' }]).expect(200);
    expect((third.body.tags as Tag[]).filter((t) => t.source === 'human')).toHaveLength(2);
  });
});
