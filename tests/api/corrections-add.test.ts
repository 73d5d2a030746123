import { describe, expect, test } from 'vitest';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

// `add` corrections: the span the labeler marked must be whole characters of the text it indexes, the
// tag stores aspect and opinion the way machine tags do (the opinion never repeats the aspect), and
// `sentence` is the clause holding the span, since retraining learns from exactly that text.

type Tag = Record<string, any>;

let rt: TestRuntime;
let ingest: string;
let labeler: string;
useFileRuntime({ ingest: ['ingest'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, labeler } } = s));

let seq = 0;
const ingestDoc = (body: Record<string, unknown>) => ingestAndWait(rt, ingest, { source: 'app', externalId: `ca-${++seq}`, ...body });

const correct = (id: string, actions: unknown[]) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions });

const newTag = (before: Tag[], after: Tag[]) => after.find((t) => !before.some((b) => b.id === t.id));

describe('add: spans must not split a character', () => {
  test('a span boundary inside a surrogate pair (an emoji) is refused, naming the span', async () => {
    const doc = await ingestDoc({ kind: 'comment', text: '😭资费太贵了，套餐也不划算' });
    for (const span of [
      { start: 0, end: 1 }, // ends between the two halves of 😭
      { start: 1, end: 4 }, // starts between them
    ]) {
      const res = await correct(doc.id, [{ op: 'add', span, polarity: 'negative', category: 'price' }]);
      expect(res.status, JSON.stringify(span)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'actions[0].span' })]);
    }
    // nothing was stored: no tag holds half a character, so labels and CSV never show U+FFFD
    const after = (await rt.http.get(`/v1/documents/${doc.id}`).set(bearer(labeler)).expect(200)).body;
    expect(after.tags.map((t: Tag) => t.id).sort()).toEqual(doc.tags.map((t: Tag) => t.id).sort());
    const csv = await rt.http.get('/v1/tags/export?format=csv&source=human').set(bearer(labeler)).expect(200);
    expect(csv.text).not.toContain('\ufffd');

    // the whole emoji, or the text right after it, is fine
    const ok = await correct(doc.id, [{ op: 'add', span: { start: 0, end: 6 }, polarity: 'negative', category: 'price' }]).expect(200);
    const added = newTag(after.tags, ok.body.tags)!;
    expect(added.opinion).toBe('😭资费太贵');
    // the clause as the pipeline splits it: an emoji is decoration there, not part of the clause
    expect(added.sentence).toBe('资费太贵了');
  });
});

describe('add: aspect and opinion are stored like machine tags', () => {
  test('a span starting with the given aspect: the opinion is the rest, aspectSpan points at the aspect, sentence is the clause', async () => {
    const text = '营业厅的工作人员办事效率很低，等了一个小时。';
    const doc = await ingestDoc({ kind: 'comment', text });
    const res = await correct(doc.id, [{ op: 'add', span: { start: 4, end: 14 }, aspect: '工作人员', polarity: 'negative', category: 'service_attitude' }]).expect(200);
    const tag = newTag(doc.tags, res.body.tags)!;
    expect(tag).toMatchObject({
      source: 'human',
      aspect: '工作人员',
      opinion: '办事效率很低',
      label: '负向评价: 工作人员办事效率很低',
      span: { start: 4, end: 14 },
      aspectSpan: { start: 4, end: 8 },
      opinionSpan: { start: 8, end: 14 },
      sentence: '营业厅的工作人员办事效率很低',
      canonicalAspect: '工作人员',
    });
    expect(text.slice(tag.aspectSpan.start, tag.aspectSpan.end)).toBe(tag.aspect);
    // the aspect's group finds it, as it finds machine tags
    const found = await rt.http.get('/v1/tags?aspect=工作人员&source=human').set(bearer(labeler)).expect(200);
    expect(found.body.items.map((t: Tag) => t.id)).toContain(tag.id);
  });

  test('an aspect outside the span but in the same clause is pointed at; the opinion is the span', async () => {
    const doc = await ingestDoc({ kind: 'comment', text: '网速太慢了，客服也不理人。' });
    // 不理人 only, with aspect 客服 from the same clause
    const res = await correct(doc.id, [{ op: 'add', span: { start: 9, end: 12 }, aspect: '客服', polarity: 'negative', category: 'service_attitude' }]).expect(200);
    const tag = newTag(doc.tags, res.body.tags)!;
    expect(tag).toMatchObject({ aspect: '客服', opinion: '不理人', aspectSpan: { start: 6, end: 8 }, opinionSpan: { start: 9, end: 12 }, sentence: '客服也不理人', label: '负向评价: 客服不理人' });
  });

  test('an aspect the clause does not mention has no aspectSpan, and the span holding only the aspect is refused', async () => {
    const doc = await ingestDoc({ kind: 'comment', text: '网速太慢了，客服也不理人。' });
    const res = await correct(doc.id, [{ op: 'add', span: { start: 2, end: 4 }, aspect: '宽带', polarity: 'negative', category: 'network' }]).expect(200);
    const tag = newTag(doc.tags, res.body.tags)!;
    // 宽带 is in the taxonomy's 网络 group, as 网速 is
    expect(tag).toMatchObject({ aspect: '宽带', opinion: '太慢', aspectSpan: null, sentence: '网速太慢了', canonicalAspect: '网络' });

    const only = await correct(doc.id, [{ op: 'add', span: { start: 6, end: 8 }, aspect: '客服', polarity: 'negative', category: 'service_attitude' }]);
    expect(only.status).toBe(400);
    expect(only.body.error.details).toEqual([expect.objectContaining({ field: 'actions[0].span' })]);
  });

  test('undoing a delete (the web UI re-adds the tag with its span and aspect) restores the same aspect, spans and clause', async () => {
    const doc = await ingestDoc({ kind: 'comment', text: '营业厅的工作人员办事效率很低，等了一个小时。' });
    const machine = doc.tags.find((t: Tag) => t.aspect && t.aspectSpan) as Tag;
    expect(machine).toBeDefined();
    const del = await correct(doc.id, [{ op: 'delete', tagId: machine.id }]).expect(200);
    const inverse = { op: 'add', span: machine.span, aspect: machine.aspect, polarity: machine.polarity, category: machine.category };
    const res = await correct(doc.id, [inverse]).expect(200);
    const back = newTag(del.body.tags, res.body.tags)!;
    expect(back).toMatchObject({
      source: 'human',
      aspect: machine.aspect,
      opinion: machine.opinion,
      label: machine.label,
      span: machine.span,
      aspectSpan: machine.aspectSpan,
      opinionSpan: machine.opinionSpan,
      sentence: machine.sentence,
      canonicalAspect: machine.canonicalAspect,
    });
  });

  test('a tag added without an aspect groups under the target its opinion implies, as a machine tag would', async () => {
    const text = '套餐太贵了，下个月就换掉';
    const doc = await ingestDoc({ kind: 'comment', text: '还行吧，' + text });
    const at = doc.text.indexOf('太贵了');
    const res = await correct(doc.id, [{ op: 'add', span: { start: at, end: at + 3 }, polarity: 'negative', category: 'price' }]).expect(200);
    expect(newTag(doc.tags, res.body.tags)).toMatchObject({ aspect: null, opinion: '太贵了', canonicalAspect: '价格' });
    // the implied target belongs to another category than the labeler chose: no group is guessed
    const doc2 = await ingestDoc({ kind: 'comment', text: '说实话太贵了' });
    const at2 = doc2.text.indexOf('太贵了');
    const res2 = await correct(doc2.id, [{ op: 'add', span: { start: at2, end: at2 + 3 }, polarity: 'negative', category: 'quality' }]).expect(200);
    expect(newTag(doc2.tags, res2.body.tags)).toMatchObject({ aspect: null, canonicalAspect: null });
  });

  test('in a transcript the sentence is the clause within the customer turn', async () => {
    const doc = await ingestDoc({
      kind: 'transcript',
      turns: [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: '我家宽带老是掉线，修了三次都没修好。' },
      ],
    });
    const res = await correct(doc.id, [{ op: 'add', turnIndex: 1, span: { start: 9, end: 17 }, polarity: 'negative', category: 'resolution' }]).expect(200);
    const tag = newTag(doc.tags, res.body.tags)!;
    expect(tag).toMatchObject({ turnIndex: 1, opinion: '修了三次都没修好', sentence: '修了三次都没修好', aspect: null, aspectSpan: null });
  });
});

describe('add: turnIndex belongs to transcripts', () => {
  test('a comment refuses turnIndex, naming it', async () => {
    const doc = await ingestDoc({ kind: 'comment', text: '网速太慢了，客服也不理人。' });
    const res = await correct(doc.id, [{ op: 'add', turnIndex: 0, span: { start: 2, end: 4 }, polarity: 'negative', category: 'network' }]);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'actions[0].turnIndex' })]);
    const after = (await rt.http.get(`/v1/documents/${doc.id}`).set(bearer(labeler)).expect(200)).body;
    expect(after.tags).toHaveLength(doc.tags.length);
  });

  test('a transcript refuses a missing, out-of-range or non-customer turn, naming turnIndex', async () => {
    const doc = await ingestDoc({
      kind: 'transcript',
      turns: [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: '网速太慢了。' },
      ],
    });
    for (const turnIndex of [undefined, 2, 0]) {
      const res = await correct(doc.id, [{ op: 'add', ...(turnIndex !== undefined ? { turnIndex } : {}), span: { start: 0, end: 2 }, polarity: 'negative', category: 'network' }]);
      expect(res.status, String(turnIndex)).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'actions[0].turnIndex' })]);
    }
  });
});
