import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SLANG_COMPLAINTS } from '../fixtures/slang-complaints.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// An erasure reaches what retraining learned: every version whose training data held a correction on
// an erased document is withdrawn (its weights deleted), tagging falls back to the newest version that
// did not learn from it, and a replacement is trained from the corrections that remain. Real HTTP, the
// real embedded store and queue, real worker and training threads.

let rt: TestRuntime;
let admin: string;
let base: string;

type Tag = { id: string; opinion: string; polarity: string; modelVersion: string; source: string };

async function ingest(externalId: string, customerId: string, text: string): Promise<{ id: string; tags: Tag[]; modelVersion: string }> {
  const res = await rt.http.post('/v1/documents').set(bearer(admin)).send({ kind: 'comment', source: 'app', externalId, customerId, text }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string, admin);
  expect(doc.status).toBe('done');
  return { id: res.body.id, tags: doc.tags, modelVersion: doc.modelVersion };
}

/** Labelers call the slang 绝了 a complaint, which the shipped rules read as praise. */
async function correctSlang(doc: { id: string; tags: Tag[] }): Promise<void> {
  const tag = doc.tags.find((t) => t.opinion.includes('绝了'));
  expect(tag, JSON.stringify(doc.tags)).toBeTruthy();
  await rt.http.post(`/v1/documents/${doc.id}/corrections`).set(bearer(admin)).send({ actions: [{ op: 'update', tagId: tag!.id, polarity: 'negative' }] }).expect(200);
}

async function job(id: string): Promise<Record<string, any>> {
  return (await rt.http.get(`/v1/models/jobs/${encodeURIComponent(id)}`).set(bearer(admin)).expect(200)).body;
}

async function waitJob(id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 2400; i++) {
    const j = await job(id);
    if (j.status === 'done' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`training job ${id} did not finish in 60 s`);
}

async function train(): Promise<Record<string, any>> {
  const started = await rt.http.post('/v1/models/train').set(bearer(admin)).send({}).expect(202);
  return waitJob(started.body.id as string);
}

async function versions(): Promise<{ active: string; versions: Record<string, any>[] }> {
  return (await rt.http.get('/v1/models').set(bearer(admin)).expect(200)).body;
}

const enc = encodeURIComponent;

beforeAll(async () => {
  rt = await startRuntime();
  admin = await createKey(rt, ['admin', 'ingest', 'analyst', 'labeler'], 'erase-withdraw');
  base = (await versions() as unknown as { base: string }).base;
});
afterAll(async () => rt.close());

describe('erasure and trained model versions', () => {
  let v1 = '';
  let v2 = '';

  test('erasing a customer whose corrections trained the active version withdraws it, falls back to the base model and trains a replacement', async () => {
    const keep: { id: string; tags: Tag[] }[] = [];
    const gone: { id: string; tags: Tag[] }[] = [];
    for (const [i, text] of SLANG_COMPLAINTS.entries()) {
      const doc = await ingest(`w-${i}`, i % 2 === 0 ? 'cust-keep' : 'cust-gone', text);
      (i % 2 === 0 ? keep : gone).push(doc);
      await correctSlang(doc);
    }
    const first = await train();
    expect(first.status, JSON.stringify(first)).toBe('done');
    v1 = first.version;
    await rt.http.post(`/v1/models/${enc(v1)}/promote`).set(bearer(admin)).send({ retag: false }).expect(200);
    expect((await versions()).active).toBe(v1);
    expect((await ingest('w-before', 'cust-other', '这宽带真是绝了，天天掉线')).modelVersion).toBe(v1);

    const erased = await rt.http.delete('/v1/customers/cust-gone').set(bearer(admin)).expect(200);
    expect(erased.body).toMatchObject({ customerId: 'cust-gone', deleted: { documents: gone.length }, models: { withdrawn: [v1], active: base, retrainJob: expect.any(String) } });

    // The weights are gone from the store, the record (counts, metrics, gate) stays readable.
    const stored = await rt.services.store.modelVersions.find('erase-withdraw', v1);
    expect(stored).toMatchObject({ head: null, withdrawn: { by: expect.any(String), reason: 'erasure' } });
    const list = await versions();
    expect(list.active).toBe(base);
    expect(list.versions.find((v) => v.version === v1)).toMatchObject({ status: 'withdrawn', active: false, withdrawnAt: expect.any(String) });
    const refused = await rt.http.post(`/v1/models/${enc(v1)}/promote`).set(bearer(admin)).send({}).expect(409);
    expect(refused.body.error.message).toMatch(/withdrawn/);
    // Workers stopped applying it: a new document is tagged by the base model.
    expect((await ingest('w-after', 'cust-other', '这网络真是绝了，天天断')).modelVersion).toBe(base);

    // The replacement learned from the kept customer's corrections only.
    const replacement = await waitJob(erased.body.models.retrainJob as string);
    expect(replacement.status, JSON.stringify(replacement)).toBe('done');
    v2 = replacement.version;
    const v = (await versions()).versions.find((x) => x.version === v2)!;
    expect(v).toMatchObject({ status: 'candidate', parent: base });
    expect(v.counts.corrections).toBe(keep.length);
    expect(v.gate.passes).toBe(true);
    await rt.http.post(`/v1/models/${enc(v2)}/promote`).set(bearer(admin)).send({ retag: false }).expect(200);
    const fresh = await ingest('w-fresh', 'cust-other', '这信号真是绝了，一格都没有');
    expect(fresh.modelVersion).toBe(v2);
    expect(fresh.tags.find((t) => t.opinion.includes('绝了'))).toMatchObject({ polarity: 'negative', source: 'model' });

    const audit = (await rt.http.get('/v1/audit?action=customer.erase').set(bearer(admin)).expect(200)).body.items;
    expect(audit[0]).toMatchObject({ target: 'cust-gone', details: { documents: gone.length, modelsWithdrawn: [v1], retrainJob: erased.body.models.retrainJob } });
    const metrics = await rt.http.get('/metrics').set(bearer(ADMIN_KEY));
    expect(metrics.text).toMatch(/guandian_model_switches_total\{action="withdraw"\} 1\b/);
  }, 240_000);

  test('a later candidate is withdrawn alone: the active version that never saw the erased corrections keeps tagging', async () => {
    const late = await ingest('w-late', 'cust-late', '营业厅真是绝了，排队排到下班');
    await correctSlang(late);
    const third = await train();
    expect(third.status, JSON.stringify(third)).toBe('done');

    const erased = await rt.http.delete(`/v1/documents/${late.id}`).set(bearer(admin)).expect(200);
    expect(erased.body).toMatchObject({ deleted: { documents: 1 }, models: { withdrawn: [third.version], active: v2, retrainJob: null } });
    const list = await versions();
    expect(list.active).toBe(v2);
    expect(list.versions.find((v) => v.version === third.version)).toMatchObject({ status: 'withdrawn' });
    expect(list.versions.find((v) => v.version === v2)).toMatchObject({ status: 'active' });

    // Nothing learned from: nothing withdrawn.
    const none = await rt.http.delete('/v1/customers/cust-other').set(bearer(admin)).expect(200);
    expect(none.body.models).toEqual({ withdrawn: [], active: v2, retrainJob: null });
    // Erasing again (a retry after a crash) finds nothing more to withdraw.
    expect((await rt.http.delete('/v1/customers/cust-gone').set(bearer(admin)).expect(200)).body.models).toEqual({ withdrawn: [], active: v2, retrainJob: null });
  }, 240_000);

  test('a customer erased while a job trains on their corrections: the job trains again without them', async () => {
    const docs: { id: string; tags: Tag[] }[] = [];
    for (const [i, text] of SLANG_COMPLAINTS.slice(0, 4).entries()) {
      const doc = await ingest(`race-${i}`, 'cust-race', text.replace('真是绝了', '简直绝了'));
      docs.push(doc);
      await correctSlang(doc);
    }
    const started = await rt.http.post('/v1/models/train').set(bearer(admin)).send({}).expect(202);
    // Erase only once the job has collected its corrections (it is past the collect phase).
    for (let i = 0; ; i++) {
      const j = await job(started.body.id as string);
      if (j.status !== 'queued' && j.phase !== 'collect' && j.phase !== 'queued') {
        expect(j.status, 'the job finished before the erasure could overlap it').toBe('running');
        break;
      }
      if (i > 4000) throw new Error('training never started');
      await new Promise((r) => setTimeout(r, 5));
    }
    const erased = await rt.http.delete('/v1/customers/cust-race').set(bearer(admin)).expect(200);
    expect(erased.body.deleted.documents).toBe(4);

    const done = await waitJob(started.body.id as string);
    expect(done.status, JSON.stringify(done)).toBe('done');
    const v = (await versions()).versions.find((x) => x.version === done.version)!;
    // trained again after the erasure: the race customer's 4 corrections are not in it, the kept ones are
    expect(v.status).toBe('candidate');
    expect(v.counts.corrections).toBe(SLANG_COMPLAINTS.length / 2);
  }, 240_000);
});
