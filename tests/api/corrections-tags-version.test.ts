import { expect, test } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi/build-openapi.js';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { OpenApiConformance } from '../helpers/openapi-conformance.js';
import { ADMIN_KEY, bearer, waitForStatus, waitRetagJob, type TestRuntime } from '../helpers/runtime.js';

// A document stays open in the console while a re-tag (every promotion starts one) replaces its tags, or
// another labeler corrects it. An accept sent then confirmed tags the labeler never saw. The document is
// served with `tagsVersion`; a correction that sends back the one it was loaded with is refused (409, nothing
// applied) when the tags are no longer those. Real HTTP, store, queue and analyzer threads.

let rt: TestRuntime;
let keys: Record<'first' | 'second', string>;
useFileRuntime({ first: ['labeler'], second: ['labeler'] }, (s) => ({ rt, keys } = s));
const conformance = new OpenApiConformance(JSON.parse(JSON.stringify(buildOpenApi())) as Record<string, any>);

const correct = (key: string, id: string, body: Record<string, unknown>) => rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(key)).send(body);
const log = async (id: string) => (await rt.services.store.corrections.byDocument(id)).map((c) => c.op);

test('an accept against tags a re-tag has replaced since the document was loaded is a 409 naming tagsVersion, and changes nothing', async () => {
  // 感人 ("touching") said of soundproofing is sarcasm the shipped lexicon does not know; once the tenant's
  // lexicon calls it negative, the re-tag adds a tag the labeler has not seen
  const loaded = await ingestAndWait(rt, ADMIN_KEY, { kind: 'comment', source: 'tv', externalId: 'tv-1', text: '房间很干净，就是隔音感人' });
  expect(loaded.tagsVersion).toMatch(/^[0-9a-f]{24}$/);
  expect(conformance.problems('get', '/v1/documents/{id}', 200, loaded)).toEqual([]);

  await rt.http.put('/v1/taxonomy').set(bearer(ADMIN_KEY)).send({ sentiment: { 感人: -2 } }).expect(200);
  const job = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'tv' }).expect(202);
  await waitRetagJob(rt, job.body.id);
  const now = await waitForStatus(rt, loaded.id);
  expect(now.tags.length).toBeGreaterThan(loaded.tags.length);
  expect(now.tagsVersion).not.toBe(loaded.tagsVersion);

  const stale = await correct(keys.first, loaded.id, { actions: [{ op: 'accept' }], tagsVersion: loaded.tagsVersion }).expect(409);
  expect(stale.body.error.details.map((d: { field: string }) => d.field)).toEqual(['tagsVersion']);
  expect(conformance.problems('post', '/v1/documents/{id}/corrections', 409, stale.body)).toEqual([]);
  expect(await log(loaded.id)).toEqual([]);
  expect((await waitForStatus(rt, loaded.id)).reviewed).toBe(false);

  // loaded again, the same accept goes through and answers the version it leaves
  const ok = await correct(keys.first, loaded.id, { actions: [{ op: 'accept' }], tagsVersion: now.tagsVersion }).expect(200);
  expect(ok.body.reviewed).toBe(true);
  expect(ok.body.tagsVersion).toBe(now.tagsVersion);
  expect(await log(loaded.id)).toEqual(['accept']);
}, 60_000);

test('another labeler\'s change since loading is a 409 too; a request without tagsVersion is taken as before; a bad one is a 400', async () => {
  const doc = await ingestAndWait(rt, ADMIN_KEY, { kind: 'comment', source: 'tv', externalId: 'tv-2', text: '客服态度很差，等了半个小时' });
  const tag = doc.tags[0] as { id: string; polarity: string };
  const other = tag.polarity === 'negative' ? 'positive' : 'negative';
  const second = await correct(keys.second, doc.id, { actions: [{ op: 'update', tagId: tag.id, polarity: other }], tagsVersion: doc.tagsVersion }).expect(200);
  expect(second.body.tagsVersion).not.toBe(doc.tagsVersion);

  const refused = await correct(keys.first, doc.id, { actions: [{ op: 'delete', tagId: tag.id }], tagsVersion: doc.tagsVersion }).expect(409);
  expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual(['tagsVersion']);
  expect((await waitForStatus(rt, doc.id)).tags.map((t: { id: string }) => t.id)).toContain(tag.id);

  // clients that do not send it are answered as before
  await correct(keys.first, doc.id, { actions: [{ op: 'delete', tagId: tag.id }] }).expect(200);
  const bad = await correct(keys.first, doc.id, { actions: [{ op: 'accept' }], tagsVersion: 7 }).expect(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['tagsVersion']);
}, 60_000);
