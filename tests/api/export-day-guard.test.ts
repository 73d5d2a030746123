import { afterAll, beforeAll, expect, test } from 'vitest';
import { csvCell } from '../../src/api/export.js';
import { bearer, createKey, startRuntime, waitForStatus, textBody, type TestRuntime } from '../helpers/runtime.js';

// QA audit at scale 2026-11-29 (F6, F7): exports carry the TIME_ZONE day each tag counts on beside its UTC
// instant and are named by today's date there; the formula guard sees through leading whitespace, and a
// labeler's aspect is stored without surrounding spaces.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime({ TIME_ZONE: 'Asia/Shanghai' });
}, 60_000);
afterAll(async () => rt?.close());

const shanghaiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

test('CSV and JSONL exports carry the day the dashboard counts a tag on, and files are named by the local date', async () => {
  const key = await createKey(rt, ['admin'], 'export-tz');
  // 16:30 UTC on 08-26 is 00:30 on 08-27 in Shanghai
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'tz-1', occurredAt: '2026-08-26T16:30:00Z', text: '快递员态度很差' }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string, key);
  expect(doc.tags.length).toBe(1);
  expect(doc.tags[0].day).toBe('2026-08-27');

  const csv = await rt.http.get('/v1/tags/export').query({ format: 'csv' }).set(bearer(key)).buffer(true).parse(textBody).expect(200);
  expect(csv.headers['content-disposition']).toBe(`attachment; filename="guandian-tags-${shanghaiToday()}.csv"`);
  const [header, row] = (csv.body as string).replace(/^\uFEFF/, '').trim().split('\r\n');
  const cols = header!.split(',');
  expect(cols.slice(cols.indexOf('occurredAt'), cols.indexOf('occurredAt') + 2)).toEqual(['occurredAt', 'day']);
  const cells = row!.split(',');
  expect(cells[cols.indexOf('occurredAt')]).toBe('2026-08-26T16:30:00.000Z');
  expect(cells[cols.indexOf('day')]).toBe('2026-08-27');
  // the stats count it on the same day
  const summary = (await rt.http.get('/v1/stats/summary').set(bearer(key)).expect(200)).body;
  expect(summary.byDay.map((d: { day: string }) => d.day)).toEqual(['2026-08-27']);

  const jsonl = await rt.http.get('/v1/tags/export').query({ format: 'jsonl' }).set(bearer(key)).expect(200);
  expect(JSON.parse(jsonl.text.trim())).toMatchObject({ occurredAt: '2026-08-26T16:30:00.000Z', day: '2026-08-27' });
  const corrections = await rt.http.get('/v1/corrections/export').set(bearer(key)).expect(200);
  expect(corrections.headers['content-disposition']).toBe(`attachment; filename="guandian-corrections-${shanghaiToday()}.jsonl"`);
});

test('the formula guard sees through leading whitespace, and a typed aspect is stored trimmed', async () => {
  for (const v of ['=1+2', ' =HYPERLINK("http://x")', '\u3000+1', '\t@SUM(A1)', '  -2']) expect(csvCell(v).replace(/^"/, '')).toMatch(/^'/);
  for (const v of ['网络很差', ' 很好', '＝1+2', '1-2']) expect(csvCell(v)).not.toMatch(/^"?'/);
  expect(csvCell('-')).toBe("'-");

  const key = await createKey(rt, ['admin'], 'export-guard');
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'g-1', text: '客服态度太差了' }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string, key);
  const patched = await rt.http.patch(`/v1/tags/${doc.tags[0].id}`).set(bearer(key)).send({ aspect: '  =HYPERLINK("http://evil")  ' }).expect(200);
  expect(patched.body.aspect).toBe('=HYPERLINK("http://evil")');
  const csv = await rt.http.get('/v1/tags/export').query({ format: 'csv' }).set(bearer(key)).expect(200);
  expect(csv.text).toContain(`"'=HYPERLINK(""http://evil"")"`);
});
