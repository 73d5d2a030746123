import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppError } from '../../src/errors.js';
import { CorrectionsService } from '../../src/services/corrections-service.js';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import fs from 'node:fs';

// API replicas on one store (MongoDB in production) each run their own CorrectionsService. Two of them
// here share the real embedded store of a running service, which is what replicas share; the in-process
// queue alone let both validate the same delete and log it twice.

let rt: TestRuntime;
let ingest: string;
let replicaB: CorrectionsService;

beforeAll(async () => {
  rt = await startRuntime();
  ingest = await createKey(rt, ['ingest']);
  replicaB = new CorrectionsService(rt.services.store, { lexiconDir: rt.config.lexiconDir, overridesFor: async () => null });
});
afterAll(async () => rt.close());

let seq = 0;
async function tagged(text: string) {
  const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'replicas', externalId: `r-${++seq}`, text }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string);
  expect(doc.tags.length, text).toBeGreaterThan(0);
  const tenant = (await rt.services.store.documents.findById(doc.id as string))!.tenant;
  return { id: doc.id as string, tenant, tags: doc.tags as { id: string; polarity: string }[] };
}
const logOf = async (id: string) => (await rt.services.store.corrections.byDocument(id)).map((c) => c.op);
const del = (tagId: string) => [{ op: 'delete', tagId }] as never;

describe('corrections of one document are ordered across replicas', () => {
  test('the same delete sent to two replicas at once is applied and logged once', async () => {
    const { id, tenant, tags } = await tagged('客服态度很差，排队等了两个小时');
    const a = rt.services.corrections;
    const runs = await Promise.allSettled([a, replicaB, a, replicaB, a, replicaB].map((s) => s.apply(tenant, id, del(tags[0]!.id), 'labeler-x')));
    expect(runs.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    for (const r of runs) if (r.status === 'rejected') expect((r.reason as AppError).status).toBe(400);
    expect(await logOf(id)).toEqual(['delete']);
  });

  test('a revert on one replica and a correction on the other do not interleave', async () => {
    const { id, tenant, tags } = await tagged('网速太慢了，资费也太贵了');
    const t = tags[0]!;
    await rt.services.corrections.apply(tenant, id, del(t.id), 'labeler-x');
    // the revert brings the tag back; the delete either runs before it (a 400: already deleted) or after it
    const [revert, again] = await Promise.allSettled([
      rt.services.corrections.revert(tenant, id, t.id, 'labeler-x'),
      replicaB.apply(tenant, id, del(t.id), 'labeler-x'),
    ]);
    expect(revert.status).toBe('fulfilled');
    const log = await logOf(id);
    if (again.status === 'fulfilled') expect(log).toEqual(['delete', 'revert', 'delete']);
    else expect(log).toEqual(['delete', 'revert']);
  });

  test('a lease left by a replica that died does not block once its time is up', async () => {
    const { id, tenant, tags } = await tagged('物流太慢了，包装也破了');
    const key = `corrections:${id}`;
    const now = Date.now();
    expect(await rt.services.store.editLocks.tryAcquire(key, 'dead-replica', new Date(now - 1), new Date(now - 2))).toBe(true);
    await replicaB.apply(tenant, id, del(tags[0]!.id), 'labeler-x');
    expect(await logOf(id)).toEqual(['delete']);
    // released: nothing of the dead holder's or the new one's is left
    expect(await rt.services.store.engine.collection('edit_locks').find({ _id: key })).toEqual([]);
  });

  test('a correction that waits too long for another replica is a 409 naming documentId and changes nothing', async () => {
    const impatient = new CorrectionsService(rt.services.store, { lexiconDir: rt.config.lexiconDir, overridesFor: async () => null }, { waitMs: 300 });
    const { id, tenant, tags } = await tagged('退款流程太复杂，客服也不回复');
    const key = `corrections:${id}`;
    expect(await rt.services.store.editLocks.tryAcquire(key, 'busy-replica', new Date(Date.now() + 60_000), new Date())).toBe(true);
    const err = (await impatient.apply(tenant, id, del(tags[0]!.id), 'labeler-x').catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(409);
    expect(err.details).toEqual([{ field: 'documentId', message: 'busy' }]);
    expect(await logOf(id)).toEqual([]);
    // the holder finishes: the same correction goes through
    await rt.services.store.editLocks.release(key, 'busy-replica');
    await impatient.apply(tenant, id, del(tags[0]!.id), 'labeler-x');
    expect(await logOf(id)).toEqual(['delete']);
  });

  test('a correction waits for a lease released within its wait', async () => {
    const { id, tenant, tags } = await tagged('信号太差了，电话老是断线');
    const key = `corrections:${id}`;
    expect(await rt.services.store.editLocks.tryAcquire(key, 'slow-replica', new Date(Date.now() + 60_000), new Date())).toBe(true);
    setTimeout(() => void rt.services.store.editLocks.release(key, 'slow-replica'), 150);
    await replicaB.apply(tenant, id, del(tags[0]!.id), 'labeler-x');
    expect(await logOf(id)).toEqual(['delete']);
  });

  test('after a restart of the embedded store, a lease its dead process held does not hold corrections up', async () => {
    // the embedded engine has one process (DATA_DIR's lock): whatever lease it finds at start is a dead one's
    const first = await startRuntime({}, { keepData: true });
    let second: TestRuntime | undefined;
    try {
      const key = await createKey(first, ['ingest']);
      const res = await first.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'replicas', externalId: 'restart-1', text: '客服态度很差，排队等了两个小时' }).expect(202);
      const doc = await waitForStatus(first, res.body.id as string);
      const tenant = (await first.services.store.documents.findById(doc.id as string))!.tenant;
      expect(await first.services.store.editLocks.tryAcquire(`corrections:${doc.id}`, 'killed', new Date(Date.now() + 60_000), new Date())).toBe(true);
      await first.close();
      second = await startRuntime({}, { dataDir: first.dataDir });
      const impatient = new CorrectionsService(second.services.store, { lexiconDir: second.config.lexiconDir, overridesFor: async () => null }, { waitMs: 300 });
      await impatient.apply(tenant, doc.id as string, del((doc.tags as { id: string }[])[0]!.id), 'labeler-x');
      expect((await second.services.store.corrections.byDocument(doc.id as string)).map((c) => c.op)).toEqual(['delete']);
    } finally {
      await second?.close();
      fs.rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
