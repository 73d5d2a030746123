import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { DayBuckets } from '../../src/services/day-buckets.js';
import { NedbEngine } from '../../src/store/nedb-engine.js';
import { INSTALL_ID, type TagRecord } from '../../src/store/records.js';
import { createStore, type Store } from '../../src/store/store.js';
import { setTimeZone } from '../../src/time-zone.js';

// The day-bucket sweep over a real embedded store: more tags than one batch, a sweeper that dies or stops
// mid-way, and two processes that disagree on TIME_ZONE. Every tag is at 23:30 UTC, which is the next day in
// Beijing, so a tag's day says which zone it was last bucketed in.

let dir: string;
let engine: NedbEngine;
let store: Store;
const logger = createLogger('silent');
const LEASE = 60_000;
const N = 1_203; // two full batches and a part

function tag(i: number): TagRecord {
  const at = new Date(Date.UTC(2026, 10, 1 + (i % 28), 23, 30));
  return {
    _id: `t-${String(i).padStart(5, '0')}`,
    tenant: i % 2 ? 'db-a' : 'db-b',
    documentId: `d-${i}`,
    aspect: '网络',
    opinion: '太差了',
    polarity: 'negative',
    category: 'network',
    span: { start: 0, end: 5 },
    aspectSpan: null,
    opinionSpan: null,
    sentence: '网络太差了',
    turnIndex: null,
    confidence: 0.9,
    source: i % 10 ? 'model' : 'human',
    modelVersion: 'test',
    kind: 'comment',
    channel: 'app',
    at,
    day: at.toISOString().slice(0, 10),
    createdAt: at,
    updatedAt: at,
  };
}

const utcDay = (t: TagRecord) => new Date(t.at).toISOString().slice(0, 10);
const beijingDay = (t: TagRecord) => new Date(new Date(t.at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const allTags = async () => (await store.tags.pageById('', 10_000)).sort((a, b) => a._id.localeCompare(b._id));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-days-'));
  engine = await NedbEngine.open(dir);
  store = await createStore(engine);
  for (let i = 0; i < N; i += 500) await engine.collection<TagRecord>('tags').insertManyIgnoreDuplicates(Array.from({ length: Math.min(500, N - i) }, (_, k) => tag(i + k)));
});
afterAll(async () => {
  setTimeZone('UTC');
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  // every test starts from UTC buckets and no stored state
  const tags = await allTags();
  for (const t of tags) if (t.day !== utcDay(t)) await store.tags.setDay([t._id], utcDay(t));
  await engine.collection('tenants').deleteMany({ _id: INSTALL_ID });
});

test('a store with no recorded zone is swept once; a second pass reads one record and moves nothing', async () => {
  setTimeZone('Asia/Shanghai');
  const sweeper = new DayBuckets(store, logger, LEASE);
  expect(await sweeper.sweep()).toBe(N);
  expect((await allTags()).every((t) => t.day === beijingDay(t))).toBe(true);
  expect(await store.tenants.dayBuckets()).toMatchObject({ zone: 'Asia/Shanghai', after: null, until: null });
  expect(await sweeper.sweep()).toBe(0);

  // back to UTC: every tag moves back
  setTimeZone('UTC');
  expect(await new DayBuckets(store, logger, LEASE).sweep()).toBe(N);
  expect((await allTags()).every((t) => t.day === utcDay(t))).toBe(true);
});

test('a sweeper that died mid-way is taken over from its cursor once its lease runs out; one that stopped hands over at once', async () => {
  setTimeZone('Asia/Shanghai');
  // as a process that died after its first batch left it (the batch's tags are left on UTC here, to
  // show the cursor is trusted: what it passed is not read again)
  const tags = await allTags();
  const dead = { zone: 'Asia/Shanghai', after: tags[499]!._id, until: new Date(Date.now() + LEASE), token: 'dead-process' };
  expect(await store.tenants.claimDayBuckets(null, dead)).toBe(true);

  const next = new DayBuckets(store, logger, LEASE);
  expect(await next.sweep()).toBe(0); // still held
  await store.tenants.claimDayBuckets('dead-process', { ...dead, until: new Date(Date.now() - 1) });
  // resumes after the cursor: the first 500 are not read again, and the rest move
  expect(await next.sweep()).toBe(N - 500);
  const after = await allTags();
  expect(after.slice(0, 500).every((t) => t.day === utcDay(t))).toBe(true);
  expect(after.slice(500).every((t) => t.day === beijingDay(t))).toBe(true);

  // a sweep asked to stop hands the claim back, with no lease, after its claim; the next process finishes it
  setTimeZone('UTC');
  const stopping = new DayBuckets(store, logger, LEASE);
  const handedBack = stopping.sweep();
  stopping.stop();
  expect(await handedBack).toBe(0);
  expect(await store.tenants.dayBuckets()).toMatchObject({ zone: 'UTC', after: '', until: null });
  expect(await new DayBuckets(store, logger, LEASE).sweep()).toBe(N - 500);
  expect((await allTags()).every((t) => t.day === utcDay(t))).toBe(true);
});

test('a process on another zone waits while one holds the sweep, then moves every tag to its own zone', async () => {
  // as a Beijing process left it, mid-sweep and holding it
  const held = { zone: 'Asia/Shanghai', after: 't-00600', until: new Date(Date.now() + LEASE), token: 'beijing' };
  expect(await store.tenants.claimDayBuckets(null, held)).toBe(true);
  setTimeZone('UTC');
  const utc = new DayBuckets(store, logger, LEASE);
  expect(await utc.sweep()).toBe(0);
  expect(await store.tenants.dayBuckets()).toMatchObject({ token: 'beijing' });
  // Beijing finished; its claim's token no longer matches, so its stale writes are refused
  await store.tenants.claimDayBuckets('beijing', { ...held, after: null, until: null });
  for (const t of await allTags()) await store.tags.setDay([t._id], beijingDay(t));
  expect(await utc.sweep()).toBe(N);
  expect(await store.tenants.claimDayBuckets('beijing', held)).toBe(false);
  expect(await store.tenants.dayBuckets()).toMatchObject({ zone: 'UTC', after: null, until: null });
  expect((await allTags()).every((t) => t.day === utcDay(t))).toBe(true);
});
