import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ModelVersionRecord } from '../../src/store/records.js';
import { ADMIN_KEY, bearer, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// After the shipped model is upgraded, versions trained on the old one stay in the store and in the
// tenant's rollback history. Their heads are residuals over the old base model, so workers do not apply
// them to the new one: the installed base model tags alone. A rollback to such a version used to set
// it active anyway, so GET /v1/models named it while every tag said the installed base model.

const OLD_BASE = 'guandian-zh-cx-2020.01.01';
const TENANT = 'default';
let rt: TestRuntime;
let base: string;

const emptyTask = { keys: '', w: '', bias: [] as number[] };
function version(name: string, trainedOn: string, parent: string | null): ModelVersionRecord {
  const slice = { n: 0, nSentiment: 0, nCategory: 0, sentimentAccuracy: null, categoryAccuracy: null, categoryMacroF1: null, overall: null };
  return {
    _id: `${TENANT}:${name}`,
    tenant: TENANT,
    version: name,
    parent,
    base: trainedOn,
    jobId: `${TENANT}:${name.split('+')[1]}`,
    createdAt: new Date(),
    createdBy: 'test',
    counts: { baseExamples: 0, corrections: 1, sentimentExamples: 0, categoryExamples: 0 },
    correctionsThrough: new Date(),
    metrics: { regression: slice, corrections: slice } as unknown as ModelVersionRecord['metrics'],
    parentMetrics: { regression: slice, corrections: slice } as unknown as ModelVersionRecord['metrics'],
    gate: { passes: true, reasons: [] },
    promotedAt: new Date(),
    promotedBy: 'test',
    head: { version: name, sentiment: emptyTask, category: emptyTask },
  };
}

beforeAll(async () => {
  rt = await startRuntime();
  base = (await rt.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body.base;
  expect(base).not.toBe(OLD_BASE);
}, 60_000);
afterAll(async () => rt?.close());

describe('rollback across a base-model upgrade', () => {
  test('rolling back to a version trained on the old base model lands on the installed base model, says why, and tags agree with active', async () => {
    const store = rt.services.store;
    // r1 was promoted on the old base model; after the upgrade r2 was trained on the installed one and promoted
    await store.modelVersions.save(version(`${OLD_BASE}+r1`, OLD_BASE, null));
    await store.modelVersions.save(version(`${base}+r2`, base, null));
    const state = await store.modelState.get(TENANT);
    expect(await store.modelState.replace(state, { active: `${base}+r2`, history: [null, `${OLD_BASE}+r1`] })).toBe(true);

    const rolled = await rt.http.post('/v1/models/rollback').set(bearer(ADMIN_KEY)).send({ retag: false }).expect(200);
    expect(rolled.body).toMatchObject({ active: base, previous: `${base}+r2`, retagJob: null });
    expect(rolled.body.note).toContain(`${OLD_BASE}+r1 was trained on another base model than the installed ${base}`);
    expect((await store.modelState.peek(TENANT))?.active).toBeNull();

    const list = (await rt.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body;
    expect(list.active).toBe(base);
    expect(list.versions.filter((v: { active: boolean }) => v.active)).toEqual([]);

    // what tags now says the same model as active
    const id = (await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'app', externalId: 'after-rollback', text: '网络很卡，客服态度很好' }).expect(202)).body.id;
    const doc = await waitForStatus(rt, id);
    expect(doc.tags.length).toBeGreaterThan(0);
    expect(new Set(doc.tags.map((t: { modelVersion: string }) => t.modelVersion))).toEqual(new Set([list.active]));

    const audit = (await rt.http.get('/v1/audit?action=model.rollback').set(bearer(ADMIN_KEY)).expect(200)).body.items;
    expect(audit[0].details.note).toContain(`${OLD_BASE}+r1`);

    // and the rollback before that returns to the base model plainly
    const again = await rt.http.post('/v1/models/rollback').set(bearer(ADMIN_KEY)).send({ retag: false }).expect(200);
    expect(again.body).toEqual({ active: base, previous: base, retagJob: null });
  });

  test('a version promoted on the old base model is not reported active after the upgrade', async () => {
    const store = rt.services.store;
    const state = await store.modelState.get(TENANT);
    expect(await store.modelState.replace(state, { active: `${OLD_BASE}+r1`, history: [null] })).toBe(true);
    const list = (await rt.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body;
    expect(list.active).toBe(base);
    expect((await rt.http.get(`/v1/models/${OLD_BASE}+r1`).set(bearer(ADMIN_KEY)).expect(200)).body).toMatchObject({ active: false, status: 'retired' });
  });
});
