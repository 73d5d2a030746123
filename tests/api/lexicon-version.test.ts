import fs from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// The rules decide tags as much as the model does: a document says which lexicons tagged it, and
// readiness says which the workers run, so a lexicon upgrade can be traced without reading git history.

let rt: TestRuntime;
const lexiconVersion = fs.readFileSync('lexicons/VERSION', 'utf8').trim();

beforeAll(async () => {
  rt = await startRuntime();
}, 60_000);
afterAll(async () => rt?.close());

test('a tagged document and /readyz name the lexicon version next to the model version', async () => {
  expect(lexiconVersion).toMatch(/^\d{4}\.\d{2}\.\d{2}\.\d+$/);
  const res = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'app', externalId: 'lex-1', text: '网络很顺畅，但是App老是闪退' }).expect(202);
  // queued, not yet tagged: nothing to name
  const queued = (await rt.http.get(`/v1/documents/${res.body.id}`).set(bearer(ADMIN_KEY)).expect(200)).body;
  if (queued.status === 'queued') expect(queued.lexiconVersion).toBeNull();
  const doc = await waitForStatus(rt, res.body.id as string);
  expect(doc.status).toBe('done');
  expect(doc.tags.length).toBeGreaterThan(0);
  expect(doc.lexiconVersion).toBe(lexiconVersion);
  expect(doc.modelVersion).toBe(doc.tags[0].modelVersion);
  const listed = (await rt.http.get('/v1/documents').set(bearer(ADMIN_KEY)).expect(200)).body.items.find((d: { id: string }) => d.id === doc.id);
  expect(listed.lexiconVersion).toBe(lexiconVersion);

  const ready = (await rt.http.get('/readyz').expect(200)).body;
  expect(ready.checks.model).toMatchObject({ version: doc.modelVersion, lexiconVersion });
});
