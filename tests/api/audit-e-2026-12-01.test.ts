import { createRequire } from 'node:module';
import { Aggregator } from 'mingo';
import { describe, expect, test } from 'vitest';
import { compileMatch } from '../../src/store/nedb-engine.js';
import { LIVE_TAG } from '../../src/store/tags-repository.js';
import type { TagRecord } from '../../src/store/records.js';
import { machineTagId } from '../../src/worker/process-document.js';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// API/services audit (helper E) 2026-12-01: what a reader sees while a re-analysis swaps a document's tags.

let rt: TestRuntime;
useFileRuntime({}, (s) => ({ rt } = s));

const REVIEW = '房间很干净，前台服务态度很差，早餐太贵了，网速也很慢，不过位置很方便。';

/** The document's tags as a model promoted after it would write them: same places, ids under another version. */
const underVersion = (tags: TagRecord[], version: string): TagRecord[] =>
  tags.map((t) => ({ ...t, _id: machineTagId(t.documentId, version, { ...t, turnIndex: t.turnIndex ?? undefined }), modelVersion: version }));

const ids = (tags: { _id?: string; id?: string }[]) => tags.map((t) => t._id ?? t.id!).sort().join(' ');

let seq = 0;
async function taggedDocument(text: string, occurredAt: string): Promise<{ id: string; tags: TagRecord[] }> {
  const posted = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', text, source: 'app-review', externalId: `e1201-${++seq}`, occurredAt });
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  const doc = await waitForStatus(rt, posted.body.id as string);
  expect(doc.status).toBe('done');
  const tags = await rt.services.store.tags.byDocument(doc.id as string);
  expect(tags.length).toBeGreaterThanOrEqual(3);
  return { id: doc.id as string, tags };
}

/** Every tag record of the document whatever its stage, read past the repository. */
const stored = (documentId: string) => rt.services.store.engine.collection<TagRecord>('tags').find({ documentId });

// 1. A re-analysis wrote the new machine tags and then deleted the old ones: a read in between (the
// document page, the tag feed, the dashboard) counted the document's opinions twice.
describe('a re-tag swapping the machine tags', () => {
  test('readers running alongside see the old set or the new one, never both', async () => {
    const day = '2026-06-03';
    const { id, tags: first } = await taggedDocument(REVIEW, `${day}T09:30:00+08:00`);
    const sets = [first, underVersion(first, 'audit-e-next'), underVersion(first, 'audit-e-third')];
    const tenant = first[0]!.tenant;
    const allowed = new Set(sets.map(ids));
    const seen: string[] = [];
    const dayTotals: number[] = [];
    for (let round = 1; round <= 12; round++) {
      const next = sets[round % sets.length]!;
      let writing = true;
      const write = rt.services.store.tags.replaceMachineTags(id, next).finally(() => (writing = false));
      // Real readers on the real store, as GET /v1/documents/:id, GET /v1/tags and the summary read it,
      // issued back to back for as long as the write takes.
      const readers = [
        async () => seen.push(ids(await rt.services.store.tags.byDocument(id))),
        async () => seen.push(ids((await rt.services.query.tags(tenant, { documentId: id, limit: '100' } as never)).items)),
        async () => dayTotals.push(((await rt.services.query.summary(tenant, {} as never)).byDay.find((d) => d.day === day)?.total as number) ?? 0),
      ];
      await Promise.all(
        readers.map(async (read) => {
          do await read();
          while (writing);
        }),
      );
      await write;
    }
    const mixed = seen.filter((s) => !allowed.has(s));
    expect(mixed, `${mixed.length} of ${seen.length} reads saw a mix of two sets`).toEqual([]);
    expect(new Set(dayTotals), 'the day counted this document once in every summary').toEqual(new Set([first.length]));
    expect((await stored(id)).length, 'nothing but the last set is left once the write is done').toBe(first.length);
  });

  test('a customer journey mid-swap counts the document’s tags once', async () => {
    const customerId = 'cx-13900139000';
    const posted = await rt.http
      .post('/v1/documents')
      .set(bearer(ADMIN_KEY))
      .send({ kind: 'comment', source: 'wechat', externalId: 'e1201-journey', customerId, text: '宽带老是断网，客服电话也打不通，维修师傅倒是很专业。', occurredAt: '2026-06-05T10:00:00+08:00' });
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    expect((await waitForStatus(rt, posted.body.id as string)).status).toBe('done');
    const id = posted.body.id as string;
    const live = await rt.services.store.tags.byDocument(id);
    const touchpoint = async () =>
      ((await rt.http.get(`/v1/customers/${customerId}/journey`).set(bearer(ADMIN_KEY)).expect(200)).body.touchpoints as { documentId: string; tags: number; score: number }[]).find(
        (p) => p.documentId === id,
      )!;
    const before = await touchpoint();
    expect(before.tags).toBe(live.length);
    // a re-analysis under another model version, stopped after writing its tags (staged), then after its switch
    const next = underVersion(live, 'audit-e-journey');
    await rt.services.store.tags.stageMachineTags(id, next);
    expect(await touchpoint()).toEqual(before);
    await rt.services.store.tags.switchMachineTags(id, next);
    expect(await touchpoint()).toEqual(before);
  });

  test('a crash at any step leaves one set readable, and running the job again finishes it', async () => {
    const { id, tags: old } = await taggedDocument('酒店隔音太差了，空调噪音很大，服务员倒是很热情。', '2026-06-04T20:10:00+08:00');
    const next = underVersion(old, 'audit-e-crash');
    const readable = async () => ids((await rt.http.get(`/v1/documents/${id}`).set(bearer(ADMIN_KEY)).expect(200)).body.tags as { id: string }[]);
    const repo = rt.services.store.tags;

    // died after writing the new tags: they are there, hidden, and the old ones are still what readers get
    await repo.stageMachineTags(id, next);
    expect((await stored(id)).length).toBe(old.length * 2);
    expect(await readable()).toBe(ids(old));

    // died after the switch: the new set is the document's; the old waits hidden for the sweep
    await repo.switchMachineTags(id, next);
    expect(await readable()).toBe(ids(next));
    expect((await stored(id)).length).toBe(old.length * 2);

    // the job's next run (the same version again) is idempotent: the new set, the old one swept
    await repo.replaceMachineTags(id, next);
    await repo.replaceMachineTags(id, next);
    expect(await readable()).toBe(ids(next));
    expect(ids(await stored(id))).toBe(ids(next));

    // a run under the first version after a crash past its switch (a rollback) brings the retired tags back
    await repo.stageMachineTags(id, old);
    await repo.switchMachineTags(id, old);
    await repo.replaceMachineTags(id, next);
    expect(await readable()).toBe(ids(next));
    expect(ids(await stored(id))).toBe(ids(next));

    // staged leftovers of a run that lost to a newer version stay hidden and are swept
    const lost = underVersion(old, 'audit-e-lost');
    await repo.stageMachineTags(id, lost);
    await repo.replaceMachineTags(id, old);
    expect(await readable()).toBe(ids(old));
    expect(ids(await stored(id))).toBe(ids(old));
  });
});

// The live-tag clause rides on every tag query, including the dashboard's, so the embedded engine's fast
// matcher takes it; it must agree with nedb (the embedded engine's finds) and mingo (MongoDB's semantics).
test('the live-tag clause matches alike in the fast matcher, nedb and mingo', () => {
  const nedbModel = createRequire(import.meta.url)('@seald-io/nedb/lib/model.js') as { match(doc: unknown, query: unknown): boolean };
  const filter = { tenant: 'default', ...LIVE_TAG };
  const fast = compileMatch(filter);
  expect(fast, 'the clause keeps the fast path').not.toBeNull();
  const stages = [undefined, null, -1, 0, 1, 2, '0', true];
  for (const stage of stages) {
    const doc = { _id: 'x', tenant: 'default', ...(stage === undefined ? {} : { stage }) };
    const mongo = new Aggregator([{ $match: filter }]).run([doc]).length === 1;
    expect([fast!(doc), nedbModel.match(doc, filter)], `stage ${String(stage)}`).toEqual([mongo, mongo]);
  }
  expect(fast!({ _id: 'y', tenant: 'default' })).toBe(true);
  expect(fast!({ _id: 'y', tenant: 'default', stage: -1 })).toBe(false);
});
