import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ModelService } from '../../src/services/model-service.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import { SLANG_COMPLAINTS } from '../fixtures/slang-complaints.js';

// The whole retraining loop through real HTTP, the real store, the real queue and real worker and
// training threads: corrections → POST /v1/models/train → version with metrics and gate →
// promote (or refusal) → workers tag with it without a restart → re-tag keeps human tags → rollback.

let rt: TestRuntime;
let ingest: string;
let labeler: string;
let analyst: string;
let base: string;

const SLANG = SLANG_COMPLAINTS;

type Tag = { id: string; opinion: string; polarity: string; category: string; source: string; modelVersion: string };

async function ingestAndWait(key: string, externalId: string, text: string): Promise<{ id: string; tags: Tag[]; modelVersion: string }> {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId, text }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string, key === ingest ? ADMIN_KEY : key);
  expect(doc.status).toBe('done');
  return { id: res.body.id, tags: doc.tags, modelVersion: doc.modelVersion };
}

async function train(key = ADMIN_KEY): Promise<{ job: Record<string, any>; seen: { phase: string; percent: number }[] }> {
  const started = await rt.http.post('/v1/models/train').set(bearer(key)).send({}).expect(202);
  expect(started.body).toMatchObject({ status: 'queued' });
  const seen: { phase: string; percent: number }[] = [];
  for (let i = 0; i < 2400; i++) {
    const res = await rt.http.get(`/v1/models/jobs/${encodeURIComponent(started.body.id)}`).set(bearer(key)).expect(200);
    seen.push({ phase: res.body.phase, percent: res.body.percent });
    if (res.body.status === 'done' || res.body.status === 'failed') return { job: res.body, seen };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('training did not finish in 60 s');
}

async function waitRetag(id: string, key = ADMIN_KEY) {
  for (let i = 0; i < 1200; i++) {
    const res = await rt.http.get(`/v1/retag-jobs/${id}`).set(bearer(key)).expect(200);
    if (res.body.status === 'done') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('re-tag did not finish');
}

let slangDocs: { id: string; tags: Tag[] }[] = [];

beforeAll(async () => {
  rt = await startRuntime();
  ingest = await createKey(rt, ['ingest']);
  labeler = await createKey(rt, ['labeler']);
  analyst = await createKey(rt, ['analyst']);
  base = (await rt.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body.base;
  slangDocs = [];
  for (const [i, text] of SLANG.entries()) slangDocs.push(await ingestAndWait(ingest, `slang-${i}`, text));
}, 120_000);
afterAll(async () => rt.close());

describe('retraining from corrections', () => {
  test('before any training the base model tags, and the rules call 绝了 praise', async () => {
    const list = await rt.http.get('/v1/models').set(bearer(analyst)).expect(200);
    expect(list.body).toEqual({ base, active: base, workers: 1, versions: [], training: [] });
    expect(base).toMatch(/^guandian-zh-cx-/);
    const praised = slangDocs.flatMap((d) => d.tags).filter((t) => t.opinion.includes('绝了'));
    expect(praised.length).toBeGreaterThanOrEqual(8);
    expect(praised.every((t) => t.polarity === 'positive' && t.modelVersion === base)).toBe(true);
  });

  test('training without corrections is refused up front with a reason, using up no version number', async () => {
    const res = await rt.http.post('/v1/models/train').set(bearer(ADMIN_KEY)).send({}).expect(409);
    expect(res.body.error.message).toMatch(/no corrections to learn from/);
    expect((await rt.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body.training).toEqual([]);
  });

  test('corrections train a version that passes the gate, shows progress, and can be promoted', async () => {
    for (const d of slangDocs) {
      const tag = d.tags.find((t) => t.opinion.includes('绝了'));
      if (!tag) continue;
      await rt.http.post(`/v1/documents/${d.id}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }).expect(200);
    }
    const { job, seen } = await train();
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.percent).toBe(100);
    const version = job.version as string;
    expect(version).toBe(`${base}+r1`);
    // Progress only moves forward and was visible part-way.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.percent).toBeGreaterThanOrEqual(seen[i - 1]!.percent);
    expect(seen.some((s) => s.percent > 0 && s.percent < 100)).toBe(true);
    expect(new Set(seen.map((s) => s.phase))).toContain('done');

    const list = (await rt.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body;
    expect(list.active).toBe(base);
    const v = list.versions.find((x: { version: string }) => x.version === version);
    expect(v).toMatchObject({ parent: base, active: false, status: 'candidate', counts: { corrections: expect.any(Number) } });
    expect(v.counts.corrections).toBeGreaterThanOrEqual(8);
    expect(v.counts.baseExamples).toBeGreaterThan(1000);
    // Before correction the pipeline had every one of these wrong; cross-validated, the candidate fixes them.
    expect(v.parentMetrics.corrections.sentimentAccuracy).toBe(0);
    expect(v.metrics.corrections.sentimentAccuracy).toBeGreaterThan(0.5);
    expect(v.metrics.regression.n).toBeGreaterThan(2000);
    expect(Math.abs(v.metrics.regression.overall - v.parentMetrics.regression.overall)).toBeLessThanOrEqual(0.005);
    expect(v.gate).toEqual({ passes: true, reasons: [], details: [], stale: false, staleReason: null, notes: [] });

    // Only admins train and promote; analysts may look.
    await rt.http.post('/v1/models/train').set(bearer(analyst)).send({}).expect(403);
    await rt.http.post(`/v1/models/${encodeURIComponent(version)}/promote`).set(bearer(labeler)).send({}).expect(403);
    await rt.http.get(`/v1/models/${encodeURIComponent(version)}`).set(bearer(analyst)).expect(200);

    const promoted = await rt.http.post(`/v1/models/${encodeURIComponent(version)}/promote`).set(bearer(ADMIN_KEY)).send({ retag: true }).expect(200);
    expect(promoted.body).toMatchObject({ active: version, previous: base, retagJob: { id: expect.any(String), total: expect.any(Number) } });
    await waitRetag(promoted.body.retagJob.id);
    // The tenant's list of re-tag jobs names the promotion behind this one, and who made it.
    const listed = await rt.http.get('/v1/retag-jobs?limit=1').set(bearer(ADMIN_KEY)).expect(200);
    const me = await rt.http.get('/v1/me').set(bearer(ADMIN_KEY)).expect(200);
    expect(listed.body.items[0]).toMatchObject({ id: promoted.body.retagJob.id, status: 'done', createdBy: me.body.id, reason: { kind: 'promote', version, previous: base } });

    // Re-tagged with the new version; the human tags are still there, untouched.
    for (const d of slangDocs) {
      const doc = await waitForStatus(rt, d.id);
      expect(doc.modelVersion).toBe(version);
      const corrected = d.tags.find((t) => t.opinion.includes('绝了'));
      if (corrected) expect(doc.tags.find((t: Tag) => t.id === corrected.id)).toMatchObject({ source: 'human', polarity: 'negative' });
    }
    // A new document is tagged by the promoted version (no restart), and the slang now reads negative.
    const fresh = await ingestAndWait(ingest, 'slang-new', '这宽带真是绝了，天天掉线');
    expect(fresh.modelVersion).toBe(version);
    const tag = fresh.tags.find((t) => t.opinion.includes('绝了'));
    expect(tag).toMatchObject({ polarity: 'negative', source: 'model', modelVersion: version });

    // Promoting again is refused; so is promoting for another tenant (404: it is not theirs).
    await rt.http.post(`/v1/models/${encodeURIComponent(version)}/promote`).set(bearer(ADMIN_KEY)).send({}).expect(409);
    const otherAdmin = await createKey(rt, ['admin'], 'other-telco');
    await rt.http.post(`/v1/models/${encodeURIComponent(version)}/promote`).set(bearer(otherAdmin)).send({}).expect(404);
    const otherList = await rt.http.get('/v1/models').set(bearer(otherAdmin)).expect(200);
    expect(otherList.body).toMatchObject({ active: base, versions: [] });

    const audit = await rt.http.get('/v1/audit').set(bearer(ADMIN_KEY)).expect(200);
    const actions = audit.body.items.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['model.train', 'model.promote', 'model.promote.refused', 'retag.start']));
  }, 180_000);

  test('re-tagging again is idempotent and keeps human tags', async () => {
    const before = new Map<string, string[]>();
    for (const d of slangDocs) before.set(d.id, ((await waitForStatus(rt, d.id)).tags as Tag[]).map((t) => t.id).sort());
    const again = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({}).expect(202);
    await waitRetag(again.body.id);
    for (const d of slangDocs) {
      const doc = await waitForStatus(rt, d.id);
      expect((doc.tags as Tag[]).map((t) => t.id).sort()).toEqual(before.get(d.id));
    }
  }, 120_000);

  test('another worker process sees the promotion within the cache lifetime, at once when asked fresh', async () => {
    const tenant = 'default';
    const state = await rt.services.store.modelState.peek(tenant);
    const other = new ModelService(rt.services.store, rt.services.queue, rt.services.logger, rt.config.modelDir);
    expect((await other.activeHead(tenant))?.version).toBe(state!.active);
    await rt.http.post('/v1/models/rollback').set(bearer(ADMIN_KEY)).send({ retag: false }).expect(200);
    // Still cached in the other process …
    expect((await other.activeHead(tenant))?.version).toBe(state!.active);
    // … a re-tag asks fresh …
    expect(await other.activeHead(tenant, true)).toBeNull();
    // … and the cache lasts ACTIVE_MODEL_TTL_MS at most.
    await rt.http.post(`/v1/models/${encodeURIComponent(state!.active!)}/promote`).set(bearer(ADMIN_KEY)).send({ retag: false }).expect(200);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await other.activeHead(tenant))?.version).toBe(state!.active);
  });

  test('rollback returns to the base model, re-tags, and keeps human tags', async () => {
    const rolled = await rt.http.post('/v1/models/rollback').set(bearer(ADMIN_KEY)).send({}).expect(200);
    expect(rolled.body).toMatchObject({ active: base, retagJob: { id: expect.any(String) } });
    await waitRetag(rolled.body.retagJob.id);
    const listed = await rt.http.get('/v1/retag-jobs?limit=1').set(bearer(ADMIN_KEY)).expect(200);
    expect(listed.body.items[0]).toMatchObject({ id: rolled.body.retagJob.id, reason: { kind: 'rollback', version: base, previous: rolled.body.previous } });
    for (const d of slangDocs) {
      const doc = await waitForStatus(rt, d.id);
      expect(doc.modelVersion).toBe(base);
      expect((doc.tags as Tag[]).filter((t) => t.source === 'human').every((t) => t.polarity === 'negative')).toBe(true);
    }
    const fresh = await ingestAndWait(ingest, 'slang-after-rollback', '这信号真是绝了，天天掉线');
    expect(fresh.modelVersion).toBe(base);
    expect(fresh.tags.find((t) => t.opinion.includes('绝了'))).toMatchObject({ polarity: 'positive', source: 'rule' });
    // Nothing left to roll back to.
    const none = await rt.http.post('/v1/models/rollback').set(bearer(ADMIN_KEY)).send({}).expect(409);
    expect(none.body.error.code).toBe('conflict');
    const list = (await rt.http.get('/v1/models').set(bearer(ADMIN_KEY)).expect(200)).body;
    expect(list.active).toBe(base);
    expect(list.versions[0]).toMatchObject({ status: 'retired', promotedBy: expect.any(String) });
  }, 120_000);

  test('training again computes frozen-model features only for clauses it has not seen', async () => {
    const doc = await rt.services.store.documents.findByExternalId('default', 'app', 'slang-after-rollback');
    const full = await waitForStatus(rt, doc!._id);
    const tag = (full.tags as Tag[]).find((t) => t.opinion.includes('绝了'))!;
    await rt.http.post(`/v1/documents/${doc!._id}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }).expect(200);
    const { job } = await train();
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.features.computed).toBe(1);
    expect(job.features.cached).toBeGreaterThanOrEqual(8);
  }, 120_000);

  test('a candidate that learned nothing new is refused by the gate, with reasons', async () => {
    // Another tenant whose labelers only confirm what the machine already said.
    const admin = await createKey(rt, ['admin'], 'confirming-bank');
    const docs = [];
    // The first text is also one of the default tenant's corrected clauses, already in the feature cache.
    for (const [i, text] of [SLANG[0]!, '网银转账很方便', '客服态度很好', '手续费太贵了', '到账速度很快', '柜台办理太慢了', 'App界面很清爽'].entries()) {
      docs.push(await ingestAndWait(admin, `confirm-${i}`, text));
    }
    for (const d of docs) {
      const tag = d.tags[0];
      if (tag) await rt.http.patch(`/v1/tags/${tag.id}`).set(bearer(admin)).send({ polarity: tag.polarity, category: tag.category }).expect(200);
    }
    const { job } = await train(admin);
    expect(job.status, JSON.stringify(job)).toBe('done');
    // Nothing about another tenant's corrections shows through the cache.
    expect(job.features.cached).toBe(0);
    const v = (await rt.http.get(`/v1/models/${encodeURIComponent(job.version)}`).set(bearer(admin)).expect(200)).body;
    expect(v.gate.passes).toBe(false);
    expect(v.gate.reasons.join(' ')).toMatch(/not better on the corrected slice/);
    expect(v.gate.details).toContainEqual(expect.objectContaining({ field: 'metrics.corrections.overall', code: 'corrections_not_better' }));
    const refused = await rt.http.post(`/v1/models/${encodeURIComponent(job.version)}/promote`).set(bearer(admin)).send({}).expect(409);
    expect(refused.body.error.code).toBe('gate_failed');
    expect(refused.body.error.details.map((d: { message: string }) => d.message).join(' ')).toMatch(/corrected slice/);
    expect((await rt.http.get('/v1/models').set(bearer(admin)).expect(200)).body.active).toBe(base);
  }, 120_000);

  test('training, promotions, rollbacks and refusals show in /metrics', async () => {
    const text = (await rt.http.get('/metrics').set(bearer(ADMIN_KEY)).expect(200)).text;
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    // trainings so far: the default tenant's two and the confirming bank's (training with nothing to learn is refused up front)
    expect(value('guandian_model_training_seconds_count{outcome="done"}')).toBe(3);
    expect(Number.isNaN(value('guandian_model_training_seconds_count{outcome="failed"}')) || value('guandian_model_training_seconds_count{outcome="failed"}') === 0).toBe(true);
    expect(value('guandian_model_switches_total{action="promote"}')).toBe(2);
    expect(value('guandian_model_switches_total{action="rollback"}')).toBe(2);
    expect(value('guandian_model_switches_total{action="refused"}')).toBe(1);
  });

  test('tags labelers accept are confirmed, and a candidate that breaks more of them than it fixes is refused', async () => {
    // A restaurant tenant: its labelers accept many tags where 绝了 is praise, and correct a few
    // sarcastic ones. Learning "绝了 = bad" from the corrections alone would break the praise.
    const admin = await createKey(rt, ['admin'], 'praise-diner');
    const praise = ['这家的汤绝了', '早餐真是绝了，种类很多', '景色绝了', '床品绝了，睡得很好', '服务真是绝了，前台很热情', '位置绝了，出门就是地铁', '甜品绝了', '烤鸭真是绝了', '装修绝了，很有格调', '这个价格的自助真是绝了', '海鲜粥绝了', '夜景真是绝了'];
    const accepted: { id: string; tags: Tag[] }[] = [];
    for (const [i, text] of praise.entries()) {
      const d = await ingestAndWait(admin, `praise-${i}`, text);
      expect(d.tags.some((t) => t.polarity === 'positive')).toBe(true);
      await rt.http.post(`/v1/documents/${d.id}/corrections`).set(bearer(admin)).send({ actions: [{ op: 'accept' }] }).expect(200);
      accepted.push(d);
    }
    // A confirmed tag corrected afterwards is a correction, no longer a confirmation.
    const later = accepted[0]!.tags[0]!;
    await rt.http.patch(`/v1/tags/${later.id}`).set(bearer(admin)).send({ category: 'quality' }).expect(200);
    for (const [i, text] of SLANG.slice(0, 6).entries()) {
      const d = await ingestAndWait(admin, `sarcasm-${i}`, text);
      const tag = d.tags.find((t) => t.opinion.includes('绝了'))!;
      await rt.http.post(`/v1/documents/${d.id}/corrections`).set(bearer(admin)).send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }).expect(200);
    }
    const confirmedTags = accepted.reduce((n, d) => n + d.tags.filter((t) => t.source !== 'human').length, 0) - 1;
    const { job } = await train(admin);
    expect(job.status, JSON.stringify(job)).toBe('done');
    const v = (await rt.http.get(`/v1/models/${encodeURIComponent(job.version)}`).set(bearer(admin)).expect(200)).body;
    expect(v.counts.confirmed).toBe(confirmedTags);
    expect(v.metrics.confirmed.nSentiment).toBe(confirmedTags);
    // the base model said these itself, so it has them all right; the candidate learned to call 绝了 bad
    expect(v.parentMetrics.confirmed.sentimentAccuracy).toBe(1);
    // the base model said these itself, so it has them all right; the candidate broke some of them
    expect(v.parentMetrics.confirmed).toMatchObject({ sentimentAccuracy: 1, categoryAccuracy: 1 });
    expect(v.metrics.confirmed.overall).toBeLessThan(1);
    expect(v.metrics.corrections.sentimentAccuracy).toBeGreaterThan(v.parentMetrics.corrections.sentimentAccuracy);
    expect(v.metrics.reviewed.n).toBe(v.metrics.corrections.n + v.metrics.confirmed.n);
    // refused on what the labelers reviewed (not better overall, worse at a task), and for nothing else
    const fell = (['sentimentAccuracy', 'categoryAccuracy'] as const).filter((k) => v.metrics.reviewed[k] < v.parentMetrics.reviewed[k]);
    const notBetter = v.metrics.reviewed.overall <= v.parentMetrics.reviewed.overall;
    expect(fell.length > 0 || notBetter).toBe(true);
    expect(v.gate.passes).toBe(false);
    expect(v.gate.details).toEqual([
      ...(notBetter ? [expect.objectContaining({ field: 'metrics.reviewed.overall', code: 'reviewed_not_better' })] : []),
      ...fell.map((task) => expect.objectContaining({ field: `metrics.reviewed.${task}`, code: 'reviewed_fell', params: expect.objectContaining({ task }) })),
    ]);
    await rt.http.post(`/v1/models/${encodeURIComponent(job.version)}/promote`).set(bearer(admin)).send({}).expect(409);
  }, 120_000);

  test('bad input names the field', async () => {
    const res = await rt.http.post('/v1/models/rollback').set(bearer(ADMIN_KEY)).send({ retag: 'yes' }).expect(400);
    expect(JSON.stringify(res.body.error)).toContain('retag');
    await rt.http.post('/v1/models/train').set(bearer(ADMIN_KEY)).send({ epochs: 3 }).expect(400);
    await rt.http.get('/v1/models/jobs/nope').set(bearer(ADMIN_KEY)).expect(404);
    await rt.http.get('/v1/models/nope').set(bearer(ADMIN_KEY)).expect(404);
  });
});
