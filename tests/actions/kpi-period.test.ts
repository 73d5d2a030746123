import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { ACTIONS_ENV, stopActionsRuntime, waitDone } from './setup.js';

// QA audit at scale (F2, F3): the KPI table read `to` as exclusive while every other date filter reads it
// as an inclusive instant, so for the console's end-of-day `…T23:59:59.999` it dropped that millisecond
// and started the previous period 1 ms late; and it ignored `kind`, which the charts above it apply.
// TIME_ZONE is process-wide; this file runs in its own fork, as the console's days are Beijing days here.

let rt: TestRuntime;
let analyst: string;

type Row = { category: string; current: { negative: number; total: number }; previous: { negative: number; total: number } };
type SummaryRow = { category: string; negative: number; total: number };

beforeAll(async () => {
  rt = await startRuntime({ ...ACTIONS_ENV, TIME_ZONE: 'Asia/Shanghai' });
  analyst = await createKey(rt, ['analyst']);
});
afterAll(async () => stopActionsRuntime(rt));

async function post(documents: Record<string, unknown>[]): Promise<void> {
  const res = await rt.http.post('/v1/documents/batch').set(bearer(ADMIN_KEY)).send({ documents }).expect(207);
  const ids = res.body.items.map((it: { id?: string; status: number }) => {
    if (!it.id) throw new Error(`batch item refused: ${JSON.stringify(it)}`);
    return it.id;
  });
  await waitDone(rt, ids);
}

const kpi = async (query: string) => (await rt.http.get(`/v1/stats/kpi?${query}`).set(bearer(analyst)).expect(200)).body as { period: { from: string; to: string }; previousPeriod: { from: string; to: string }; categories: Row[] };
const summary = async (query: string) => (await rt.http.get(`/v1/stats/summary?${query}`).set(bearer(analyst)).expect(200)).body as { byCategory: SummaryRow[] };
const pick = (rows: Row[], category: string) => rows.find((r) => r.category === category);

describe('KPI period: `to` is read as on every date filter (F3)', () => {
  beforeAll(async () => {
    // Beijing wall times (no offset: read in TIME_ZONE). Current period 2026-09-01 … 2026-09-07, the
    // previous one 2026-08-25 … 2026-08-31; each tag sits on a period's first or last millisecond.
    const at = (externalId: string, occurredAt: string, text: string) => ({ kind: 'comment', source: 'kpi-edge', externalId, text, occurredAt });
    await post([
      at('cur-first', '2026-09-01T00:00:00.000', '网络信号太差'),
      at('cur-mid', '2026-09-04T12:00:00.000', '网络很顺畅'),
      at('cur-last', '2026-09-07T23:59:59.999', '网络信号太差'),
      at('prev-first', '2026-08-25T00:00:00.000', '网络信号太差'),
      at('prev-last', '2026-08-31T23:59:59.999', '网络很顺畅'),
      at('before', '2026-08-24T23:59:59.999', '网络信号太差'),
      at('after', '2026-09-08T00:00:00.000', '网络信号太差'),
    ]);
  });

  test("the console's end-of-day `to`: the last millisecond counts, as on the summary, and the previous period is the 7 days before", async () => {
    // what the dashboard sends for the date pickers 2026-09-01 … 2026-09-07 (filtersQuery)
    const q = 'from=2026-09-01&to=2026-09-07T23:59:59.999&channel=kpi-edge';
    const k = await kpi(q);
    expect(k.period).toEqual({ from: '2026-08-31T16:00:00.000Z', to: '2026-09-07T15:59:59.999Z' });
    expect(k.previousPeriod).toEqual({ from: '2026-08-24T16:00:00.000Z', to: '2026-08-31T15:59:59.999Z' });
    const network = pick(k.categories, 'network');
    expect(network?.current).toMatchObject({ negative: 2, total: 3 });
    expect(network?.previous).toMatchObject({ negative: 1, total: 2 });
    const s = (await summary(q)).byCategory.find((r) => r.category === 'network');
    expect({ negative: s?.negative, total: s?.total }).toEqual({ negative: network?.current.negative, total: network?.current.total });
  });

  test('a date-only `to` is 00:00 of that day, included, as on every other route: KPI and summary agree', async () => {
    const q = 'from=2026-09-01&to=2026-09-08&channel=kpi-edge';
    const k = await kpi(q);
    expect(k.period.to).toBe('2026-09-07T16:00:00.000Z');
    const network = pick(k.categories, 'network');
    // the tag at 2026-09-08 00:00:00.000 is included, like the summary includes it
    expect(network?.current).toMatchObject({ negative: 3, total: 4 });
    const s = (await summary(q)).byCategory.find((r) => r.category === 'network');
    expect({ negative: s?.negative, total: s?.total }).toEqual({ negative: 3, total: 4 });
    // the previous period is as long (7 days and 1 ms) and ends the millisecond before `from`
    expect(k.previousPeriod).toEqual({ from: '2026-08-24T15:59:59.999Z', to: '2026-08-31T15:59:59.999Z' });
    expect(network?.previous).toMatchObject({ negative: 2, total: 3 });
  });

  test('from equal to to is one millisecond; from after to is a 400 naming from, as on the summary', async () => {
    const one = await kpi('from=2026-09-07T23:59:59.999&to=2026-09-07T23:59:59.999&channel=kpi-edge');
    expect(pick(one.categories, 'network')?.current).toMatchObject({ negative: 1, total: 1 });
    expect(one.previousPeriod).toEqual({ from: '2026-09-07T15:59:59.998Z', to: '2026-09-07T15:59:59.998Z' });
    for (const path of ['/v1/stats/kpi', '/v1/stats/summary']) {
      const res = await rt.http.get(`${path}?from=2026-09-02&to=2026-09-01`).set(bearer(analyst)).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['from']);
    }
  });

  test('without dates: the last 7 whole Beijing days, today included, and the 7 days before (F1)', async () => {
    const k = await kpi('channel=kpi-edge');
    const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));
    const shift = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const today = day(Date.now());
    const first = shift(today, -6);
    // Beijing midnight is 16:00 UTC the day before
    expect(k.period).toEqual({ from: `${shift(first, -1)}T16:00:00.000Z`, to: `${today}T15:59:59.999Z` });
    expect(k.previousPeriod).toEqual({ from: `${shift(first, -8)}T16:00:00.000Z`, to: `${shift(first, -1)}T15:59:59.999Z` });
    // so the console can open it as the dates first … today, which the feed reads as these same instants
    expect([day(Date.parse(k.period.from)), day(Date.parse(k.period.to))]).toEqual([first, today]);
    const asDates = await kpi(`channel=kpi-edge&from=${first}&to=${today}T23:59:59.999`);
    expect(asDates.period).toEqual(k.period);
    // one end only: the other is now, or 7 × 24 h before `to`
    const onlyTo = await kpi('to=2026-09-08T00:00:00Z');
    expect(onlyTo.period).toEqual({ from: '2026-09-01T00:00:00.000Z', to: '2026-09-08T00:00:00.000Z' });
  });
});

describe('KPI scope: `kind` narrows it as it narrows the summary (F2)', () => {
  beforeAll(async () => {
    const comment = (i: number, text: string) => ({ kind: 'comment', source: 'kpi-kind', externalId: `c-${i}`, text, occurredAt: '2026-10-05T10:00:00' });
    const survey = (i: number, text: string) => ({ kind: 'survey', source: 'kpi-kind', externalId: `s-${i}`, text, score: 3, scale: 'nps', occurredAt: '2026-10-05T11:00:00' });
    await post([
      ...[0, 1, 2, 3].map((i) => comment(i, '网络信号太差')),
      comment(4, '网络很顺畅'),
      survey(0, '网络信号太差'),
      ...[1, 2].map((i) => survey(i, '网络很顺畅')),
    ]);
  });

  test('kind=survey counts the survey tags only, what the summary (the charts) counts with it', async () => {
    const range = 'from=2026-10-01&to=2026-10-07T23:59:59.999&channel=kpi-kind';
    const all = pick((await kpi(range)).categories, 'network');
    expect(all?.current).toMatchObject({ negative: 5, total: 8 });
    for (const kind of ['survey', 'comment']) {
      const k = pick((await kpi(`${range}&kind=${kind}`)).categories, 'network');
      const s = (await summary(`${range}&kind=${kind}`)).byCategory.find((r) => r.category === 'network');
      expect(k?.current, kind).toMatchObject({ negative: s?.negative, total: s?.total });
    }
    expect(pick((await kpi(`${range}&kind=survey`)).categories, 'network')?.current).toMatchObject({ negative: 1, total: 3 });
    expect(pick((await kpi(`${range}&kind=transcript`)).categories, 'network')).toBeUndefined();
  });

  test('an unknown kind is a 400 naming kind, as on the summary', async () => {
    for (const path of ['/v1/stats/kpi', '/v1/stats/summary']) {
      const res = await rt.http.get(`${path}?kind=email`).set(bearer(analyst)).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['kind']);
    }
  });

  test('OpenAPI lists kind on the KPI route', async () => {
    const spec = (await rt.http.get('/openapi.json').expect(200)).body;
    const params = spec.paths['/v1/stats/kpi'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['from', 'to', 'channel', 'kind']));
  });
});
