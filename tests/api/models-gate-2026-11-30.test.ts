import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingestAndWait } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { SLANG_COMPLAINTS } from '../fixtures/slang-complaints.js';

// QA audit 2026-11-29 (findings 2, 3, 8 and the learning-loop parts of 11), through real HTTP, the real
// store, queue, worker and training threads:
//  - an added tag (an opinion the rules missed) trains the head but is never gate credit: no version can
//    produce a tag the rules did not find;
//  - a labeler's accept keeps judging candidates after a re-tag by another version replaced the tag;
//  - deleting a false positive is training data (the clause, neutral), and training with nothing to
//    learn is refused up front (409) without using up a version number;
//  - a second training request while one is queued or running gets that job; a candidate judged
//    against a version no longer active is marked stale.

let rt: TestRuntime;

type Tag = { id: string; opinion: string; polarity: string; category: string; source: string };

async function ingest(key: string, externalId: string, text: string): Promise<{ id: string; text: string; tags: Tag[] }> {
  const doc = await ingestAndWait(rt, key, { kind: 'comment', source: 'app', externalId, text }, key);
  expect(doc.status).toBe('done');
  return { id: doc.id, text, tags: doc.tags };
}

const correct = (key: string, docId: string, actions: Record<string, unknown>[]) => rt.http.post(`/v1/documents/${docId}/corrections`).set(bearer(key)).send({ actions }).expect(200);

async function follow(key: string, id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 2400; i++) {
    const res = await rt.http.get(`/v1/models/jobs/${encodeURIComponent(id)}`).set(bearer(key)).expect(200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('training did not finish in 60 s');
}

/** Trains and returns the version as GET /v1/models/:version shows it. */
async function train(key: string): Promise<Record<string, any>> {
  const started = await rt.http.post('/v1/models/train').set(bearer(key)).send({}).expect(202);
  const job = await follow(key, started.body.id);
  expect(job.status, job.error).toBe('done');
  return (await rt.http.get(`/v1/models/${encodeURIComponent(job.version)}`).set(bearer(key)).expect(200)).body;
}

async function waitRetag(key: string, id: string) {
  for (let i = 0; i < 1200; i++) {
    const res = await rt.http.get(`/v1/retag-jobs/${id}`).set(bearer(key)).expect(200);
    if (res.body.status === 'done') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('re-tag did not finish');
}

// Sarcastic 感人 ("touching", meaning awful): the shipped rules find no opinion in these. (They read it after a word of
// pace or quality since lexicons 2026.11.30.32: 网速感人, 效率感人.)
const MISSED = ['房间隔音感人', '理财收益感人', '客服的回复感人', '这个WiFi也是感人', '外卖包装感人', '酒店早餐感人'];
// A tenant's product named with a word of praise (安心宝, an insurance plan), which the shipped rules tag as praise and
// this insurer's labelers do not count as an opinion. (The rules' earlier false positives here, 麻烦了 as "thanks for
// your trouble" read as a complaint and 豪华 in 豪华大床房, are fixed in the rules since lexicons 2026.11.30.5 and
// 2026.11.30.12; a tenant's own product names are what the rules cannot know.)
const THANKS = ['买了安心宝少儿医疗险', '我想咨询安心宝少儿医疗险', '帮我查一下安心宝少儿医疗险的保单', '给孩子买了安心宝少儿医疗险', '刚续了安心宝少儿医疗险'];
const PLAIN = ['服务员态度很好', '房间很干净', '快递很快', '客服态度很差'];

beforeAll(async () => {
  rt = await startRuntime();
}, 60_000);
afterAll(async () => rt?.close());

describe('the gate counts only what the running pipeline can change (finding 3)', () => {
  test('added tags are trained on but left out of the gate, and say why', async () => {
    const admin = await createKey(rt, ['admin'], 'adds-hotel');
    let added = 0;
    for (const [i, text] of MISSED.entries()) {
      const d = await ingest(admin, `missed-${i}`, text);
      if (d.tags.length) continue;
      await correct(admin, d.id, [{ op: 'add', span: { start: 0, end: text.length }, polarity: 'negative', category: 'quality' }]);
      added++;
    }
    expect(added).toBeGreaterThanOrEqual(4);
    const v = await train(admin);
    expect(v.counts).toMatchObject({ corrections: added, added, addedNotGated: added, deleted: 0 });
    // nothing the pipeline could change: the parent is not scored "always wrong" on tags no version can produce
    expect(v.metrics.corrections.n).toBe(0);
    expect(v.parentMetrics.corrections.n).toBe(0);
    expect(v.gate.passes).toBe(false);
    expect(v.gate.details).toContainEqual(expect.objectContaining({ field: 'metrics.corrections', code: 'only_added', params: { added } }));
    expect(v.gate.reasons.join(' ')).toMatch(/PUT \/v1\/taxonomy/);
    expect(v.gate.notes).toHaveLength(1);
    expect(v.gate.notes[0]).toMatch(new RegExp(`^${added} new added tags were trained on but left out of the gate`));
    const refused = await rt.http.post(`/v1/models/${encodeURIComponent(v.version)}/promote`).set(bearer(admin)).send({ retag: false }).expect(409);
    expect(refused.body.error.code).toBe('gate_failed');
  }, 120_000);
});

describe('accepted tags keep judging candidates after a re-tag (finding 2); duplicate requests and stale verdicts (finding 11)', () => {
  test('confirmed tags survive a promotion re-tag; a second request gets the running job; a candidate over a rolled-back parent is stale', async () => {
    const admin = await createKey(rt, ['admin'], 'accept-telco');
    const slang: { id: string; tags: Tag[] }[] = [];
    for (const [i, text] of SLANG_COMPLAINTS.entries()) slang.push(await ingest(admin, `slang-${i}`, text));
    const fix = async (d: { id: string; tags: Tag[] }) => {
      const tag = d.tags.find((t) => t.opinion.includes('绝了'));
      if (!tag) return 0;
      await correct(admin, d.id, [{ op: 'update', tagId: tag.id, polarity: 'negative' }]);
      return 1;
    };
    let updates = 0;
    for (const d of slang.slice(0, 9)) updates += await fix(d);
    expect(updates).toBeGreaterThanOrEqual(6);
    let confirmedTags = 0;
    for (const [i, text] of PLAIN.entries()) {
      const d = await ingest(admin, `plain-${i}`, text);
      confirmedTags += d.tags.length;
      await correct(admin, d.id, [{ op: 'accept' }]);
    }
    expect(confirmedTags).toBeGreaterThanOrEqual(4);
    // one added tag next to the updates: trained on, not in the gated slices
    const missed = await ingest(admin, 'missed-0', MISSED[0]!);
    expect(missed.tags).toEqual([]);
    await correct(admin, missed.id, [{ op: 'add', span: { start: 0, end: MISSED[0]!.length }, polarity: 'negative', category: 'environment' }]);

    // Two requests at once: one job, one version number.
    const [a, b] = await Promise.all([1, 2].map(() => rt.http.post('/v1/models/train').set(bearer(admin)).send({})));
    expect([a!.status, b!.status].sort()).toEqual([200, 202]);
    expect(a!.body.id).toBe(b!.body.id);
    expect([a!.body.existing, b!.body.existing].sort()).toEqual([false, true]);
    const job1 = await follow(admin, a!.body.id);
    expect(job1.status, job1.error).toBe('done');
    const list1 = (await rt.http.get('/v1/models').set(bearer(admin)).expect(200)).body;
    expect(list1.versions).toHaveLength(1);
    const v1 = list1.versions[0];
    expect(v1.counts).toMatchObject({ corrections: updates + 1, added: 1, addedNotGated: 1, confirmed: confirmedTags });
    expect(v1.metrics.corrections.nSentiment).toBe(updates);
    expect(v1.metrics.confirmed.nSentiment).toBe(confirmedTags);
    expect(v1.gate).toMatchObject({ passes: true, stale: false, staleReason: null });

    const promoted = await rt.http.post(`/v1/models/${encodeURIComponent(v1.version)}/promote`).set(bearer(admin)).send({}).expect(200);
    await waitRetag(admin, promoted.body.retagJob.id);

    // Every machine tag now carries another id; the labeler's accepts still count.
    for (const d of slang.slice(9)) updates += await fix({ id: d.id, tags: (await rt.http.get(`/v1/documents/${d.id}`).set(bearer(admin)).expect(200)).body.tags });
    const v2 = await train(admin);
    expect(v2.parent).toBe(v1.version);
    expect(v2.counts.confirmed).toBe(confirmedTags);
    expect(v2.metrics.confirmed.nSentiment).toBe(confirmedTags);
    expect(v2.gate.stale).toBe(false);

    // After a rollback, v2 was judged against a version that no longer tags: stale, and promotion is refused.
    await rt.http.post('/v1/models/rollback').set(bearer(admin)).send({ retag: false }).expect(200);
    const list2 = (await rt.http.get('/v1/models').set(bearer(admin)).expect(200)).body;
    const stale = list2.versions.find((x: { version: string }) => x.version === v2.version);
    expect(stale.gate.stale).toBe(true);
    expect(stale.gate.staleReason).toMatch(/judged against .* is active now: train again/);
    // v1's parent is what is active again: its verdict still applies
    expect(list2.versions.find((x: { version: string }) => x.version === v1.version).gate).toMatchObject({ stale: false });
    await rt.http.post(`/v1/models/${encodeURIComponent(v2.version)}/promote`).set(bearer(admin)).send({ retag: false }).expect(409);
  }, 240_000);
});

describe('deleting a false positive is learned (finding 8); nothing to learn is refused up front (finding 11)', () => {
  test('409 with the reason and no version used; deletions of machine tags train the clause as neutral, and the promoted head removes such tags', async () => {
    const admin = await createKey(rt, ['admin'], 'thanks-courier');
    const none = await rt.http.post('/v1/models/train').set(bearer(admin)).send({}).expect(409);
    expect(none.body.error).toMatchObject({ code: 'nothing_to_learn', message: expect.stringMatching(/^no corrections to learn from yet/), details: [] });

    // A labeler's own tag added and deleted again teaches nothing, and the refusal says so.
    const own = await ingest(admin, 'own', '行，麻烦你了');
    expect(own.tags).toEqual([]);
    await correct(admin, own.id, [{ op: 'add', span: { start: 2, end: 6 }, polarity: 'negative', category: 'efficiency' }]);
    const mine = (await rt.http.get(`/v1/documents/${own.id}`).set(bearer(admin)).expect(200)).body.tags[0] as Tag;
    await correct(admin, own.id, [{ op: 'delete', tagId: mine.id }]);
    const still = await rt.http.post('/v1/models/train').set(bearer(admin)).send({}).expect(409);
    expect(still.body.error.message).toMatch(/1 deletion is not training data \(1 removed labelers' own tags\)/);
    // the counts again, for a client to word in its own language (the console's zh page)
    expect(still.body.error.details).toEqual([{ field: 'corrections', code: 'deletes_of_human', params: { n: 1 } }]);
    expect((await rt.http.get('/v1/models').set(bearer(admin)).expect(200)).body).toMatchObject({ versions: [], training: [] });

    let deleted = 0;
    for (const [i, text] of THANKS.entries()) {
      const d = await ingest(admin, `thanks-${i}`, text);
      const tag = d.tags.find((t) => t.opinion.includes('安心') && t.polarity === 'positive');
      if (!tag) continue;
      await correct(admin, d.id, [{ op: 'delete', tagId: tag.id }]);
      deleted++;
    }
    expect(deleted).toBeGreaterThanOrEqual(4);
    const started = await rt.http.post('/v1/models/train').set(bearer(admin)).send({}).expect(202);
    // the refusals used up no version number
    expect(started.body.id).toBe('thanks-courier:r1');
    const job = await follow(admin, started.body.id);
    expect(job.status, job.error).toBe('done');
    const v = (await rt.http.get(`/v1/models/${encodeURIComponent(job.version)}`).set(bearer(admin)).expect(200)).body;
    expect(v.counts).toMatchObject({ corrections: deleted, deleted, added: 0, sentimentExamples: deleted, categoryExamples: 0 });
    // scored as the pipeline would: the parent said positive where the labeler said there is no such opinion
    expect(v.parentMetrics.corrections).toMatchObject({ nSentiment: deleted, nCategory: 0, sentimentAccuracy: 0 });
    expect(v.metrics.corrections.sentimentAccuracy).toBeGreaterThan(0.5);
    expect(v.gate.passes).toBe(true);

    await rt.http.post(`/v1/models/${encodeURIComponent(v.version)}/promote`).set(bearer(admin)).send({ retag: false }).expect(200);
    // No wait for ACTIVE_MODEL_TTL_MS: that bounds how long another process's workers keep the head they
    // cached (tests/api/models.test.ts); this runtime's workers share the service that promoted, which
    // dropped its cached head before answering
    const after = await ingest(admin, 'thanks-new', '想买安心宝少儿医疗险');
    // the rules still find the span; the promoted head learned "no opinion here", so there is no tag at
    // all, as the labelers left it, not a neutral one
    expect(after.tags.filter((t) => t.opinion.includes('安心'))).toEqual([]);
    expect(after.tags).toEqual([]);
    // an opinion in another clause of the same text is untouched by what the head learned about thanks
    const mixed = await ingest(admin, 'thanks-mixed', '买了安心宝少儿医疗险。理赔员态度很差');
    expect(mixed.tags.map((t) => [t.opinion, t.polarity])).toEqual([['很差', 'negative']]);
  }, 180_000);
});
