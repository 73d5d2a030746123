import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// A date filter the service cannot read used to be accepted and then match nothing (2024-W18,
// 20240501) or quietly become another day (2024-02-31 read as March 2): a report over the wrong
// period looks just like a quiet one, so these are refused naming the parameter.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
});
afterAll(async () => rt.close());

const ENDPOINTS = ['/v1/tags', '/v1/tags/export', '/v1/stats/summary', '/v1/stats/nps', '/v1/stats/drivers', '/v1/stats/kpi', '/v1/corrections/export'];
const BAD = ['2024-W18', '2024-W18-3', '20240501', '2024-123', '2024-02-31', '2023-02-29', '2024-04-31T10:00:00Z', '2024-05-01T10Z'];

async function expect400(url: string, field: string) {
  const res = await rt.http.get(url).set(bearer(ADMIN_KEY));
  expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
}

describe('date filters', () => {
  test.each(ENDPOINTS)('%s refuses from/to values Date cannot read or that are not real days', async (endpoint) => {
    for (const value of BAD) {
      await expect400(`${endpoint}?from=${value}`, 'from');
      await expect400(`${endpoint}?to=${value}`, 'to');
    }
  });

  test.each(ENDPOINTS)('%s still takes dates and date-times', async (endpoint) => {
    for (const q of ['from=2024-05-01&to=2024-05-02', 'from=2024-02-29', 'to=2024-05-01T23:59:59.999Z', 'from=2024-05-01T08:00:00%2B08:00']) {
      const res = await rt.http.get(`${endpoint}?${q}`).set(bearer(ADMIN_KEY));
      expect(res.status, `${endpoint}?${q} ${res.text.slice(0, 200)}`).toBe(200);
    }
  });

  test('a date-time pasted into a URL with a bare + is refused with an example that says to write %2B; a JSON body keeps +08:00 (docs audit 2026-11-29, finding 10)', async () => {
    // supertest sends the URL as written: the + reaches the server and decodes to a space
    const res = await rt.http.get('/v1/tags?from=2024-05-01T08:00:00+08:00').set(bearer(ADMIN_KEY)).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['from']);
    expect(res.body.error.details[0].message).toContain('2024-05-01T08:00:00%2B08:00');
    expect(res.body.error.details[0].message).toContain('2024-05-01T08:00:00Z');
    await rt.http.get('/v1/tags?from=2024-05-01T08:00:00%2B08:00').set(bearer(ADMIN_KEY)).expect(200);
    const body = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ to: '2024-W18' }).expect(400);
    expect(body.body.error.details.map((d: { field: string }) => d.field)).toEqual(['to']);
    expect(body.body.error.details[0].message).toContain('2024-05-01T08:00:00+08:00');
    expect(body.body.error.details[0].message).not.toContain('%2B');
  });

  test('an export whose range the service refuses (from after to) is a 400 with the error body, not a cut-off download', async () => {
    for (const format of ['csv', 'jsonl']) {
      const res = await rt.http.get(`/v1/tags/export?format=${format}&from=2024-05-02&to=2024-05-01`).set(bearer(ADMIN_KEY));
      expect(res.status, format).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['from']);
    }
  });

  test('a re-tag job refuses them too', async () => {
    const res = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ from: '2024-W18' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['from']);
  });

  test('webhook deliveries refuse an unreadable "before"', async () => {
    // The query is checked before the webhook is looked up, so any id shows it.
    const res = await rt.http.get('/v1/webhooks/any-id/deliveries?before=20240501').set(bearer(ADMIN_KEY));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['before']);
  });
});
