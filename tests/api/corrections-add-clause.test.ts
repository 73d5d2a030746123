import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// A labeler's added tag takes its sentence from the same clause splitter as the pipeline's tags: an emoji
// or an ideographic space ends a clause there (QA audit 2026-11-29, fidelity F10), so the added tag's
// sentence is its own clause, not the text on both sides of the emoji.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime();
}, 60_000);
afterAll(async () => rt?.close());

test.each([
  ['房间很干净😂隔音感人', '隔音感人'],
  ['前台很热情\u3000隔音感人', '隔音感人'],
])('an add in %s has the sentence %s', async (text, phrase) => {
  const res = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'app', externalId: `clause-${text}`, text }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string);
  // the machine's own tag on the first clause has that clause alone
  expect(doc.tags.map((t: { sentence: string }) => t.sentence)).toEqual([text.slice(0, 5)]);
  const start = text.indexOf(phrase);
  const after = await rt.http
    .post(`/v1/documents/${doc.id}/corrections`)
    .set(bearer(ADMIN_KEY))
    .send({ actions: [{ op: 'add', span: { start, end: start + phrase.length }, polarity: 'negative', category: 'environment' }] })
    .expect(200);
  const added = (after.body.tags as { source: string; sentence: string }[]).find((t) => t.source === 'human')!;
  expect(added.sentence).toBe(phrase);
});
