import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, type TestRuntime } from '../helpers/runtime.js';

// QA audit 2026-11-29: what a request body may hold, and how a refusal names what it refuses.

let rt: TestRuntime;
let ingest: string;
useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s), { worker: false });

// superagent would JSON-serialize a Buffer ({type, data}) for a JSON content type: send the bytes as they are
const postRaw = (path: string, bytes: Buffer) =>
  rt.http
    .post(path)
    .set(bearer(ingest))
    .set('Content-Type', 'application/json')
    .serialize((b: unknown) => b as string)
    .send(bytes);

describe('invalid UTF-8', () => {
  test('a JSON body with bytes that are not UTF-8 is a 400, not text stored with U+FFFD', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"kind":"comment","source":"val","externalId":"iu1","text":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);
    const res = await postRaw('/v1/documents', bytes);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error, JSON.stringify(res.body)).toMatchObject({ code: 'invalid_json', message: 'request body is not valid UTF-8 JSON' });
    expect(await rt.services.store.documents.list({ externalId: 'iu1' }, 10)).toEqual([]);
  });

  test('an overlong encoding and a lone surrogate encoded in UTF-8 are refused too', async () => {
    for (const bad of [
      [0xc0, 0xaf], // overlong "/"
      [0xed, 0xa0, 0x80], // U+D800 as three bytes
    ]) {
      const bytes = Buffer.concat([Buffer.from('{"kind":"comment","source":"val","externalId":"iu2","text":"网'), Buffer.from(bad), Buffer.from('"}')]);
      expect((await postRaw('/v1/documents', bytes)).status).toBe(400);
    }
  });

  test('valid UTF-8 (Chinese, an astral character, a BOM) is still accepted', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"kind":"comment","source":"val","externalId":"iu3","text":"网络很慢𠀀😭"}')]);
    const res = await postRaw('/v1/documents', bytes);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const doc = (await rt.http.get(`/v1/documents/${res.body.id}`).set(bearer(ADMIN_KEY)).expect(200)).body;
    expect(doc.text).toBe('网络很慢𠀀😭');
  });
});

describe('text limits count characters (code points), not UTF-16 code units', () => {
  // 𠀀 (U+20000) is one character written as two UTF-16 code units
  const astral = (n: number) => '𠀀'.repeat(n);
  let seq = 0;
  const post = (body: Record<string, unknown>) => rt.http.post('/v1/documents').set(bearer(ingest)).send({ source: 'val', externalId: `cp-${++seq}`, ...body });

  test('20,000 astral characters are within MAX_TEXT_LENGTH; 20,001 are not', async () => {
    await post({ kind: 'comment', text: astral(10_001) }).expect(202);
    await post({ kind: 'comment', text: astral(20_000) }).expect(202);
    const res = await post({ kind: 'comment', text: astral(20_001) });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'text', message: 'text must be at most 20000 characters' }]);
  });

  test("a transcript's turns are counted the same way, one by one and together", async () => {
    await post({ kind: 'transcript', turns: [{ speaker: 'customer', text: astral(15_000) }, { speaker: 'agent', text: astral(5_000) }] }).expect(202);
    const one = await post({ kind: 'transcript', turns: [{ speaker: 'customer', text: astral(20_001) }] });
    expect(one.body.error.details).toEqual([{ field: 'turns[0].text', message: 'turn text must be at most 20000 characters' }]);
    const together = await post({ kind: 'transcript', turns: [{ speaker: 'customer', text: astral(15_000) }, { speaker: 'agent', text: astral(5_001) }] });
    expect(together.body.error.details).toEqual([{ field: 'turns', message: 'turns must hold at most 20000 characters of text in total' }]);
  });
});

describe('NUL characters are refused wherever a string is stored', () => {
  let seq = 0;
  const doc = (extra: Record<string, unknown>) => ({ kind: 'comment', source: 'val', externalId: `nul-${++seq}`, text: '网络很慢', ...extra });
  const expectNul = (res: { status: number; body: any }, field: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([{ field, message: `${field} must not contain NUL characters` }]);
  };

  test('customerId and metadata values of a document', async () => {
    expectNul(await rt.http.post('/v1/documents').set(bearer(ingest)).send(doc({ customerId: 'c\u0000-1' })), 'customerId');
    expectNul(await rt.http.post('/v1/documents').set(bearer(ingest)).send(doc({ metadata: { note: '网\u0000' } })), 'metadata.note');
    expectNul(await rt.http.post('/v1/documents').set(bearer(ingest)).send(doc({ metadata: { tags: ['ok', 'x\u0000'] } })), 'metadata.tags[1]');
    // the fields that had their own rule keep its wording
    const text = await rt.http.post('/v1/documents').set(bearer(ingest)).send(doc({ text: '网\u0000络' }));
    expect(text.body.error.details).toEqual([expect.objectContaining({ field: 'text', message: 'text must not contain NUL characters' })]);
  });

  test('in a batch only the item with the NUL is rejected, named by its path', async () => {
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingest))
      .send({ documents: [doc({}), doc({ customerId: 'c\u0000' }), doc({})] })
      .expect(207);
    expect(res.body.items.map((i: { status: string }) => i.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(res.body.items[1].error.details).toEqual([{ field: 'documents[1].customerId', message: 'customerId must not contain NUL characters' }]);
  });

  test('the names and descriptions of keys and webhooks', async () => {
    expectNul(await rt.http.post('/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'crm\u0000', roles: ['ingest'] }), 'name');
    expectNul(await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: 'https://hooks.example.com/a', description: 'x\u0000' }), 'description');
  });

  test('nothing with a NUL was stored', async () => {
    const all = JSON.stringify([
      await rt.services.store.engine.collection('documents').find({}),
      await rt.services.store.engine.collection('api_keys').find({}),
    ]);
    expect(all).not.toContain('\\u0000');
  });
});

describe('refusals of the body as a whole name (body)', () => {
  test('a bare value, broken JSON, bad UTF-8 and an array all have details naming (body)', async () => {
    for (const raw of ['null', '"x"', '42', '{"kind":', '[]', '[{"kind":"comment"}]']) {
      const res = await postRaw('/v1/documents', Buffer.from(raw));
      expect(res.status, raw).toBe(400);
      expect(res.body.error.details, raw).toEqual([expect.objectContaining({ field: '(body)', message: expect.any(String) })]);
    }
    const utf8 = await postRaw('/v1/documents', Buffer.from([0x7b, 0xff, 0x7d]));
    expect(utf8.body.error.details).toEqual([{ field: '(body)', message: 'request body is not valid UTF-8 JSON' }]);
  });

  test('a body over BODY_LIMIT is a 413 naming (body)', async () => {
    const res = await postRaw('/v1/documents', Buffer.from(JSON.stringify({ kind: 'comment', source: 'val', externalId: 'big', text: '慢'.repeat(400_000) })));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'payload_too_large', details: [{ field: '(body)' }] });
  });

  test('a search term over its limit is a 400 naming q', async () => {
    const res = await rt.http.get(`/v1/documents?q=${encodeURIComponent('网'.repeat(101))}`).set(bearer(ADMIN_KEY));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'q' })]);
  });
});
