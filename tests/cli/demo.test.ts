import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { shiftDays } from '../../src/cli/demo-command.js';
import { runBuiltCli, useCliService, type CliResult } from '../helpers/cli.js';
import type { ServiceProcess } from '../helpers/process.js';

// `guandian demo` loads the bundled sample into a trial install, as a new user would run it against
// `npm start`: the built CLI against the built service, real HTTP, the real worker tagging it.

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLE = path.join(ROOT, 'examples', 'sample-feedback.jsonl');
const ADMIN_KEY = 'cli-demo-test-admin-key-0123456789abcdef';
const DAY = 86_400_000;
let service: ServiceProcess;
let work: string;

useCliService({ adminKey: ADMIN_KEY, workPrefix: 'guandian-cli-demo-' }, (s) => ({ service, work } = s));

function runCli(args: string[]): Promise<CliResult> {
  return runBuiltCli(args, { cwd: work, env: { GUANDIAN_URL: service.url, GUANDIAN_KEY: ADMIN_KEY }, timeoutMs: 150_000 });
}

async function get<T>(p: string): Promise<T> {
  const res = await fetch(service.url + p, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
  expect(res.status, p).toBe(200);
  return (await res.json()) as T;
}

const sample = fs
  .readFileSync(SAMPLE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { kind: string; source: string; externalId: string; occurredAt: string; score?: number; scale?: string });

test('the sample is varied enough to show every part of the console', () => {
  expect(new Set(sample.map((d) => d.kind))).toEqual(new Set(['comment', 'social', 'survey', 'transcript']));
  expect(new Set(sample.filter((d) => d.kind === 'survey').map((d) => d.scale))).toEqual(new Set(['nps', 'csat']));
  expect(new Set(sample.map((d) => d.externalId)).size).toBe(sample.length);
  // four weeks of feedback, so the trend charts and the 7-day KPI comparison have something on both sides
  const times = sample.map((d) => Date.parse(d.occurredAt));
  expect((Math.max(...times) - Math.min(...times)) / DAY).toBeGreaterThan(21);
});

test('dates move by whole days so that the newest falls within the last 24 hours, never later', () => {
  const docs = [{ occurredAt: '2026-11-30T13:00:00.000Z' }, { occurredAt: '2026-11-02T01:00:00.000Z' }, { text: 'no date' }];
  expect(shiftDays(docs, new Date('2026-11-30T20:00:00Z'))).toBe(0);
  expect(shiftDays(docs, new Date('2026-12-01T12:59:59Z'))).toBe(0);
  expect(shiftDays(docs, new Date('2026-12-01T13:00:00Z'))).toBe(1);
  expect(shiftDays(docs, new Date('2027-03-15T08:00:00Z'))).toBe(104);
  expect(shiftDays([{ text: 'no date' }], new Date())).toBe(0);
});

test('guandian demo loads the sample, waits for its tags, and a second run the same day adds nothing', async () => {
  const before = Date.now();
  const first = await runCli(['demo', '--wait', '120']);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout.trim()).toBe(`accepted ${sample.length}, duplicate 0, loaded before 0, rejected 0`);
  expect(first.stderr).toMatch(/^tagged: the tenant now holds \d+ tags; open http:\/\/127\.0\.0\.1:\d+\/ to explore them$/m);

  // everything the worker was given is tagged when the command returns
  const done = await get<{ total: number }>('/v1/documents?status=done&limit=1&withTotal=true');
  expect(done.total).toBe(sample.length);
  const tags = await get<{ total: number }>('/v1/tags?limit=1&withTotal=true');
  expect(first.stderr).toContain(`holds ${tags.total} tags`);
  expect(tags.total).toBeGreaterThan(sample.length / 2);

  // the dates were moved by whole days: the newest is in the last day, and every time of day is kept
  const stored = (await get<{ items: { externalId: string; occurredAt: string }[] }>('/v1/documents?limit=500')).items;
  const byExternal = new Map(stored.map((d) => [d.externalId, Date.parse(d.occurredAt)]));
  const newest = Math.max(...byExternal.values());
  expect(newest).toBeLessThanOrEqual(before);
  expect(before - newest).toBeLessThan(DAY);
  const shifts = new Set(sample.map((d) => (byExternal.get(d.externalId)! - Date.parse(d.occurredAt)) / DAY));
  expect(shifts.size).toBe(1);
  expect(Number.isInteger([...shifts][0])).toBe(true);

  // the console's views have data: every channel, NPS answers, one customer's journey
  const summary = await get<{ byChannel: { channel: string }[] }>('/v1/stats/summary');
  expect(new Set(summary.byChannel.map((c) => c.channel))).toEqual(new Set(sample.map((d) => d.source)));
  const nps = await get<{ overall: { n: number } }>('/v1/stats/nps');
  expect(nps.overall.n).toBe(sample.filter((d) => d.scale === 'nps').length);

  const again = await runCli(['demo', '--wait', '0']);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout.trim()).toBe(`accepted 0, duplicate ${sample.length}, loaded before 0, rejected 0`);
}, 200_000);

test('a sample loaded on an earlier day is left as it is, and said so', async () => {
  // A run on a later day sends the same externalIds with other dates. Here the dates are half an hour
  // earlier: whatever whole days the command moves them by, they cannot land on what the server holds.
  const later = sample.slice(0, 3).map((d) => ({ ...d, occurredAt: new Date(Date.parse(d.occurredAt) - 1_800_000).toISOString() }));
  const file = path.join(work, 'later.jsonl');
  fs.writeFileSync(file, later.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const run = await runCli(['demo', '--file', file, '--wait', '0']);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout.trim()).toBe('accepted 0, duplicate 0, loaded before 3, rejected 0');
  expect(run.stderr).toContain('3 sample document(s) were loaded on an earlier day, with other dates; they were left as they are');
});

test('--wait takes whole seconds only', async () => {
  const run = await runCli(['demo', '--wait', 'soon']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('--wait must be a whole number of seconds, got "soon"');
});

test('an ingest-only key loads the sample and skips the wait it may not make', async () => {
  const made = await fetch(service.url + '/v1/api-keys', {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'crm', roles: ['ingest'] }),
  });
  expect(made.status).toBe(201);
  const { key } = (await made.json()) as { key: string };
  const own = sample.slice(0, 2).map((d, i) => ({ ...d, externalId: `ingest-only-${i}` }));
  const file = path.join(work, 'ingest-only.jsonl');
  fs.writeFileSync(file, own.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const run = await runBuiltCli(['demo', '--file', file, '--wait', '30'], { cwd: work, env: { GUANDIAN_URL: service.url, GUANDIAN_KEY: key }, timeoutMs: 60_000 });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout.trim()).toBe('accepted 2, duplicate 0, loaded before 0, rejected 0');
  expect(run.stderr).toContain('this key may send feedback but not read it (ingest role only), so the wait for tags is skipped');
});

test('a sample line that is not JSON is named by its line in the file, blank lines counted', async () => {
  const file = path.join(work, 'broken.jsonl');
  fs.writeFileSync(file, `${JSON.stringify(sample[0])}\n\n{"kind":"comment",\n`);
  const run = await runCli(['demo', '--file', file, '--wait', '0']);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('broken.jsonl:3: not valid JSON');
});
