import { afterAll, beforeAll, expect, test } from 'vitest';
import { ulid } from '../../src/ids.js';
import { bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// QA audit 2026-11-29 (fidelity F7): the audit log keeps no text. An analyst's text search or aspect
// filter (a phone number, a customer's name) is recorded as "a text filter was used", under every PII
// policy; and erasing a document scrubs what earlier entries quoted of it.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime();
}, 60_000);
afterAll(async () => rt?.close());

test('export audit entries name the text filters used, not their words, whatever the PII policy', async () => {
  const key = await createKey(rt, ['admin'], 'audit-keep');
  await rt.http.put('/v1/tenant/settings').set(bearer(key)).send({ piiPolicy: 'keep' }).expect(200);
  await rt.http.get('/v1/tags/export').query({ format: 'jsonl', q: '15912340001', aspect: '王小明', polarity: 'negative' }).set(bearer(key)).expect(200);
  await rt.http.get('/v1/corrections/export').set(bearer(key)).expect(200);
  const audit = (await rt.http.get('/v1/audit').set(bearer(key)).expect(200)).body.items as { action: string; details: Record<string, unknown> }[];
  expect(JSON.stringify(audit)).not.toContain('15912340001');
  expect(JSON.stringify(audit)).not.toContain('王小明');
  const exported = audit.find((e) => e.action === 'tags.export')!;
  expect(exported.details).toEqual({ format: 'jsonl', polarity: 'negative', textFilters: ['q', 'aspect'] });
  expect(audit.find((e) => e.action === 'corrections.export')!.details).not.toHaveProperty('textFilters');
});

test('erasing a document scrubs the aspect an earlier audit entry quoted of it, and keeps the entry', async () => {
  const key = await createKey(rt, ['admin'], 'audit-erase');
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'e-1', customerId: 'erase-me', text: '机主赵铁柱，网络太差了' }).expect(202);
  const doc = await waitForStatus(rt, res.body.id as string, key);
  // as PATCH /v1/tags/:id wrote it before this change, and an unrelated entry of another document
  const legacy = { tenant: 'audit-erase', actor: 'k', action: 'correction.apply', details: { tagId: doc.tags[0].id, aspect: '赵铁柱网络', category: 'network' }, at: new Date() };
  await rt.services.store.audit.append({ _id: ulid(), target: doc.id, ...legacy });
  await rt.services.store.audit.append({ _id: ulid(), target: 'another-document', ...legacy });
  await rt.http.delete('/v1/customers/erase-me').set(bearer(key)).expect(200);
  const entries = (await rt.http.get('/v1/audit').query({ action: 'correction.apply' }).set(bearer(key)).expect(200)).body.items as { target: string; details: Record<string, unknown> }[];
  const mine = entries.find((e) => e.target === doc.id)!;
  expect(mine.details).toEqual({ tagId: doc.tags[0].id, category: 'network' });
  expect(entries.find((e) => e.target === 'another-document')!.details.aspect).toBe('赵铁柱网络');
});

test('export entries written by an earlier version lose their search words at the next start', async () => {
  // QA audit 2026-11-29 (upgrade, finding 3)
  const first = await startRuntime({}, { worker: false, keepData: true });
  const at = new Date();
  await first.services.store.audit.append({ _id: ulid(), tenant: 'old-audit', actor: 'k', action: 'tags.export', target: null, details: { q: '13812345678', aspect: '王小明', format: 'csv' }, at });
  await first.services.store.audit.append({ _id: ulid(), tenant: 'old-audit', actor: 'k', action: 'tags.export', target: null, details: { format: 'jsonl', polarity: 'negative' }, at });
  await first.close();
  const second = await startRuntime({}, { worker: false, dataDir: first.dataDir });
  try {
    const entries = await second.services.store.audit.list({ tenant: 'old-audit' }, 10);
    expect(JSON.stringify(entries)).not.toMatch(/13812345678|王小明/);
    expect(entries.map((e) => e.details).sort((a, b) => String(a.format).localeCompare(String(b.format)))).toEqual([
      { format: 'csv', textFilters: ['q', 'aspect'] },
      { format: 'jsonl', polarity: 'negative' },
    ]);
  } finally {
    await second.close();
  }
});
