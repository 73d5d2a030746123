import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { terminateWhenIdle } from '../../src/nlp/model/native-guard.js';
import { SLANG_COMPLAINTS } from '../fixtures/slang-complaints.js';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// API/services audit (helper C) 2026-12-01: gaps in key revocation, training failure codes, tag paging
// across a re-tag and the re-tag cancel's count.

let rt: TestRuntime;
useFileRuntime({}, (s) => ({ rt } = s));

const keyId = (token: string) => /^gdk_([^_]+)_/.exec(token)![1]!;
const newKey = async (by: string, roles: string[], tenant?: string) =>
  (await rt.http.post('/v1/api-keys').set(bearer(by)).send({ name: `客服组 ${roles.join('+')}`, roles, ...(tenant ? { tenant } : {}) }).expect(201)).body as { id: string; key: string };

// 1. The platform key could revoke itself, and a tenant's only admin key could too: the first locked the
// operator out of /metrics, the queue dashboard and every other tenant's keys until a restart, the second
// left the tenant unable to make or revoke a key.
describe('a revoke that would leave nobody to manage keys', () => {
  test('the last platform key revoking itself is a 409 naming it, and the key keeps working', async () => {
    const res = await rt.http.delete('/v1/api-keys/bootstrap').set(bearer(ADMIN_KEY));
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.code).toBe('last_admin_key');
    expect(res.body.error.message).toContain('bootstrap');
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'id', message: 'bootstrap', platform: true })]);
    await rt.http.get('/metrics').set(bearer(ADMIN_KEY)).expect(200);
    const listed = (await rt.http.get('/v1/api-keys').set(bearer(ADMIN_KEY)).expect(200)).body.items as { id: string; revokedAt: string | null }[];
    expect(listed.find((k) => k.id === 'bootstrap')).toMatchObject({ revokedAt: null });
    // refused, so nothing to audit
    const audit = await rt.http.get('/v1/audit').query({ action: 'api_key.revoke' }).set(bearer(ADMIN_KEY)).expect(200);
    expect((audit.body.items as { target: string }[]).map((e) => e.target)).not.toContain('bootstrap');
  });

  test("a tenant's only admin key revoking itself is a 409; with a second admin key it may", async () => {
    const tenant = 'c1201-shop';
    const first = await newKey(ADMIN_KEY, ['admin'], tenant);
    const refused = await rt.http.delete(`/v1/api-keys/${first.id}`).set(bearer(first.key));
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'last_admin_key', details: [expect.objectContaining({ message: first.id, tenant })] });
    expect(refused.body.error.message).toContain(first.id);
    await rt.http.get('/v1/api-keys').set(bearer(first.key)).expect(200);

    // an analyst key does not count: it cannot manage keys
    await newKey(first.key, ['analyst']);
    expect((await rt.http.delete(`/v1/api-keys/${first.id}`).set(bearer(first.key))).status).toBe(409);

    const second = await newKey(first.key, ['admin']);
    await rt.http.delete(`/v1/api-keys/${first.id}`).set(bearer(first.key)).expect(204);
    await rt.http.get('/v1/api-keys').set(bearer(first.key)).expect(401);
    expect((await rt.http.delete(`/v1/api-keys/${second.id}`).set(bearer(second.key))).status).toBe(409);

    // the platform key may revoke it (offboarding, a leaked key): it can make the tenant another
    await rt.http.delete(`/v1/api-keys/${second.id}`).set(bearer(ADMIN_KEY)).expect(204);
    await rt.http.get('/v1/me').set(bearer(second.key)).expect(401);

    // In tenant default the platform key is one of its admin keys: an admin there may revoke itself (the
    // console's "revoke and sign out").
    const defaultAdmin = await newKey(ADMIN_KEY, ['admin']);
    await rt.http.delete(`/v1/api-keys/${defaultAdmin.id}`).set(bearer(defaultAdmin.key)).expect(204);
  });

  test('two admin keys revoking each other at once leave one of them working', async () => {
    // Called on the service, not over HTTP: supertest's requests reach it one after the other, while two
    // processes on MongoDB (or one process's requests interleaving) reach it together, as Promise.all does here.
    for (let round = 0; round < 5; round++) {
      const tenant = `c1201-race-${round}`;
      const a = await newKey(ADMIN_KEY, ['admin'], tenant);
      const b = await newKey(ADMIN_KEY, ['admin'], tenant);
      const as = (k: { id: string }) => ({ keyId: k.id, tenant, roles: ['admin' as const], platform: false });
      const outcomes = await Promise.allSettled([rt.services.apiKeys.revoke(as(a), b.id), rt.services.apiKeys.revoke(as(b), a.id)]);
      const alive = [];
      for (const k of [a, b]) if ((await rt.http.get('/v1/me').set(bearer(k.key))).status === 200) alive.push(k.id);
      expect(alive.length, `round ${round}: ${JSON.stringify(outcomes)}`).toBeGreaterThan(0);
      // each answer matches what happened to the key it named: revoked, or refused and still working
      const [ra, rb] = outcomes;
      expect(alive.includes(b.id)).toBe(ra.status === 'rejected');
      expect(alive.includes(a.id)).toBe(rb.status === 'rejected');
      for (const r of outcomes) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('last_admin_key');
    }
  });
});

describe('rotating the platform key', () => {
  test('a key generated at first start can be revoked once GUANDIAN_ADMIN_KEY installs another; then that one is the last', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-audit-c-keys-'));
    let node: TestRuntime | null = null;
    try {
      node = await startRuntime({ GUANDIAN_ADMIN_KEY: '' }, { worker: false, dataDir, keepData: true });
      const generated = node.services.generatedAdminKey!;
      expect(generated).toMatch(/^gdk_/);
      // alone, the generated key cannot revoke itself
      expect((await node.http.delete(`/v1/api-keys/${keyId(generated)}`).set(bearer(generated))).status).toBe(409);
      await node.close();
      node = null;

      node = await startRuntime({}, { worker: false, dataDir, keepData: true });
      await node.http.delete(`/v1/api-keys/${keyId(generated)}`).set(bearer(ADMIN_KEY)).expect(204);
      await node.http.get('/v1/me').set(bearer(generated)).expect(401);
      expect((await node.http.delete('/v1/api-keys/bootstrap').set(bearer(ADMIN_KEY))).status).toBe(409);
    } finally {
      await node?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// 2. Training failure codes: only nothing_to_learn (and the code-less fallback) had been provoked. These are
// provoked with real parts: a real erasure while a job trains, a model install whose regression set is
// damaged, and the training thread ending without an answer. JOB_ATTEMPTS=1 makes the first attempt the
// last, where the code is kept (an attempt with tries left is run again instead).
describe('training failure codes', () => {
  /** A tenant whose labelers corrected `n` slang complaints (绝了 read as praise) of customer `customer`. */
  async function correctedTenant(node: TestRuntime, tenant: string, customer: string, n = 4): Promise<string> {
    const key = await createKey(node, ['admin', 'ingest', 'analyst', 'labeler'], tenant);
    for (const [i, text] of SLANG_COMPLAINTS.slice(0, n).entries()) {
      const sent = await node.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: `${tenant}-${i}`, customerId: customer, text }).expect(202);
      const doc = await waitForStatus(node, sent.body.id as string, key);
      const tag = (doc.tags as { id: string; opinion: string }[]).find((t) => t.opinion.includes('绝了'));
      expect(tag, JSON.stringify(doc.tags)).toBeDefined();
      await node.http.post(`/v1/documents/${doc.id as string}/corrections`).set(bearer(key)).send({ actions: [{ op: 'update', tagId: tag!.id, polarity: 'negative' }] }).expect(200);
    }
    return key;
  }

  const jobOf = async (node: TestRuntime, key: string, id: string) => (await node.http.get(`/v1/models/jobs/${encodeURIComponent(id)}`).set(bearer(key)).expect(200)).body as Record<string, any>;

  /** Polls the job until `until` holds (or it finished), for up to 60 s. */
  async function followJob(node: TestRuntime, key: string, id: string, until: (j: Record<string, any>) => boolean = () => false): Promise<Record<string, any>> {
    for (let i = 0; i < 12_000; i++) {
      const j = await jobOf(node, key, id);
      if (j.status === 'done' || j.status === 'failed' || until(j)) return j;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`training job ${id} did not get there in 60 s`);
  }

  test('a customer erased while the job trains on their corrections: failed, errorCode document_erased, no version kept', async () => {
    const node = await startRuntime({ JOB_ATTEMPTS: '1' });
    try {
      const key = await correctedTenant(node, 'c1201-erase', 'cust-erase');
      const started = (await node.http.post('/v1/models/train').set(bearer(key)).send({}).expect(202)).body as { id: string };
      // past collect: the job holds the corrections and their documents' ids
      const training = await followJob(node, key, started.id, (j) => j.status === 'running' && j.phase !== 'collect');
      expect(training.status, 'the job finished before the erasure could overlap it').toBe('running');
      expect((await node.http.delete('/v1/customers/cust-erase').set(bearer(key)).expect(200)).body.deleted.documents).toBe(4);

      const job = await followJob(node, key, started.id);
      expect(job).toMatchObject({ status: 'failed', phase: 'failed', version: null, errorCode: 'document_erased' });
      expect(job.error).toMatch(/erased or purged while it trained/);
      // the version it stored before seeing the erasure was withdrawn: none to promote, no weights kept
      const models = (await node.http.get('/v1/models').set(bearer(key)).expect(200)).body as { versions: { status: string }[] };
      expect(models.versions.every((v) => v.status === 'withdrawn'), JSON.stringify(models.versions)).toBe(true);
    } finally {
      await node.close();
    }
  }, 180_000);

  test('the training thread ending without an answer: failed, errorCode training_thread_exited', async () => {
    const node = await startRuntime({ JOB_ATTEMPTS: '1' });
    try {
      const key = await correctedTenant(node, 'c1201-exit', 'cust-exit');
      const started = (await node.http.post('/v1/models/train').set(bearer(key)).send({}).expect(202)).body as { id: string };
      // The thread itself, ended as an exit of its own would (nothing in the service stands in for it), as soon as
      // it exists: under its guard, so never inside an onnxruntime call, which would abort the whole process
      // (src/nlp/model/native-guard.ts). Waiting for a later phase raced the job, which could finish first.
      const models = node.services.models as unknown as { training: { worker: Worker; guard: Int32Array } | null };
      while (!models.training) await new Promise((r) => setImmediate(r));
      await terminateWhenIdle(models.training!.worker, models.training!.guard, 5_000, () => undefined);

      const job = await followJob(node, key, started.id);
      expect(job).toMatchObject({ status: 'failed', phase: 'failed', version: null, errorCode: 'training_thread_exited' });
      expect(job.error).toMatch(/^training thread exited/);
      expect((await node.http.get('/v1/models').set(bearer(key)).expect(200)).body).toMatchObject({ versions: [] });
    } finally {
      await node.close();
    }
  }, 180_000);

  test('a model install whose regression set is damaged: failed, errorCode training_failed, the reason in error', async () => {
    // The shipped model, with head/regression.bin cut short as a failed copy or a full disk leaves it. Tagging
    // does not read it; training does, in its thread.
    const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-audit-c-model-'));
    const shipped = path.resolve(import.meta.dirname, '../../models/guandian-zh-cx');
    for (const entry of fs.readdirSync(shipped)) if (entry !== 'head') fs.symlinkSync(path.join(shipped, entry), path.join(modelDir, entry));
    fs.mkdirSync(path.join(modelDir, 'head'));
    fs.symlinkSync(path.join(shipped, 'head', 'base.bin'), path.join(modelDir, 'head', 'base.bin'));
    const regression = fs.readFileSync(path.join(shipped, 'head', 'regression.bin'));
    fs.writeFileSync(path.join(modelDir, 'head', 'regression.bin'), regression.subarray(0, Math.floor(regression.length / 2)));
    const node = await startRuntime({ JOB_ATTEMPTS: '1', MODEL_DIR: modelDir });
    try {
      const key = await correctedTenant(node, 'c1201-damaged', 'cust-damaged', 1);
      const started = (await node.http.post('/v1/models/train').set(bearer(key)).send({}).expect(202)).body as { id: string };
      const job = await followJob(node, key, started.id);
      expect(job).toMatchObject({ status: 'failed', phase: 'failed', version: null, errorCode: 'training_failed' });
      expect(job.error).toMatch(/out of range|head data/i);
    } finally {
      await node.close();
      fs.rmSync(modelDir, { recursive: true, force: true });
    }
  }, 180_000);
});

// 3. The tag feed paged on (at, tag id), and a tag's id changes when a re-tag rewrites it (ids carry the
// model version). A cursor that fell inside a document re-tagged before the next page missed the rest of
// its tags (new ids above the cursor) or listed them again (new ids below it), whichever way the hashes fell;
// exports, which page the same way 1,000 at a time, too.
describe('paging the tag feed while a re-tag rewrites a document', () => {
  type Tag = { id: string; documentId: string; opinion: string };
  const TEXTS = {
    newest: '物流太慢了',
    retagged: '客服态度很差，物流也太慢了，包装还破了',
    oldest: '快递员服务很好，送货很快，价格也便宜',
  };

  /** Three documents in a tenant of their own, newest first by when the feedback happened. */
  async function threeDocuments(tenant: string): Promise<{ key: string; ids: Record<keyof typeof TEXTS, string> }> {
    const key = await createKey(rt, ['admin', 'ingest', 'analyst'], tenant);
    const ids = {} as Record<keyof typeof TEXTS, string>;
    const when = { newest: '2026-11-30T10:00:00+08:00', retagged: '2026-11-30T09:00:00+08:00', oldest: '2026-11-30T08:00:00+08:00' };
    for (const name of Object.keys(TEXTS) as (keyof typeof TEXTS)[]) {
      const sent = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: `${tenant}-${name}`, occurredAt: when[name], text: TEXTS[name] }).expect(202);
      ids[name] = sent.body.id as string;
      expect((await waitForStatus(rt, ids[name], key)).status).toBe('done');
    }
    return { key, ids };
  }

  const page = async (key: string, cursor: string | null, limit = 2) =>
    (await rt.http.get('/v1/tags').query({ limit, ...(cursor ? { cursor } : {}) }).set(bearer(key)).expect(200)).body as { items: Tag[]; nextCursor: string | null };

  /** The write a re-tag makes for one document (src/worker/process-document.ts): its machine tags under new ids. */
  async function retagWrite(documentId: string, newId: (i: number) => string): Promise<string[]> {
    const old = await rt.services.store.tags.byDocument(documentId);
    const now = new Date();
    const fresh = old.map((t, i) => ({ ...t, _id: newId(i), modelVersion: 'guandian-zh-cx@r2', createdAt: now, updatedAt: now }));
    await rt.services.store.tags.replaceMachineTags(documentId, fresh);
    return fresh.map((t) => t._id);
  }

  for (const [how, newId] of [
    ['above the cursor', (i: number) => `ffffffffffffffffffff000${i}`],
    ['below the cursor', (i: number) => `00000000000000000000000${i}`],
  ] as const) {
    test(`new tag ids ${how}: every document's tags come once, all from one tagging`, async () => {
      const { key, ids } = await threeDocuments(`c1201-page-${how.split(' ')[0]}`);
      const before = (await rt.services.store.tags.byDocument(ids.retagged)).map((t) => t._id);
      expect(before).toHaveLength(3);
      expect(await rt.services.store.tags.byDocument(ids.newest)).toHaveLength(1);

      const seen: Tag[] = [];
      let res = await page(key, null);
      seen.push(...res.items);
      expect(res.nextCursor).not.toBeNull();
      const after = await retagWrite(ids.retagged, newId);
      while (res.nextCursor) {
        res = await page(key, res.nextCursor);
        seen.push(...res.items);
      }

      const of = (doc: string) => seen.filter((t) => t.documentId === doc).map((t) => t.id).sort();
      const retagged = of(ids.retagged);
      expect([[...before].sort(), [...after].sort()], JSON.stringify(retagged)).toContainEqual(retagged);
      expect(of(ids.newest)).toHaveLength(1);
      expect(of(ids.oldest)).toHaveLength(3);
      expect(new Set(seen.map((t) => t.id)).size).toBe(seen.length);
    });
  }

  test('a page ends between documents: at most limit tags, more only for one document that alone has more', async () => {
    const { key, ids } = await threeDocuments('c1201-page-bounds');
    const pages: Tag[][] = [];
    let cursor: string | null = null;
    do {
      const res = await page(key, cursor, 3);
      pages.push(res.items);
      cursor = res.nextCursor;
    } while (cursor);
    // 1 + 3 would be 4: the newest document alone, then the 3-tag one, then the last
    expect(pages.map((p) => [...new Set(p.map((t) => t.documentId))])).toEqual([[ids.newest], [ids.retagged], [ids.oldest]]);
    // a document with more tags than the limit comes whole, and the page after it starts at the next one
    const one = await page(key, null, 1);
    const second = await page(key, one.nextCursor, 1);
    expect(second.items.map((t) => t.documentId)).toEqual([ids.retagged, ids.retagged, ids.retagged]);
    expect((await page(key, second.nextCursor, 1)).items[0]!.documentId).toBe(ids.oldest);
  });

  test('a cursor issued before this change (a tag id) resumes at that tag’s document, listed again in full', async () => {
    const { key, ids } = await threeDocuments('c1201-page-legacy');
    const tag = (await rt.services.store.tags.byDocument(ids.retagged))[1]!;
    const legacy = Buffer.from(JSON.stringify({ k: 'at', c: new Date(tag.at).toISOString(), i: tag._id })).toString('base64url');
    const res = await page(key, legacy, 10);
    expect(res.items.filter((t) => t.documentId === ids.retagged)).toHaveLength(3);
    expect(res.items.map((t) => t.documentId)).not.toContain(ids.newest);
  });
});
