import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
let ingest: string;
useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s), { env: { RATE_LIMIT_PER_MINUTE: '0' }, worker: false });

// Bodies that are almost right and wholly wrong: wrong types, missing and extra fields, huge and
// NUL-laden strings, deep nesting, prototype-pollution keys.
const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ unit: 'binary', maxLength: 50 }));
const nasty = fc.oneof(
  scalar,
  fc.string({ minLength: 20_001, maxLength: 20_050 }),
  fc.constant('\u0000'),
  fc.constant('网络\u0000很好'),
  fc.array(scalar, { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 4 }),
  fc.letrec((tie) => ({ deep: fc.oneof({ depthSize: 'small' }, scalar, fc.record({ a: tie('deep') })) })).deep,
);
const field = <T>(good: fc.Arbitrary<T>) => fc.option(fc.oneof(good, nasty), { nil: undefined });
const turn = fc.record({ speaker: field(fc.constantFrom('customer', 'agent', 'system')), text: field(fc.string({ maxLength: 30 })), startMs: field(fc.nat()) }, { requiredKeys: [] });
const goodText = fc.constantFrom('网络很顺畅，但是App老是闪退', '客服态度很好', '外卖送得太慢了', '手续费太贵 😡 #吐槽#');
const validBody = fc.oneof(
  fc.record({ kind: fc.constantFrom('comment', 'social'), source: fc.constantFrom('app-review', 'weibo'), externalId: fc.uuid(), text: goodText }),
  fc.record({ kind: fc.constant('transcript'), source: fc.constant('call-center'), externalId: fc.uuid(), turns: fc.array(fc.record({ speaker: fc.constantFrom('customer', 'agent'), text: goodText }), { minLength: 1, maxLength: 3 }) }),
);
const KEYS = ['kind', 'source', 'externalId', 'text', 'turns', 'customerId', 'occurredAt', 'metadata', 'extra', '__proto__', 'constructor'];
// A valid body with one field broken, removed or added, so every rule is reached from a body that
// would otherwise pass; plus wholly random records.
const mutated = fc.tuple(validBody, fc.constantFrom(...KEYS), fc.option(nasty, { nil: undefined })).map(([body, key, value]) => {
  const out: Record<string, unknown> = JSON.parse(JSON.stringify(body));
  if (key === '__proto__') return { ...out, ...JSON.parse('{"__proto__":{"isAdmin":true}}') };
  if (value === undefined) delete out[key];
  else out[key] = value;
  return out;
});
const randomBody = fc.record(
  {
    kind: field(fc.constantFrom('comment', 'transcript', 'social')),
    source: field(fc.constantFrom('app-review', 'call-center', 'weibo')),
    externalId: field(fc.string({ minLength: 1, maxLength: 20 })),
    text: field(goodText),
    turns: field(fc.array(turn, { maxLength: 3 })),
    customerId: field(fc.string({ maxLength: 10 })),
    occurredAt: field(fc.constantFrom('2026-11-28T10:00:00Z', 'yesterday', '2024-W01', '20240101')),
    metadata: field(fc.dictionary(fc.string({ maxLength: 6 }), scalar, { maxKeys: 3 })),
  },
  { requiredKeys: [] },
);
const documentBody: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { arbitrary: validBody as fc.Arbitrary<Record<string, unknown>>, weight: 1 },
  { arbitrary: mutated, weight: 4 },
  { arbitrary: randomBody as fc.Arbitrary<Record<string, unknown>>, weight: 2 },
);

async function storedCount() {
  return rt.services.store.documents.countWhere({});
}

function assertComplete(record: object | null) {
  const doc = record as Record<string, unknown> | null;
  expect(doc).not.toBeNull();
  expect(['comment', 'transcript', 'social']).toContain(doc!.kind);
  expect(typeof doc!.source).toBe('string');
  expect(typeof doc!.externalId).toBe('string');
  if (doc!.kind === 'transcript') expect(Array.isArray(doc!.turns) && (doc!.turns as unknown[]).length > 0).toBe(true);
  else expect(typeof doc!.text === 'string' && (doc!.text as string).trim().length > 0).toBe(true);
}

describe('fuzzing the ingest routes', () => {
  test('POST /v1/documents: 1,000 generated bodies, never a 5xx, never a partial document', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(documentBody, async (body) => {
        const before = await storedCount();
        const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send(body);
        expect(res.status).toBeLessThan(500);
        expect(res.body.error?.errorId).toBeUndefined();
        if (res.status === 202) {
          accepted++;
          assertComplete(await rt.services.store.documents.findById(res.body.id));
          expect(await storedCount()).toBe(before + 1);
        } else {
          expect([200, 400, 409, 413]).toContain(res.status);
          expect(await storedCount()).toBe(before);
        }
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      }),
      { numRuns: 1000, seed: 20261128 },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 180_000);

  test('POST /v1/documents/batch: 1,000 generated batches, never a 5xx, every accepted item complete', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.record({ documents: fc.array(documentBody, { minLength: 1, maxLength: 4 }) }), documentBody, fc.record({ documents: nasty })), async (body) => {
        const res = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).send(body as object);
        expect(res.status).toBeLessThan(500);
        if (res.status === 207) {
          for (const item of res.body.items as { status: string; id?: string }[]) {
            if (item.status === 'accepted') assertComplete(await rt.services.store.documents.findById(item.id!));
          }
        } else {
          expect(res.status).toBe(400);
        }
      }),
      { numRuns: 1000, seed: 42 },
    );
  }, 180_000);

  test('raw bodies: invalid UTF-8, truncated JSON, wrong content types, huge nesting', async () => {
    const raw: [string, Buffer | string][] = [
      ['application/json', Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])],
      ['application/json', '{"kind":"comment",'],
      ['application/json', '[' .repeat(5000) + ']'.repeat(5000)],
      ['application/json', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)],
      ['application/json; charset=latin1', '{"kind":"comment"}'],
      ['application/x-www-form-urlencoded', 'kind=comment&text=hi'],
      ['application/json', 'null'],
      ['application/json', '"just a string"'],
    ];
    for (const [type, body] of raw) {
      const before = await storedCount();
      const res = await rt.http.post('/v1/documents').set(bearer(ingest)).set('Content-Type', type).send(body);
      expect(res.status, `${type} ${String(body).slice(0, 30)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await storedCount()).toBe(before);
    }
  });
});

describe('poison documents', () => {
  test('a document that cannot be analyzed ends failed with a reason, does not block the queue, and can be retried', async () => {
    const worker = await startRuntime();
    try {
      const key = await createKey(worker, ['ingest']);
      const poison = (await worker.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'poison', text: '好' }).expect(202)).body.id;
      await waitForStatus(worker, poison);
      // Damage the stored record the way a bad migration would, then re-queue it.
      await worker.services.store.documents.update(poison, { $set: { text: null } });
      await worker.http.post(`/v1/documents/${poison}/retry`).set(bearer(ADMIN_KEY)).expect(202);
      const healthy = (await worker.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'fine', text: '网速很快' }).expect(202)).body.id;
      const failed = await waitForStatus(worker, poison);
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('no text');
      expect(failed.attempts).toBe(1);
      expect((await waitForStatus(worker, healthy)).status).toBe('done');
      const list = await worker.http.get('/v1/documents?status=failed').set(bearer(ADMIN_KEY)).expect(200);
      expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([poison]);
      await worker.services.store.documents.update(poison, { $set: { text: '网络太差了' } });
      await worker.http.post(`/v1/documents/${poison}/retry`).set(bearer(ADMIN_KEY)).expect(202);
      expect((await waitForStatus(worker, poison)).status).toBe('done');
    } finally {
      await worker.close();
    }
  });
});
