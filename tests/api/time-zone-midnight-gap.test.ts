import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { instantOf, readInstant } from '../../src/time-zone.js';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// QA stats audit 2026-11-30: in zones whose clocks spring forward at midnight (Chile, Cuba, Paraguay…), the
// day's first instant is 01:00, 00:00 does not exist. A date read as 00:00 of that day landed an hour
// early, on the previous day (Santiago 2026-09-06 → 2026-09-05 23:00 -04), so `from=2026-09-06` (the drill
// from the dashboard's 2026-09-06 bar) also listed the last hour of 2026-09-05, which that bar does not
// count. A skipped wall time is the time after the gap, shifted forward by it (New York 02:30 on the
// spring-forward day is 03:30 EDT), as the function's own comment and java.time / Temporal read it.

describe('a wall time skipped by a spring-forward gap is read after the gap', () => {
  test('midnight gap: the day starts at 01:00, never on the day before', () => {
    // America/Santiago: 2026-09-06 00:00 -04 → 01:00 -03
    expect(readInstant('2026-09-06', 'America/Santiago')!.toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(readInstant('2026-09-05', 'America/Santiago')!.toISOString()).toBe('2026-09-05T04:00:00.000Z');
    expect(readInstant('2026-09-07', 'America/Santiago')!.toISOString()).toBe('2026-09-07T03:00:00.000Z');
    // America/Havana: 2026-03-08 00:00 CST → 01:00 CDT
    expect(readInstant('2026-03-08', 'America/Havana')!.toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });

  test('a gap inside the day: shifted forward by its length, on both sides of UTC', () => {
    // New York 2026-03-08 02:00 EST → 03:00 EDT: 02:30 reads as 03:30 EDT
    expect(instantOf(2026, 3, 8, 2, 30, 0, 0, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // Berlin 2026-03-29 02:00 CET → 03:00 CEST: 02:30 reads as 03:30 CEST
    expect(instantOf(2026, 3, 29, 2, 30, 0, 0, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // times either side of the gap are themselves
    expect(readInstant('2026-03-08T01:59:59.999', 'America/New_York')!.toISOString()).toBe('2026-03-08T06:59:59.999Z');
    expect(readInstant('2026-03-08T03:00', 'America/New_York')!.toISOString()).toBe('2026-03-08T07:00:00.000Z');
  });

  test('a repeated (fall-back) wall time is its first occurrence', () => {
    expect(readInstant('2026-11-01T01:30', 'America/New_York')!.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(readInstant('2026-10-25T02:30', 'Europe/Berlin')!.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    // Santiago falls back at 2026-04-05 00:00 -03 → 2026-04-04 23:00 -04: 23:30 on the 4th happens twice
    expect(readInstant('2026-04-04T23:30', 'America/Santiago')!.toISOString()).toBe('2026-04-05T02:30:00.000Z');
    expect(readInstant('2026-04-05', 'America/Santiago')!.toISOString()).toBe('2026-04-05T04:00:00.000Z');
  });
});

describe('TIME_ZONE=America/Santiago: a day bar and its drill-down count the same tags', () => {
  let rt: TestRuntime;
  let key: string;
  beforeAll(async () => {
    rt = await startRuntime({ TIME_ZONE: 'America/Santiago' });
    key = await createKey(rt, ['ingest', 'analyst']);
    const send = async (externalId: string, occurredAt: string) =>
      (await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'cl-gap', externalId, text: '网络信号太差了', occurredAt }).expect(202)).body.id as string;
    // 23:30 on 2026-09-05 (-04), and 01:30 on 2026-09-06 (-03), the first hour that day has
    for (const id of [await send('late-5th', '2026-09-05T23:30:00-04:00'), await send('early-6th', '2026-09-06T01:30:00-03:00')]) await waitForStatus(rt, id, key);
  });
  afterAll(async () => rt.close());

  test('summary days, the feed of each day as the console asks it, and the survey periods agree', async () => {
    const summary = (await rt.http.get('/v1/stats/summary').query({ channel: 'cl-gap' }).set(bearer(key)).expect(200)).body as { byDay: { day: string; total: number }[] };
    const perDay = Object.fromEntries(summary.byDay.map((d) => [d.day, d.total]));
    expect(Object.keys(perDay).sort()).toEqual(['2026-09-05', '2026-09-06']);
    for (const day of ['2026-09-05', '2026-09-06']) {
      // what the dashboard's bar opens: from the day, to its last millisecond (web/src/filters.tsx filtersQuery)
      const feed = await rt.http.get('/v1/tags').query({ channel: 'cl-gap', from: day, to: `${day}T23:59:59.999`, withTotal: 'true' }).set(bearer(key)).expect(200);
      expect(feed.body.total, day).toBe(perDay[day]);
      const dayOfTags = new Set(feed.body.items.map((t: { day: string }) => t.day));
      expect([...dayOfTags], day).toEqual([day]);
    }
    // a date-only `to` is that day's first instant: the 5th's tags all lie before it
    const upTo6th = await rt.http.get('/v1/tags').query({ channel: 'cl-gap', to: '2026-09-06', withTotal: 'true' }).set(bearer(key)).expect(200);
    expect(upTo6th.body.total).toBe(perDay['2026-09-05']);
  });
});
