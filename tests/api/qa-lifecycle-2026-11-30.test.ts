import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, type TestRuntime } from '../helpers/runtime.js';

// QA of the API's data lifecycle, privacy and tenancy (2026-11-30): each test failed before its fix.

let rt: TestRuntime;
let ingest: string;
useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s));

describe('metadata keys nested inside metadata', () => {
  test.each([
    ['a dot', { app: { 'v1.2': 'ok' } }],
    ['a leading $', { app: { $gt: 1 } }],
    ['a dot inside an array item', { items: [{ 'sku.id': 'A-1' }] }],
  ])('a nested key with %s is a 400 naming metadata, not a 500', async (_what, metadata) => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-meta', externalId: `nested-${_what}`, text: '网速太慢了', metadata });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['metadata']);
  });

  test('one such item in a batch is rejected alone; the others are stored', async () => {
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingest))
      .send({
        documents: [
          { kind: 'comment', source: 'qa-meta', externalId: 'batch-ok', text: '客服态度很好' },
          { kind: 'comment', source: 'qa-meta', externalId: 'batch-bad', text: '客服态度很好', metadata: { app: { 'v1.2': 'ok' } } },
        ],
      });
    expect(res.status, JSON.stringify(res.body)).toBe(207);
    expect(res.body.items.map((i: { status: string }) => i.status)).toEqual(['accepted', 'rejected']);
    expect(res.body.items[1].error.details.map((d: { field: string }) => d.field)).toEqual(['documents[1].metadata']);
    await rt.http.get(`/v1/documents/${res.body.items[0].id}`).set(bearer(ADMIN_KEY)).expect(200);
  });

  test('nested keys without a dot or a leading $ are still stored as sent', async () => {
    const res = await rt.http
      .post('/v1/documents')
      .set(bearer(ingest))
      .send({ kind: 'comment', source: 'qa-meta', externalId: 'nested-fine', text: '网速太慢了', metadata: { app: { v1_2: 'ok', 'a$b': 1 } } })
      .expect(202);
    const doc = await rt.http.get(`/v1/documents/${res.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
    expect(doc.body.metadata).toEqual({ app: { v1_2: 'ok', 'a$b': 1 } });
  });
});
