import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';
import { dayOf, instantOf, readInstant } from '../../src/time-zone.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// A Beijing contact center's day runs 00:00-24:00 +08:00. Bucketed in UTC, a complaint at 07:30 on the 28th
// counts on the 27th's bar, and "from 2026-11-28" starts at 08:00. TIME_ZONE makes the service's days the
// deployment's days; it defaults to UTC.

const EARLY = '2026-11-28T07:30:00+08:00'; // 2026-11-27T23:30Z

describe('time zone arithmetic', () => {
  test('days and wall times in a zone', () => {
    expect(dayOf(new Date(EARLY), 'Asia/Shanghai')).toBe('2026-11-28');
    expect(dayOf(new Date(EARLY), 'UTC')).toBe('2026-11-27');
    expect(instantOf(2026, 11, 28, 0, 0, 0, 0, 'Asia/Shanghai').toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(readInstant('2026-11-28', 'Asia/Shanghai')!.toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(readInstant('2026-11-28T07:30:00', 'Asia/Shanghai')!.toISOString()).toBe('2026-11-27T23:30:00.000Z');
    expect(readInstant('2026-11-28T07:30:00.250', 'Asia/Shanghai')!.toISOString()).toBe('2026-11-27T23:30:00.250Z');
    // an explicit offset is that instant whatever the zone
    expect(readInstant('2026-11-28T07:30:00Z', 'Asia/Shanghai')!.toISOString()).toBe('2026-11-28T07:30:00.000Z');
    expect(readInstant('2026-11-28T07:30:00-05:00', 'Asia/Shanghai')!.toISOString()).toBe('2026-11-28T12:30:00.000Z');
    // not real days or times
    expect(readInstant('2024-02-31', 'Asia/Shanghai')).toBeNull();
    expect(readInstant('2023-02-29T10:00:00', 'Asia/Shanghai')).toBeNull();
    expect(readInstant('2024-05-01T24:30:00', 'Asia/Shanghai')).toBeNull();
    expect(readInstant('2024-02-29', 'Asia/Shanghai')!.toISOString()).toBe('2024-02-28T16:00:00.000Z');
  });

  test('across daylight-saving changes', () => {
    // New York: EST (-5) until 2026-03-08 02:00, EDT (-4) after; back on 2026-11-01 02:00
    expect(readInstant('2026-03-07T12:00:00', 'America/New_York')!.toISOString()).toBe('2026-03-07T17:00:00.000Z');
    expect(readInstant('2026-03-09T12:00:00', 'America/New_York')!.toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(readInstant('2026-03-08', 'America/New_York')!.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(readInstant('2026-11-01T12:00:00', 'America/New_York')!.toISOString()).toBe('2026-11-01T17:00:00.000Z');
    expect(dayOf(new Date('2026-11-02T04:30:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(dayOf(new Date('2026-11-02T05:30:00Z'), 'America/New_York')).toBe('2026-11-02');
  });

  test('TIME_ZONE is checked at boot and spelled as Intl spells it', () => {
    expect(loadConfig({}).timeZone).toBe('UTC');
    expect(loadConfig({ TIME_ZONE: 'asia/shanghai' }).timeZone).toBe('Asia/Shanghai');
    let err: unknown;
    try {
      loadConfig({ TIME_ZONE: 'Beijing' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('TIME_ZONE');
  });
});

async function ingestEarly(rt: TestRuntime, tenant: string) {
  const key = await createKey(rt, ['ingest', 'analyst'], tenant);
  const send = (externalId: string, extra: Record<string, unknown>) =>
    rt.http.post('/v1/documents').set(bearer(key)).send({ source: 'tz-test', externalId, ...extra }).expect(202);
  // the same instant, with an offset and as a Beijing wall time without one
  const a = (await send('a', { kind: 'comment', text: '客服态度很差，问题一直没解决', occurredAt: EARLY })).body.id as string;
  const b = (await send('b', { kind: 'comment', text: '网络信号太差了', occurredAt: '2026-11-28T07:30:00' })).body.id as string;
  const c = (await send('c', { kind: 'survey', text: '办理太慢了', question: '您对本次服务满意吗？', score: 3, scale: 'nps', occurredAt: EARLY })).body.id as string;
  for (const id of [a, b, c]) await waitForStatus(rt, id, key);
  return { key, ids: [a, b, c] };
}

describe('TIME_ZONE=Asia/Shanghai', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startRuntime({ TIME_ZONE: 'Asia/Shanghai' });
  });
  afterAll(async () => rt.close());

  test('daily trends, date filters, wall times and survey periods follow Beijing days', async () => {
    const { key, ids } = await ingestEarly(rt, 'tz-sh');
    const doc = await rt.http.get(`/v1/documents/${ids[1]}`).set(bearer(key)).expect(200);
    expect(doc.body.occurredAt).toBe('2026-11-27T23:30:00.000Z');

    const summary = await rt.http.get('/v1/stats/summary').set(bearer(key)).expect(200);
    expect(summary.body.byDay.map((d: { day: string }) => d.day)).toEqual(['2026-11-28']);

    const count = async (q: Record<string, string>) => (await rt.http.get('/v1/tags').query({ limit: 100, ...q }).set(bearer(key)).expect(200)).body.items.length as number;
    const all = await count({});
    expect(all).toBeGreaterThanOrEqual(3);
    expect(await count({ from: '2026-11-28' })).toBe(all);
    expect(await count({ to: '2026-11-28' })).toBe(0);
    expect(await count({ from: '2026-11-28T07:00:00', to: '2026-11-28T08:00:00' })).toBe(all);

    const nps = await rt.http.get('/v1/stats/nps').query({ interval: 'day' }).set(bearer(key)).expect(200);
    expect(nps.body.series.map((s: { period: string }) => s.period)).toEqual(['2026-11-28']);

    const me = await rt.http.get('/v1/me').set(bearer(ADMIN_KEY)).expect(200);
    expect(me.body.timeZone).toBe('Asia/Shanghai');
  });
});

describe('default TIME_ZONE (UTC), then changed', () => {
  let rt: TestRuntime;
  let dataDir: string;
  beforeAll(async () => {
    rt = await startRuntime({}, { keepData: true });
    dataDir = rt.dataDir;
  });
  afterAll(async () => rt.close());

  test('the same feedback counts on the UTC day; after TIME_ZONE changes, the restarted worker moves every tag, human ones too, to the new days', async () => {
    const { key, ids } = await ingestEarly(rt, 'tz-utc');
    const doc = await rt.http.get(`/v1/documents/${ids[1]}`).set(bearer(key)).expect(200);
    expect(doc.body.occurredAt).toBe('2026-11-28T07:30:00.000Z');
    const days = async (on = rt) => (await on.http.get('/v1/stats/summary').set(bearer(key)).expect(200)).body.byDay.map((d: { day: string }) => d.day);
    expect(await days()).toEqual(['2026-11-27', '2026-11-28']);
    const me = await rt.http.get('/v1/me').set(bearer(ADMIN_KEY)).expect(200);
    expect(me.body.timeZone).toBe('UTC');

    // a labeler's correction makes one of the early tags human
    const labeler = await createKey(rt, ['labeler'], 'tz-utc');
    const early = (await waitForStatus(rt, ids[0]!, key)).tags[0] as { id: string };
    await rt.http.patch(`/v1/tags/${early.id}`).set(bearer(labeler)).send({ polarity: 'neutral' }).expect(200);

    await rt.close();
    // an API-only process on the new zone, before any worker has started: readiness says the days still move
    const api = await startRuntime({ TIME_ZONE: 'Asia/Shanghai' }, { dataDir, keepData: true, worker: false });
    expect((await api.http.get('/readyz').expect(200)).body.checks.store).toMatchObject({ timeZone: 'Asia/Shanghai', tagDays: 'moving' });
    expect(await days(api)).toEqual(['2026-11-27', '2026-11-28']);
    await api.close();
    rt = await startRuntime({ TIME_ZONE: 'Asia/Shanghai' }, { dataDir, keepData: false });
    // the worker's first reconcile pass starts the sweep; nothing is analyzed again
    await rt.services.reconciler.settled();
    expect(await days()).toEqual(['2026-11-28']);
    expect((await rt.http.get('/readyz').expect(200)).body.checks.store).toEqual({ engine: 'embedded', timeZone: 'Asia/Shanghai', tagDays: 'current' });
    const tags = (await rt.http.get('/v1/tags').set(bearer(key)).expect(200)).body.items as { id: string; day: string; modelVersion: string }[];
    expect(tags.map((t) => t.day)).toEqual(tags.map(() => '2026-11-28'));
    expect(tags.map((t) => t.id)).toContain(early.id);
    expect(await rt.services.store.tenants.dayBuckets()).toMatchObject({ zone: 'Asia/Shanghai', after: null, until: null });
    // a re-tag after it leaves them there
    const admin = await createKey(rt, ['admin'], 'tz-utc');
    const job = await rt.http.post('/v1/retag-jobs').set(bearer(admin)).send({}).expect(202);
    for (let i = 0; ; i++) {
      const res = await rt.http.get(`/v1/retag-jobs/${job.body.id}`).set(bearer(admin)).expect(200);
      if (res.body.status === 'done') break;
      if (i > 400) throw new Error('re-tag job did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await days()).toEqual(['2026-11-28']);
    const human = await rt.http.get('/v1/tags').query({ source: 'human' }).set(bearer(key)).expect(200);
    expect(human.body.items.map((t: { id: string }) => t.id)).toContain(early.id);
  });
});
