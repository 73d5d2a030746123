import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// QA audit 2026-11-29: a correction missing a field its op needs must be a 400 naming that field,
// never reach CorrectionsService (an add without a span was a 500 TypeError in sourceText).

let rt: TestRuntime;
let labeler: string;
let docId: string;
let tagId: string;

beforeAll(async () => {
  rt = await startRuntime();
  const ingest = await createKey(rt, ['ingest']);
  labeler = await createKey(rt, ['labeler']);
  const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: 'cv-1', text: '网络很慢，资费太贵了' }).expect(202);
  docId = res.body.id;
  const doc = await waitForStatus(rt, docId);
  expect(doc.tags.length).toBeGreaterThan(0);
  tagId = doc.tags[0].id;
});
afterAll(async () => rt.close());

const correct = (actions: unknown[]) => rt.http.post(`/v1/documents/${docId}/corrections`).set(bearer(labeler)).send({ actions });

function expect400(res: { status: number; body: any }, field: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  const detail = (res.body.error.details as { field: string; message: string }[]).find((d) => d.field === field);
  expect(detail, `details ${JSON.stringify(res.body.error.details)} name ${field}`).toBeDefined();
  if (message) expect(detail!.message).toMatch(message);
}

describe('required fields of each op', () => {
  test('add without a span (or with span null) is a 400 naming actions[0].span', async () => {
    expect400(await correct([{ op: 'add', polarity: 'negative', category: 'network' }]), 'actions[0].span', /required/);
    expect400(await correct([{ op: 'add', polarity: 'negative', category: 'network', span: null }]), 'actions[0].span', /required/);
    expect400(await correct([{ op: 'accept' }, { op: 'add', polarity: 'negative', category: 'network' }]), 'actions[1].span', /required/);
  });

  test('add with a span missing start or end names the missing end', async () => {
    expect400(await correct([{ op: 'add', polarity: 'negative', category: 'network', span: { end: 2 } }]), 'actions[0].span.start', /required/);
    expect400(await correct([{ op: 'add', polarity: 'negative', category: 'network', span: { start: 0 } }]), 'actions[0].span.end', /required/);
    expect400(await correct([{ op: 'add', polarity: 'negative', category: 'network', span: 'x' }]), 'actions[0].span');
  });

  test('add without polarity or category says which is required', async () => {
    expect400(await correct([{ op: 'add', category: 'network', span: { start: 0, end: 4 } }]), 'actions[0].polarity', /required/);
    expect400(await correct([{ op: 'add', polarity: 'negative', span: { start: 0, end: 4 } }]), 'actions[0].category', /required/);
  });

  test('update and delete without a tagId say it is required', async () => {
    expect400(await correct([{ op: 'update', polarity: 'positive' }]), 'actions[0].tagId', /required/);
    expect400(await correct([{ op: 'delete' }]), 'actions[0].tagId', /required/);
    expect400(await correct([{ op: 'delete', tagId: null }]), 'actions[0].tagId', /required/);
  });

  test('a missing op is named as required', async () => {
    expect400(await correct([{ tagId }]), 'actions[0].op', /required/);
  });

  test('revert without a tagId says it is required', async () => {
    const res = await rt.http.post(`/v1/documents/${docId}/corrections/revert`).set(bearer(labeler)).send({});
    expect400(res, 'tagId', /required/);
  });

  test('nothing was changed by the refused requests', async () => {
    const doc = (await rt.http.get(`/v1/documents/${docId}`).set(bearer(labeler)).expect(200)).body;
    expect(doc.reviewed).toBe(false);
    expect(doc.tags.every((t: { source: string }) => t.source !== 'human')).toBe(true);
  });
});

describe('NUL characters', () => {
  const nul = (field: string) => [{ field, message: `${field} must not contain NUL characters` }];

  test("a correction's or a tag patch's aspect with a NUL is a 400 naming it", async () => {
    const add = await correct([{ op: 'add', polarity: 'negative', category: 'network', span: { start: 0, end: 4 }, aspect: '网\u0000' }]);
    expect(add.status).toBe(400);
    expect(add.body.error.details).toEqual(nul('actions[0].aspect'));
    const update = await correct([{ op: 'update', tagId, aspect: '网\u0000' }]);
    expect(update.status).toBe(400);
    expect(update.body.error.details).toEqual(nul('actions[0].aspect'));
    const patch = await rt.http.patch(`/v1/tags/${tagId}`).set(bearer(labeler)).send({ aspect: '网\u0000' });
    expect(patch.status).toBe(400);
    expect(patch.body.error.details).toEqual(nul('aspect'));
    const tags = JSON.stringify(await rt.services.store.engine.collection('tags').find({ documentId: docId }));
    expect(tags).not.toContain('\\u0000');
  });
});

describe('GET /v1/corrections/export', () => {
  test('from after to is a 400 naming from, as the tag feed and the stats answer it', async () => {
    const res = await rt.http.get('/v1/corrections/export?from=2024-06-01&to=2024-05-01').set(bearer(labeler));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'from must not be after to', details: [{ field: 'from' }] });
    const feed = await rt.http.get('/v1/tags?from=2024-06-01&to=2024-05-01').set(bearer(labeler));
    expect(feed.body).toEqual(res.body);
    // an equal pair is a (one-instant) range, not an error
    await rt.http.get('/v1/corrections/export?from=2024-05-01&to=2024-05-01').set(bearer(labeler)).expect(200);
  });
});

describe('GET /v1/tags confidence range', () => {
  test('minConfidence above maxConfidence is a 400 naming minConfidence, as from after to is; an equal pair is a range', async () => {
    for (const path of ['/v1/tags', '/v1/tags/export']) {
      const res = await rt.http.get(`${path}?minConfidence=0.9&maxConfidence=0.2`).set(bearer(labeler));
      expect(res.status, path).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'minConfidence' }] });
    }
    await rt.http.get('/v1/tags?minConfidence=0.5&maxConfidence=0.5').set(bearer(labeler)).expect(200);
  });
});
