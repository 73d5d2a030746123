import { beforeAll, describe, expect, test } from 'vitest';
import { accumulate, compareProportions, fisherExact, normalCdf, touchpointScore, twoProportionZ } from '../../src/actions/insights.js';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { ingest, useActionsRuntime, waitDone } from './setup.js';

let rt: TestRuntime;
let ingestKey: string;
const DAY = 86_400_000;
const h = (k: number) => 2 ** (-k / 3);

useActionsRuntime(async (started) => {
  rt = started;
  ingestKey = await createKey(rt, ['ingest']);
});

describe('customer journey', () => {
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();

  beforeAll(async () => {
    // Sent out of time order on purpose: the journey orders by occurredAt.
    const journey: [number, string][] = [
      [3, '我想咨询一下业务'],
      [7, '网络很顺畅'],
      [1, '外卖送得太慢了'],
      [6, '网络信号太差'],
      [5, '信号很差，经常断网'],
      [4, '网络很顺畅，但是App老是闪退'],
      [2, '客服态度很差'],
    ];
    const ids: string[] = [];
    for (const [i, [daysAgo, text]] of journey.entries()) ids.push(await ingest(rt, ingestKey, `j-${i}`, text, { customerId: 'c-journey', occurredAt: at(daysAgo) }));
    // Twelve touchpoints: two bad ones, then ten good ones that push them out of the 10-touchpoint window.
    for (let i = 0; i < 12; i++) ids.push(await ingest(rt, ingestKey, `long-${i}`, i < 2 ? '网络信号太差' : '网络很顺畅', { customerId: 'c-long', occurredAt: at(30 - i) }));
    ids.push(await ingest(rt, ingestKey, 'mild', '网络信号太差', { customerId: 'c-mild', occurredAt: at(2) }));
    await waitDone(rt, ids);
  });

  test('touchpoints in time order, confidence-weighted scores and the decayed emotion sum', async () => {
    const analyst = await createKey(rt, ['analyst']);
    const res = await rt.http.get('/v1/customers/c-journey/journey').set(bearer(analyst)).expect(200);
    const tps = res.body.touchpoints as Record<string, any>[];
    expect(tps.map((t) => t.at)).toEqual([7, 6, 5, 4, 3, 2, 1].map(at));
    // Mixed touchpoint: (c₊ − c₋) / (c₊ + c₋) from its own tags.
    const mixedDoc = await rt.http.get(`/v1/documents/${tps[3]!.documentId}`).set(bearer(analyst)).expect(200);
    const pos = mixedDoc.body.tags.find((t: any) => t.polarity === 'positive').confidence as number;
    const neg = mixedDoc.body.tags.find((t: any) => t.polarity === 'negative').confidence as number;
    const mixed = (pos - neg) / (pos + neg);
    const scores = [1, -1, -1, mixed, 0, -1, -1];
    tps.forEach((t, i) => expect(t.score, `touchpoint ${i}`).toBeCloseTo(scores[i]!, 4));
    expect(tps[4]).toMatchObject({ tags: 0, score: 0 });
    expect(tps[2]).toMatchObject({ tags: 2, negative: 2 });
    // Newest first: −1, −1, 0, mixed, −1, −1, +1 with weights 2^(−k/3).
    const expected = -1 * h(0) - 1 * h(1) + 0 * h(2) + mixed * h(3) - 1 * h(4) - 1 * h(5) + 1 * h(6);
    expect(res.body.emotion).toBeCloseTo(expected, 4);
    expect(tps[6]!.emotion).toBeCloseTo(expected, 4);
    expect(tps[0]!.emotion).toBeCloseTo(1, 4);
    expect(tps[1]!.emotion).toBeCloseTo(-1 + h(1), 4);
    expect(res.body.churnRisk).toBe(true);
    expect(res.body.method).toEqual({ window: 10, halfLifeTouchpoints: 3, churnThreshold: -1.5 });
  });

  test('only the last 10 touchpoints count', async () => {
    const res = await rt.http.get('/v1/customers/c-long/journey').set(bearer(ADMIN_KEY)).expect(200);
    expect(res.body.touchpoints).toHaveLength(12);
    const tenGood = Array.from({ length: 10 }, (_, k) => h(k)).reduce((a, b) => a + b, 0);
    expect(res.body.emotion).toBeCloseTo(tenGood, 4);
    expect(res.body.churnRisk).toBe(false);
    // The 11th touchpoint still feels the second bad one at k = 9.
    expect(res.body.touchpoints[10].emotion).toBeCloseTo(tenGood - h(9) - h(9), 4);
  });

  test('limit trims the touchpoints shown, not the history the emotion and churn verdict are computed from', async () => {
    const full = (await rt.http.get('/v1/customers/c-journey/journey').set(bearer(ADMIN_KEY)).expect(200)).body;
    for (const limit of [1, 2, 5]) {
      const res = await rt.http.get(`/v1/customers/c-journey/journey?limit=${limit}`).set(bearer(ADMIN_KEY)).expect(200);
      expect(res.body.touchpoints.map((t: any) => t.documentId)).toEqual(full.touchpoints.slice(-limit).map((t: any) => t.documentId));
      expect(res.body.touchpoints.map((t: any) => t.emotion)).toEqual(full.touchpoints.slice(-limit).map((t: any) => t.emotion));
      expect(res.body).toMatchObject({ emotion: full.emotion, churnRisk: true });
    }
    const long = (await rt.http.get('/v1/customers/c-long/journey?limit=2').set(bearer(ADMIN_KEY)).expect(200)).body;
    expect(long.touchpoints[0].emotion).toBeCloseTo(Array.from({ length: 10 }, (_, k) => h(k)).reduce((a, b) => a + b, 0) - h(9) - h(9), 4);
  });

  test('at-risk customers, worst first', async () => {
    const labeler = await createKey(rt, ['labeler']);
    const all = await rt.http.get('/v1/customers/at-risk').set(bearer(labeler)).expect(200);
    expect(all.body.items.map((c: any) => c.customerId)).toEqual(['c-journey', 'c-mild']);
    expect(all.body.items[0]).toMatchObject({ churnRisk: true, touchpoints: 7 });
    expect(all.body.items[1]).toMatchObject({ churnRisk: false, emotion: -1, touchpoints: 1 });
    const risky = await rt.http.get('/v1/customers/at-risk?onlyAtRisk=true&limit=5').set(bearer(labeler)).expect(200);
    expect(risky.body.items.map((c: any) => c.customerId)).toEqual(['c-journey']);
    await rt.http.get('/v1/customers/at-risk?days=0').set(bearer(labeler)).expect(400);
  });

  test('roles and tenants', async () => {
    const ingestOnly = await createKey(rt, ['ingest']);
    await rt.http.get('/v1/customers/c-journey/journey').set(bearer(ingestOnly)).expect(403);
    await rt.http.get('/v1/customers/at-risk').set(bearer(ingestOnly)).expect(403);
    const analystB = await createKey(rt, ['analyst'], 'tenant-b');
    const other = await rt.http.get('/v1/customers/c-journey/journey').set(bearer(analystB)).expect(200);
    expect(other.body).toMatchObject({ touchpoints: [], emotion: 0, churnRisk: false });
    expect((await rt.http.get('/v1/customers/at-risk').set(bearer(analystB)).expect(200)).body.items).toEqual([]);
  });

  test('a customer id no document can carry (over 128 characters) is a 400 naming it, as erasure answers', async () => {
    const long = 'c'.repeat(129);
    const res = await rt.http.get(`/v1/customers/${long}/journey`).set(bearer(ADMIN_KEY)).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['id']);
    await rt.http.delete(`/v1/customers/${long}`).set(bearer(ADMIN_KEY)).expect(400);
    await rt.http.get(`/v1/customers/${'c'.repeat(128)}/journey`).set(bearer(ADMIN_KEY)).expect(200);
  });
});

describe('KPI view', () => {
  test('negative share per category against the previous period, with a two-proportion z-test', async () => {
    const batch = async (prefix: string, day: string, text: string, n: number) => {
      const documents = Array.from({ length: n }, (_, i) => ({ kind: 'comment', source: 'kpi', externalId: `${prefix}-${i}`, text, occurredAt: `${day}T0${i % 10}:00:00Z` }));
      const res = await rt.http.post('/v1/documents/batch').set(bearer(ingestKey)).send({ documents }).expect(207);
      return res.body.items.map((it: any) => it.id as string);
    };
    // Current week: network 18 negative of 30; previous week: 6 of 30. service_attitude only now.
    const ids = [
      ...(await batch('cur-neg', '2026-01-10', '网络信号太差', 18)),
      ...(await batch('cur-pos', '2026-01-12', '网络很顺畅', 12)),
      ...(await batch('prev-neg', '2026-01-03', '网络信号太差', 6)),
      ...(await batch('prev-pos', '2026-01-05', '网络很顺畅', 24)),
      ...(await batch('svc-neg', '2026-01-09', '客服态度很差', 2)),
      ...(await batch('svc-pos', '2026-01-09', '客服态度很好', 2)),
      // Outside both periods.
      ...(await batch('old', '2025-12-20', '网络信号太差', 5)),
    ];
    await waitDone(rt, ids);
    const analyst = await createKey(rt, ['analyst']);
    // `to` is included, as on every date filter: a week ends on its last millisecond, and the previous week
    // ends the millisecond before `from` (tests/actions/kpi-period.test.ts has the edges).
    const res = await rt.http.get('/v1/stats/kpi?from=2026-01-08T00:00:00Z&to=2026-01-14T23:59:59.999Z').set(bearer(analyst)).expect(200);
    expect(res.body.previousPeriod).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-07T23:59:59.999Z' });
    const network = res.body.categories.find((c: any) => c.category === 'network');
    expect(network).toMatchObject({ current: { negative: 18, total: 30, share: 0.6 }, previous: { negative: 6, total: 30, share: 0.2 }, change: 0.4, significant: true });
    // p̂ = 24/60 = 0.4, se = √(0.4·0.6·(1/30 + 1/30)) = √0.016, z = 0.4/√0.016 = √10.
    expect(network.z).toBeCloseTo(Math.sqrt(10), 3);
    expect(network.pValue).toBeCloseTo(0.001565, 5);
    const svc = res.body.categories.find((c: any) => c.category === 'service_attitude');
    expect(svc).toMatchObject({ current: { negative: 2, total: 4, share: 0.5 }, previous: { negative: 0, total: 0, share: null }, change: null, z: null, pValue: null, significant: false });

    await rt.http.get('/v1/stats/kpi?from=2026-01-15T00:00:00Z&to=2026-01-08T00:00:00Z').set(bearer(analyst)).expect(400);
    await rt.http.get('/v1/stats/kpi?from=yesterday').set(bearer(analyst)).expect(400);
    await rt.http.get('/v1/stats/kpi').set(bearer(ingestKey)).expect(403);
    const analystB = await createKey(rt, ['analyst'], 'tenant-b');
    expect((await rt.http.get('/v1/stats/kpi?from=2026-01-08T00:00:00Z&to=2026-01-15T00:00:00Z').set(bearer(analystB)).expect(200)).body.categories).toEqual([]);
  });

  test('tiny samples: 3 of 3 against 0 of 3 is not called significant (exact test), large ones keep the z-test', async () => {
    const docs = (prefix: string, day: string, text: string) =>
      Array.from({ length: 3 }, (_, i) => ({ kind: 'comment', source: 'kpi-small', externalId: `${prefix}-${i}`, text, occurredAt: `${day}T0${i}:00:00Z` }));
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingestKey))
      .send({ documents: [...docs('small-cur', '2026-02-10', '客服态度很差'), ...docs('small-prev', '2026-02-03', '客服态度很好')] })
      .expect(207);
    await waitDone(rt, res.body.items.map((it: any) => it.id as string));
    const kpi = await rt.http.get('/v1/stats/kpi?from=2026-02-08T00:00:00Z&to=2026-02-15T00:00:00Z&channel=kpi-small').set(bearer(ADMIN_KEY)).expect(200);
    const svc = kpi.body.categories.find((c: any) => c.category === 'service_attitude');
    expect(svc).toMatchObject({ current: { negative: 3, total: 3 }, previous: { negative: 0, total: 3 }, change: 1, significant: false, test: 'fisher' });
    // z = √6 ≈ 2.449 would give p ≈ 0.014; Fisher's exact two-sided p for [[3,0],[0,3]] is 2/20.
    expect(svc.z).toBeCloseTo(Math.sqrt(6), 3);
    expect(svc.pValue).toBeCloseTo(0.1, 6);

    expect(fisherExact(1, 10, 8, 10)).toBeCloseTo(0.005477, 6);
    expect(compareProportions(18, 30, 6, 30)).toMatchObject({ test: 'z', significant: true });
    expect(compareProportions(18, 30, 6, 30).pValue).toBeCloseTo(0.001565, 6);
    expect(compareProportions(0, 10, 0, 10)).toEqual({ z: null, pValue: null, significant: false, test: null });
  });

  test('z-test and scoring arithmetic', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    const t = twoProportionZ(30, 100, 20, 100);
    // p̂ = 0.25, se = √(0.25·0.75·0.02) = 0.0612372, z = 0.1/se.
    expect(t.z).toBeCloseTo(1.632993, 5);
    expect(t.pValue).toBeCloseTo(0.102470, 5);
    expect(t.significant).toBe(false);
    expect(twoProportionZ(0, 10, 0, 10)).toEqual({ z: null, pValue: null, significant: false });
    expect(touchpointScore([{ polarity: 'positive', confidence: 0.9 }, { polarity: 'negative', confidence: 0.3 }, { polarity: 'neutral', confidence: 0.6 }])).toBeCloseTo(0.6 / 1.8, 10);
    expect(accumulate([1, 1])).toEqual([1, 1 + h(1)]);
  });
});
