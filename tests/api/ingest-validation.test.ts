import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
let ingestKey: string;
useFileRuntime({ ingestKey: ['ingest'] }, (s) => ({ rt, keys: { ingestKey } } = s), { worker: false });

const valid = { kind: 'comment', source: 'app-review', externalId: 'c-1', text: '网络很顺畅，但是App老是闪退' };
let seq = 0;
const fresh = (over: Record<string, unknown> = {}) => ({ ...valid, externalId: `v-${++seq}`, ...over });

async function expect400(body: unknown, field: string) {
  const res = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body as object);
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  const fields = (res.body.error.details as { field: string }[]).map((d) => d.field);
  expect(fields).toContain(field);
  expect(res.body.error.message).toContain(field.split('.')[0]);
}

describe('POST /v1/documents validation', () => {
  test('metadata keys are ASCII letters, digits, _ and -, and the 400 says so (docs audit 2026-11-29, finding 11)', async () => {
    for (const metadata of [{ 手机号: 'x' }, { 'phone number': 'x' }, { ['k'.repeat(65)]: 'x' }]) {
      const res = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(fresh({ metadata })).expect(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'metadata' })]);
      expect(res.body.error.details[0].message).toMatch(/ASCII letters, digits, _ or -/);
    }
    await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(fresh({ metadata: { store_id: 'sh-01', 'app-version': '3.2', ['k'.repeat(64)]: 1 } })).expect(202);
  });

  test('accepts a valid comment with 202 and an id', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(fresh()).expect(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued' });
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['missing kind', { kind: undefined }, 'kind'],
    ['unknown kind', { kind: 'email' }, 'kind'],
    ['missing source', { source: undefined }, 'source'],
    ['source with spaces', { source: 'app review' }, 'source'],
    ['source too long', { source: 'a'.repeat(65) }, 'source'],
    ['missing externalId', { externalId: undefined }, 'externalId'],
    ['externalId not a string', { externalId: 42 }, 'externalId'],
    ['externalId too long', { externalId: 'x'.repeat(129) }, 'externalId'],
    ['missing text on a comment', { text: undefined }, 'text'],
    ['empty text', { text: '' }, 'text'],
    ['blank text', { text: '   \n ' }, 'text'],
    ['text not a string', { text: ['网络'] }, 'text'],
    ['text over 20,000 chars', { text: '慢'.repeat(20_001) }, 'text'],
    ['NUL in text', { text: '网络\u0000很好' }, 'text'],
    ['turns on a comment', { turns: [{ speaker: 'customer', text: '你好' }] }, 'turns'],
    ['bad occurredAt', { occurredAt: '昨天' }, 'occurredAt'],
    ['occurredAt without time separator', { occurredAt: '2026-11-28 10:00:00' }, 'occurredAt'],
    // ISO 8601 forms the validator knows but Date cannot read (they used to end in a 500).
    ['week-date occurredAt', { occurredAt: '2024-W01' }, 'occurredAt'],
    ['basic-format occurredAt', { occurredAt: '20240101' }, 'occurredAt'],
    ['ordinal-date occurredAt', { occurredAt: '2024-123' }, 'occurredAt'],
    ['scale without a score', { scale: 'nps' }, 'score'],
    ['customerId empty', { customerId: '' }, 'customerId'],
    // a URL path segment the console could not name: browsers resolve . and .. (and %2E%2E) as paths
    ['customerId ..', { customerId: '..' }, 'customerId'],
    ['customerId .', { customerId: '.' }, 'customerId'],
    ['metadata an array', { metadata: [1, 2] }, 'metadata'],
    ['metadata with dotted key', { metadata: { 'a.b': 1 } }, 'metadata'],
    ['metadata too large', { metadata: { blob: 'x'.repeat(5000) } }, 'metadata'],
    ['unknown property', { colour: 'red' }, 'colour'],
    ['__proto__ key', JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>, '__proto__'],
    ['nested constructor key', { metadata: { constructor: { prototype: {} } } }, 'metadata.constructor'],
  ];
  test.each(cases)('rejects %s', async (_name, override, field) => {
    await expect400(fresh(override), field);
  });

  test('transcripts need turns, and refuse text', async () => {
    await expect400(fresh({ kind: 'transcript', text: undefined }), 'turns');
    await expect400(fresh({ kind: 'transcript', turns: [{ speaker: 'customer', text: '你好' }] }), 'text');
  });

  const turnCases: [string, unknown, string][] = [
    ['empty turns', [], 'turns'],
    ['bad speaker', [{ speaker: 'bot', text: '你好' }], 'turns[0].speaker'],
    ['turn without text', [{ speaker: 'customer' }], 'turns[0].text'],
    ['negative startMs', [{ speaker: 'customer', text: '你好', startMs: -1 }], 'turns[0].startMs'],
    ['all turns blank', [{ speaker: 'customer', text: '  ' }], 'turns'],
    ['turns over 20,000 chars in total', [{ speaker: 'customer', text: '慢'.repeat(15_000) }, { speaker: 'agent', text: '好'.repeat(6_000) }], 'turns'],
    ['more than 500 turns', Array.from({ length: 501 }, () => ({ speaker: 'customer', text: '嗯' })), 'turns'],
  ];
  test.each(turnCases)('rejects transcript with %s', async (_name, turns, field) => {
    await expect400(fresh({ kind: 'transcript', text: undefined, turns }), field);
  });

  test('a body that is not an object is a 400', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingestKey)).set('Content-Type', 'application/json').send('[1,2]');
    expect(res.status).toBe(400);
  });

  test('malformed JSON is a 400 invalid_json', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingestKey)).set('Content-Type', 'application/json').send('{"kind": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(res.body.error.message).toBe('request body is not valid UTF-8 JSON');
  });

  test('valid JSON that is not an object is told so, not called malformed', async () => {
    for (const body of ['null', '"网络很好"', '42']) {
      const res = await rt.http.post('/v1/documents').set(bearer(ingestKey)).set('Content-Type', 'application/json').send(body);
      expect(res.status, body).toBe(400);
      expect(res.body.error.message, body).toBe('request body must be a JSON object, not a bare value');
    }
  });

  test('a missing text or turns is named once, with the field the kind needs, not as a list of type errors', async () => {
    const transcript = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(fresh({ kind: 'transcript' })).expect(400);
    const turns = (transcript.body.error.details as { field: string; message: string }[]).find((d) => d.field === 'turns')!;
    expect(turns.message).toBe('turns is required: a transcript carries turns ([{speaker, text}, …]), not text');
    const comment = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(fresh({ text: undefined, kind: 'social' })).expect(400);
    expect((comment.body.error.details as { field: string; message: string }[]).map(({ field, message }) => ({ field, message }))).toEqual([
      { field: 'text', message: 'text is required: a social carries text (only a transcript carries turns)' },
    ]);
    // a kind that is none is told about its kind, and the text rule does not repeat it as one
    const badKind = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(fresh({ text: undefined, kind: 'bad' })).expect(400);
    const messages = (badKind.body.error.details as { field: string; message: string }[]).map((d) => d.message);
    expect(messages).toContain('kind must be one of comment, transcript, social, survey');
    expect(messages.join(' ')).not.toContain('a bad');
    // a present but wrong value still gets the rules it broke
    const wrong = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(fresh({ kind: 'transcript', text: undefined, turns: 'x' })).expect(400);
    expect((wrong.body.error.details as { field: string; message: string }[]).find((d) => d.field === 'turns')!.message).toMatch(/must be an array/);
  });

  test('a non-JSON body is a 415', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingestKey)).set('Content-Type', 'text/plain').send('网络很好');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  test('a body over the 1 MB limit is a 413 naming the limit', async () => {
    const res = await rt.http
      .post('/v1/documents')
      .set(bearer(ingestKey))
      .send(fresh({ metadata: undefined, text: '慢'.repeat(400_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

describe('idempotent re-sends', () => {
  test('the same content returns the existing id with 200; different content is a 409', async () => {
    const body = fresh({ externalId: 'dup-1' });
    const first = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body).expect(202);
    const again = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body).expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.duplicate).toBe(true);
    const changed = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send({ ...body, text: '完全不同的内容' }).expect(409);
    expect(changed.body.error.code).toBe('conflict');
    expect(changed.body.error.details[0].field).toBe('externalId');
    // The same externalId from another channel is another document.
    await rt.http.post('/v1/documents').set(bearer(ingestKey)).send({ ...body, source: 'weibo' }).expect(202);
  });

  test('metadata keys in another order (at any depth) are the same content: 200 with the existing id', async () => {
    const metadata = { ticket: 'T-1', app: { version: '3.2', os: 'ios' }, tags: [{ b: 1, a: 2 }] };
    const body = fresh({ externalId: 'dup-order', metadata });
    const first = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body).expect(202);
    const reordered = { ...body, metadata: { tags: [{ a: 2, b: 1 }], app: { os: 'ios', version: '3.2' }, ticket: 'T-1' } };
    const again = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(reordered).expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, duplicate: true });
    // Array order is content, not layout.
    const arrays = { ...body, metadata: { ...metadata, tags: [{ a: 2, b: 1 }, { c: 3 }] } };
    await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(arrays).expect(409);
  });

  test('a document without metadata hashes exactly as before the canonical hash, so old documents are still recognised', async () => {
    const body = fresh({ externalId: 'dup-legacy', customerId: 'cust-1', occurredAt: '2026-11-28T10:00:00+08:00' });
    const first = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body).expect(202);
    const stored = await rt.services.store.documents.findById(first.body.id);
    // The pre-canonical formula, written out: JSON.stringify over the masked content, metadata as given.
    const legacy = createHash('sha256')
      .update(JSON.stringify([body.kind, body.text, null, 'cust-1', '2026-11-28T02:00:00.000Z', null]))
      .digest('hex');
    expect(stored!.contentHash).toBe(legacy);
  });

  test('a document stored with the old metadata hash is still a duplicate when re-sent as it was', async () => {
    const metadata = { zone: 'east', app: 'ios' };
    const body = fresh({ externalId: 'dup-old-meta', metadata });
    const first = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body).expect(202);
    // What the service stored before the hash was canonical: metadata in the order the caller sent it.
    const legacy = createHash('sha256')
      .update(JSON.stringify([body.kind, body.text, null, null, null, metadata]))
      .digest('hex');
    // (and no piiPolicy, which documents record since 2026-11-29)
    await rt.services.store.documents.update(first.body.id, { $set: { contentHash: legacy }, $unset: { piiPolicy: true } });
    const again = await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body).expect(200);
    expect(again.body.id).toBe(first.body.id);
    const batch = await rt.http.post('/v1/documents/batch').set(bearer(ingestKey)).send({ documents: [body] }).expect(207);
    expect(batch.body.items[0]).toMatchObject({ status: 'duplicate', id: first.body.id });
  });

  test('a re-send enqueues nothing new', async () => {
    const body = fresh({ externalId: 'dup-2' });
    await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body).expect(202);
    const before = await rt.services.queue.counts();
    await rt.http.post('/v1/documents').set(bearer(ingestKey)).send(body).expect(200);
    expect(await rt.services.queue.counts()).toEqual(before);
  });
});

describe('POST /v1/documents/batch', () => {
  test('one bad item never sinks the others', async () => {
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingestKey))
      .send({
        documents: [
          fresh({ externalId: 'b-1' }),
          fresh({ externalId: 'b-2', kind: 'tweet' }),
          fresh({ externalId: 'b-1' }),
          { kind: 'transcript', source: 'call-center', externalId: 'b-3', turns: [{ speaker: 'agent', text: '您好' }, { speaker: 'customer', text: '信号太差了' }] },
          'not an object',
        ],
      })
      .expect(207);
    const items = res.body.items as { index: number; status: string; id?: string; error?: { details: { field: string }[] } }[];
    expect(items.map((i) => i.status)).toEqual(['accepted', 'rejected', 'duplicate', 'accepted', 'rejected']);
    expect(items[1]!.error!.details[0]!.field).toBe('documents[1].kind');
    expect(items[2]!.id).toBe(items[0]!.id);
    const stored = await rt.http.get(`/v1/documents/${items[3]!.id}`).set(bearer(ADMIN_KEY)).expect(200);
    expect(stored.body.kind).toBe('transcript');
  });

  test('an occurredAt Date cannot read rejects only its own item, naming its path', async () => {
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingestKey))
      .send({ documents: [fresh({ externalId: 'wk-1' }), fresh({ externalId: 'wk-2', occurredAt: '2024-W01' }), fresh({ externalId: 'wk-3', occurredAt: '20240101' }), fresh({ externalId: 'wk-4' })] })
      .expect(207);
    const items = res.body.items as { status: string; id?: string; error?: { code: string; details: { field: string }[] } }[];
    expect(items.map((i) => i.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted']);
    expect(items[1]!.error!.code).toBe('validation_failed');
    expect(items[1]!.error!.details.map((d) => d.field)).toContain('documents[1].occurredAt');
    expect(items[2]!.error!.details.map((d) => d.field)).toContain('documents[2].occurredAt');
    expect(await rt.services.store.documents.countWhere({ externalId: { $in: ['wk-1', 'wk-4'] } })).toBe(2);
    expect(await rt.services.store.documents.countWhere({ externalId: { $in: ['wk-2', 'wk-3'] } })).toBe(0);
  });

  test('repeats inside one batch: the same content is a duplicate of the first, other content a conflict', async () => {
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingestKey))
      .send({ documents: [fresh({ externalId: 'in-1' }), fresh({ externalId: 'in-1' }), fresh({ externalId: 'in-1', text: '另一条内容' }), fresh({ externalId: 'in-2' })] })
      .expect(207);
    const items = res.body.items as { status: string; id?: string; error?: { code: string; details: { field: string }[] } }[];
    expect(items.map((i) => i.status)).toEqual(['accepted', 'duplicate', 'rejected', 'accepted']);
    expect(items[1]!.id).toBe(items[0]!.id);
    expect(items[2]!.error).toMatchObject({ code: 'conflict', details: [{ field: 'documents[2].externalId' }] });
    expect(await rt.services.store.documents.countWhere({ externalId: 'in-1' })).toBe(1);
  });

  test('more than 1,000 documents is a 400 on documents', async () => {
    const documents = Array.from({ length: 1001 }, (_, i) => fresh({ externalId: `big-${i}`, text: '好' }));
    const res = await rt.http.post('/v1/documents/batch').set(bearer(ingestKey)).send({ documents });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('documents');
  });

  test('documents must be a non-empty array', async () => {
    const res = await rt.http.post('/v1/documents/batch').set(bearer(ingestKey)).send({ documents: [] });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('documents');
  });
});

describe('auth and tenants', () => {
  test('no key is a 401, a wrong key is a 401', async () => {
    await rt.http.post('/v1/documents').send(fresh()).expect(401);
    await rt.http.post('/v1/documents').set(bearer('gdk_wrong')).send(fresh()).expect(401);
    await rt.http.get('/healthz').expect(200);
  });

  test('an ingest key cannot read; an analyst key cannot ingest or create keys', async () => {
    const analyst = await createKey(rt, ['analyst']);
    await rt.http.get('/v1/tags').set(bearer(ingestKey)).expect(403);
    await rt.http.post('/v1/documents').set(bearer(analyst)).send(fresh()).expect(403);
    await rt.http.post('/v1/api-keys').set(bearer(analyst)).send({ name: 'x', roles: ['admin'] }).expect(403);
    await rt.http.get('/v1/tags').set(bearer(analyst)).expect(200);
  });

  test("tenant A cannot see tenant B's document: 404, not 403", async () => {
    const ingestB = await createKey(rt, ['ingest'], 'tenant-b');
    const readerB = await createKey(rt, ['analyst'], 'tenant-b');
    const readerA = await createKey(rt, ['analyst']);
    const created = await rt.http.post('/v1/documents').set(bearer(ingestB)).send(fresh()).expect(202);
    await rt.http.get(`/v1/documents/${created.body.id}`).set(bearer(readerB)).expect(200);
    const res = await rt.http.get(`/v1/documents/${created.body.id}`).set(bearer(readerA)).expect(404);
    expect(res.body.error.code).toBe('not_found');
    const list = await rt.http.get('/v1/documents').set(bearer(readerA)).expect(200);
    expect((list.body.items as { id: string }[]).some((d) => d.id === created.body.id)).toBe(false);
  });

  test('a revoked key stops working at once', async () => {
    const created = await rt.http.post('/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'temp', roles: ['analyst'] }).expect(201);
    await rt.http.get('/v1/tags').set(bearer(created.body.key)).expect(200);
    await rt.http.delete(`/v1/api-keys/${created.body.id}`).set(bearer(ADMIN_KEY)).expect(204);
    await rt.http.get('/v1/tags').set(bearer(created.body.key)).expect(401);
  });

  test('a tenant admin cannot mint keys for another tenant', async () => {
    const adminB = await createKey(rt, ['admin'], 'tenant-b');
    const res = await rt.http.post('/v1/api-keys').set(bearer(adminB)).send({ name: 'x', roles: ['ingest'], tenant: 'default' });
    expect(res.status).toBe(403);
    const own = await rt.http.post('/v1/api-keys').set(bearer(adminB)).send({ name: 'x', roles: ['ingest'] }).expect(201);
    expect(own.body.tenant).toBe('tenant-b');
  });

  test('keys are stored hashed, never in clear', async () => {
    const key = await createKey(rt, ['ingest']);
    const [, id, secret] = /^gdk_([^_]+)_(.+)$/.exec(key)!;
    const record = await rt.services.store.apiKeys.findById(id!);
    expect(JSON.stringify(record)).not.toContain(secret!);
    expect(record!.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
