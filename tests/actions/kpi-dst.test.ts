import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { ACTIONS_ENV, stopActionsRuntime, waitDone } from './setup.js';

// QA stats audit 2026-11-30: the KPI table compares a period of whole TIME_ZONE days with "the period of the
// same length just before it", and the console labels that previous period by its first and last day. In a
// zone with daylight saving, 7 days are not always 7 × 24 h: the previous period was as many milliseconds
// as the current one, so across a DST change it started an hour into its first day (an hour of feedback
// counted in neither period) or an hour before it (an hour of the day before counted, and the console
// showed 8 days). For whole days the previous period is now as many whole days, ending where `from` begins.

let rt: TestRuntime;
let analyst: string;

type Kpi = { period: { from: string; to: string }; previousPeriod: { from: string; to: string }; categories: { category: string; current: { total: number }; previous: { total: number } }[] };
const kpi = async (query: string) => (await rt.http.get(`/v1/stats/kpi?${query}`).set(bearer(analyst)).expect(200)).body as Kpi;
const network = (k: Kpi) => k.categories.find((r) => r.category === 'network');

beforeAll(async () => {
  rt = await startRuntime({ ...ACTIONS_ENV, TIME_ZONE: 'America/New_York' });
  analyst = await createKey(rt, ['analyst']);
  // New York wall times (no offset). EDT (-4) until 2026-11-01 02:00, EST (-5) after.
  const at = (externalId: string, occurredAt: string) => ({ kind: 'comment', source: 'kpi-dst', externalId, text: '网络信号太差', occurredAt });
  const res = await rt.http
    .post('/v1/documents/batch')
    .set(bearer(ADMIN_KEY))
    .send({
      documents: [
        at('oct-24-late', '2026-10-24T23:30:00'),
        at('oct-25-early', '2026-10-25T00:30:00'),
        at('oct-26-early', '2026-10-26T00:30:00'),
        at('nov-01-mid', '2026-11-01T12:00:00'),
        at('nov-05-mid', '2026-11-05T12:00:00'),
      ],
    })
    .expect(207);
  await waitDone(rt, res.body.items.map((it: { id: string }) => it.id));
});
afterAll(async () => stopActionsRuntime(rt));

describe('KPI previous period of whole days across a DST change', () => {
  test('a week after the change: the previous week starts at its first day\'s 00:00 EDT', async () => {
    const k = await kpi('from=2026-11-02&to=2026-11-08T23:59:59.999&channel=kpi-dst');
    expect(k.period).toEqual({ from: '2026-11-02T05:00:00.000Z', to: '2026-11-09T04:59:59.999Z' });
    // 2026-10-26 00:00 EDT … 2026-11-01 23:59:59.999 EST: 7 days, 169 hours
    expect(k.previousPeriod).toEqual({ from: '2026-10-26T04:00:00.000Z', to: '2026-11-02T04:59:59.999Z' });
    // 2026-10-26 00:30 and 2026-11-01 12:00 are in it
    expect(network(k)?.previous.total).toBe(2);
  });

  test('a week holding the change: the previous week is 7 whole days, not 169 hours reaching into the day before', async () => {
    const k = await kpi('from=2026-11-01&to=2026-11-07T23:59:59.999&channel=kpi-dst');
    expect(k.period).toEqual({ from: '2026-11-01T04:00:00.000Z', to: '2026-11-08T04:59:59.999Z' });
    expect(k.previousPeriod).toEqual({ from: '2026-10-25T04:00:00.000Z', to: '2026-11-01T03:59:59.999Z' });
    expect(network(k)?.current.total).toBe(2);
    // 2026-10-25 00:30 and 2026-10-26 00:30, not 2026-10-24 23:30
    expect(network(k)?.previous.total).toBe(2);
  });

  test('a period that is not whole days keeps the same length in milliseconds', async () => {
    const k = await kpi('from=2026-11-02T12:00:00Z&to=2026-11-03T12:00:00Z&channel=kpi-dst');
    expect(k.previousPeriod).toEqual({ from: '2026-11-01T11:59:59.999Z', to: '2026-11-02T11:59:59.999Z' });
  });
});
