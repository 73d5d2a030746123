import { describe, expect, test } from 'vitest';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

// Changing a tag (PATCH /v1/tags/:id, or an `update` correction): a new aspect is grouped and located
// the way the pipeline does it, and a change that changes nothing is refused instead of quietly turning
// a machine tag into a labeler's correction.

type Tag = Record<string, any>;

let rt: TestRuntime;
let ingest: string;
let labeler: string;
useFileRuntime({ ingest: ['ingest'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, labeler } } = s));

let seq = 0;
const ingestDoc = (text: string) => ingestAndWait(rt, ingest, { kind: 'comment', source: 'app', externalId: `cu-${++seq}`, text });

const correct = (id: string, actions: unknown[]) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions });
const tagsOf = async (id: string): Promise<Tag[]> => (await rt.http.get(`/v1/documents/${id}`).set(bearer(labeler)).expect(200)).body.tags;
const byAspect = async (aspect: string): Promise<string[]> =>
  (await rt.http.get(`/v1/tags?aspect=${encodeURIComponent(aspect)}`).set(bearer(labeler)).expect(200)).body.items.map((t: Tag) => t.id);

/** GET /v1/corrections/export as text (JSON lines). */
const exportCorrections = () =>
  rt.http
    .get('/v1/corrections/export')
    .set(bearer(labeler))
    .buffer(true)
    .parse((r, cb) => {
      let data = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (data += c));
      r.on('end', () => cb(null, data));
    })
    .expect(200);

describe('renaming an aspect', () => {
  test('PATCH: canonicalAspect follows the new aspect (网速 is found under 网络) and aspectSpan points at it in the clause', async () => {
    // 信号很差 is tagged with aspect 信号; the labeler says the complaint is about 网速
    const doc = await ingestDoc('信号很差网速很慢，打电话也听不清');
    const tag = doc.tags.find((t: Tag) => t.aspect === '信号') as Tag;
    expect(tag).toBeDefined();
    const res = await rt.http.patch(`/v1/tags/${tag.id}`).set(bearer(labeler)).send({ aspect: '网速' }).expect(200);
    const text = doc.text as string;
    expect(res.body).toMatchObject({ aspect: '网速', canonicalAspect: '网络', opinion: tag.opinion, opinionSpan: tag.opinionSpan, source: 'human' });
    expect(res.body.aspectSpan).not.toBeNull();
    expect(text.slice(res.body.aspectSpan.start, res.body.aspectSpan.end)).toBe('网速');
    expect(await byAspect('网络')).toContain(tag.id);
    expect(await byAspect('信号')).not.toContain(tag.id);
  });

  test('PATCH: an aspect the clause does not mention has no aspectSpan and the span shrinks to the opinion; the group still finds it', async () => {
    const doc = await ingestDoc('信号很差，打电话也听不清');
    const tag = doc.tags.find((t: Tag) => t.aspect === '信号') as Tag;
    expect(tag).toBeDefined();
    const res = await rt.http.patch(`/v1/tags/${tag.id}`).set(bearer(labeler)).send({ aspect: '宽带' }).expect(200);
    expect(res.body).toMatchObject({ aspect: '宽带', canonicalAspect: '网络', aspectSpan: null, span: tag.opinionSpan, opinion: tag.opinion, label: `负向评价: 宽带${tag.opinion.replace(/^很/, '')}` });
    expect(await byAspect('网络')).toContain(tag.id);
  });

  test('update action: same rules; clearing the aspect clears its span and group', async () => {
    const doc = await ingestDoc('信号很差网速很慢');
    const tag = doc.tags.find((t: Tag) => t.aspect === '信号') as Tag;
    expect(tag).toBeDefined();
    await correct(doc.id, [{ op: 'update', tagId: tag.id, aspect: '网速' }]).expect(200);
    let now = (await tagsOf(doc.id)).find((t) => t.id === tag.id)!;
    expect(now).toMatchObject({ aspect: '网速', canonicalAspect: '网络' });
    expect((doc.text as string).slice(now.aspectSpan.start, now.aspectSpan.end)).toBe('网速');

    await correct(doc.id, [{ op: 'update', tagId: tag.id, aspect: null }]).expect(200);
    now = (await tagsOf(doc.id)).find((t) => t.id === tag.id)!;
    expect(now).toMatchObject({ aspect: null, aspectSpan: null, canonicalAspect: null, span: tag.opinionSpan });
  });
});

describe('a change that changes nothing', () => {
  test('PATCH {} is refused and leaves the machine tag as it was', async () => {
    const doc = await ingestDoc('网速太慢了，客服也不理人。');
    const tag = doc.tags[0] as Tag;
    expect(tag.source).not.toBe('human');
    const res = await rt.http.patch(`/v1/tags/${tag.id}`).set(bearer(labeler)).send({}).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/nothing to change/);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: '(body)' })]);
    const now = (await tagsOf(doc.id)).find((t) => t.id === tag.id)!;
    expect(now).toMatchObject({ source: tag.source, confidence: tag.confidence });
    // nor does PATCH take a span (spans are set by add; a client's span here would bypass its checks)
    const span = await rt.http.patch(`/v1/tags/${tag.id}`).set(bearer(labeler)).send({ span: { start: 0, end: 1 } }).expect(400);
    expect(span.body.error.details).toEqual([expect.objectContaining({ field: 'span' })]);
    const exported = await exportCorrections();
    expect(exported.body as string).not.toContain(tag.id);
  });

  test('an update action without polarity, category or aspect is refused, naming the action; accept still works', async () => {
    const doc = await ingestDoc('网速太慢了，客服也不理人。');
    const tag = doc.tags[0] as Tag;
    const res = await correct(doc.id, [{ op: 'update', tagId: tag.id }]).expect(400);
    expect(res.body.error.message).toMatch(/nothing to change/);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'actions[0]' })]);
    const now = (await tagsOf(doc.id)).find((t) => t.id === tag.id)!;
    expect(now).toMatchObject({ source: tag.source, confidence: tag.confidence });

    const accepted = await correct(doc.id, [{ op: 'accept' }]).expect(200);
    expect(accepted.body.reviewed).toBe(true);
    expect(accepted.body.tags.find((t: Tag) => t.id === tag.id)).toMatchObject({ source: tag.source });
  });

  test('an update naming only values the tag already has is taken as the labeler\'s label: the tag becomes theirs and it is a correction (docs audit 2026-11-29, finding 4; README, corrections)', async () => {
    const doc = await ingestDoc('网速太慢了，客服也不理人。');
    const tag = doc.tags[0] as Tag;
    expect(tag.source).not.toBe('human');
    const res = await correct(doc.id, [{ op: 'update', tagId: tag.id, polarity: tag.polarity, category: tag.category }]).expect(200);
    expect(res.body.reviewed).toBe(true);
    // the labeler's now: confidence 1, and kept through re-tags as human tags are
    expect(res.body.tags.find((t: Tag) => t.id === tag.id)).toMatchObject({ polarity: tag.polarity, category: tag.category, source: 'human', confidence: 1 });
    const exported = await exportCorrections();
    const line = (exported.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>)
      .find((l) => l.documentId === doc.id)!;
    expect(line).toMatchObject({ op: 'update', sentiment: tag.polarity, category: tag.category, before: { source: tag.source }, after: { source: 'human' } });
  });
});
