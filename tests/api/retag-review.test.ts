import { afterAll, beforeAll, expect, test } from 'vitest';
import { ingestAndWait } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, holdRetagWrite, startRuntime, waitForStatus, waitRetagJob, type TestRuntime } from '../helpers/runtime.js';

// A labeler's review covers what the machine said when they looked. A re-tag (a new lexicon entry here;
// a promoted version works the same way) that makes the machine say something else about a reviewed
// document returns it to the labeling queue; one that tags it alike leaves it reviewed. Real HTTP, store,
// queue and analyzer threads.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime();
}, 60_000);
afterAll(async () => rt?.close());

type Tag = { id: string; opinion: string; polarity: string; category: string; source: string };

async function ingest(externalId: string, text: string): Promise<{ id: string; tags: Tag[] }> {
  const doc = await ingestAndWait(rt, ADMIN_KEY, { kind: 'comment', source: 'app', externalId, text });
  expect(doc.status).toBe('done');
  return { id: doc.id, tags: doc.tags };
}

const correct = (id: string, actions: Record<string, unknown>[]) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(ADMIN_KEY)).send({ actions }).expect(200);

async function queueIds(): Promise<string[]> {
  const res = await rt.http.get('/v1/labeling/queue?limit=100').set(bearer(ADMIN_KEY)).expect(200);
  return (res.body.items as { id: string }[]).map((d) => d.id);
}

test('a re-tag that changes what the machine says returns a reviewed document to the queue; one that tags it alike does not', async () => {
  // 感人 ("touching") said of soundproofing is sarcasm the shipped lexicon does not know
  const changed = await ingest('changed', '房间很干净，就是隔音感人');
  expect(changed.tags.map((t) => t.opinion)).toEqual(['很干净']);
  const alike = await ingest('alike', '服务员态度很好');
  expect(alike.tags).toHaveLength(1);
  // a labeler's own change (the machine tag becomes theirs) is part of what they reviewed
  const relabelled = await ingest('relabelled', '前台小姐姐很热情');
  expect(relabelled.tags).toHaveLength(1);

  await correct(changed.id, [{ op: 'accept' }]);
  await correct(alike.id, [{ op: 'accept' }]);
  const other = relabelled.tags[0]!.category === 'service_attitude' ? 'environment' : 'service_attitude';
  await correct(relabelled.id, [{ op: 'update', tagId: relabelled.tags[0]!.id, category: other }]);
  const before = await queueIds();
  for (const d of [changed, alike, relabelled]) expect(before).not.toContain(d.id);

  await rt.http.put('/v1/taxonomy').set(bearer(ADMIN_KEY)).send({ sentiment: { 感人: -2 } }).expect(200);
  const job = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({}).expect(202);
  await waitRetagJob(rt, job.body.id);
  const docs = await Promise.all([changed, alike, relabelled].map((d) => waitForStatus(rt, d.id)));

  // the new lexicon entry gave the accepted document a tag its labeler never saw
  expect(docs[0]!.tags.map((t: Tag) => [t.opinion, t.polarity])).toEqual(
    expect.arrayContaining([['很干净', 'positive'], [expect.stringContaining('感人'), 'negative']]),
  );
  expect(docs[0]!.reviewed).toBe(false);
  // tagged alike (a new tag id, the same place, polarity and category): the review stands
  expect(docs[1]!.tags.map((t: Tag) => [t.opinion, t.polarity, t.category])).toEqual(alike.tags.map((t) => [t.opinion, t.polarity, t.category]));
  expect(docs[1]!.reviewed).toBe(true);
  // the labeler's relabelled tag is kept and the machine's own is still held back by it: nothing new
  expect(docs[2]!.tags.map((t: Tag) => [t.source, t.category])).toEqual([['human', other]]);
  expect(docs[2]!.reviewed).toBe(true);

  const after = await queueIds();
  expect(after).toContain(changed.id);
  expect(after).not.toContain(alike.id);
  expect(after).not.toContain(relabelled.id);

  // reviewing it again takes it out of the queue, and a second identical re-tag leaves it there
  await correct(changed.id, [{ op: 'accept' }]);
  expect(await queueIds()).not.toContain(changed.id);
  const again = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({}).expect(202);
  await waitRetagJob(rt, again.body.id);
  expect((await waitForStatus(rt, changed.id)).reviewed).toBe(true);
  expect(await queueIds()).not.toContain(changed.id);
}, 120_000);

test('a tagged document a re-tag holds stays in the labeling queue with the tags it has, and can be reviewed there', async () => {
  // Every promotion re-tags the tenant: when the queue listed only documents `done`, each one vanished from
  // it while marked for the re-tag, and the labelers' queue emptied until the re-tag caught up, though
  // corrections on such documents are taken (processedAt is set).
  const held = await ingest('held', '宽带装了三天还没人来，客服一直推脱');
  expect(held.tags.length).toBeGreaterThan(0);
  expect(await queueIds()).toContain(held.id);
  const { reached, release } = holdRetagWrite(rt, held.id);
  const job = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({}).expect(202);
  try {
    await reached;
    expect((await rt.services.store.documents.findById(held.id))!.status).toBe('processing');
    const res = await rt.http.get('/v1/labeling/queue?limit=100&withTotal=true').set(bearer(ADMIN_KEY)).expect(200);
    expect(res.body.items.map((d: { id: string }) => d.id)).toContain(held.id);
    expect(res.body.total).toBe(res.body.items.length);
  } finally {
    release();
  }
  await waitRetagJob(rt, job.body.id);
  await correct(held.id, [{ op: 'accept' }]);
  expect(await queueIds()).not.toContain(held.id);
}, 120_000);
