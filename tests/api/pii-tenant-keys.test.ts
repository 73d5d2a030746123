import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// QA audit 2026-11-29 (text fidelity and privacy): F6 (hash tokens were the same in every tenant of an
// install), F9 (metadata keys were stored raw and echoed in errors), and the F1/F2 repros end to end.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
});
afterAll(async () => rt.close());

let seq = 0;
async function ingestAndRead(key: string, body: Record<string, unknown>) {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'qa', externalId: `tk-${++seq}`, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return (await rt.http.get(`/v1/documents/${res.body.id}`).set(bearer(key)).expect(200)).body as Record<string, any>;
}

async function hashTenant(tenant: string): Promise<string> {
  const key = await createKey(rt, ['admin', 'ingest', 'analyst'], tenant);
  await rt.http.put('/v1/tenant/settings').set(bearer(key)).send({ piiPolicy: 'hash' }).expect(200);
  return key;
}

const token = (text: string, type: string) => new RegExp(`\\[${type}:([0-9a-f]{16})\\]`).exec(text)?.[1];

describe('F6: hash tokens are keyed per tenant', () => {
  test('the same values get different tokens in two tenants and the same token within one', async () => {
    const a = await hashTenant('tk-hash-a');
    const b = await hashTenant('tk-hash-b');
    const text = '我手机13812345678，身份证110105198803124517，邮箱zhangsan@163.com，网络太差';
    const inA = await ingestAndRead(a, { text });
    const inB = await ingestAndRead(b, { text });
    const againA = await ingestAndRead(a, { text: '换了号还是13812345678，还是不行' });
    for (const type of ['phone', 'id_card', 'email']) {
      expect(token(inA.text, type), `${type} in ${inA.text}`).toBeDefined();
      expect(token(inA.text, type)).not.toBe(token(inB.text, type));
    }
    expect(token(againA.text, 'phone')).toBe(token(inA.text, 'phone'));
    expect(JSON.stringify(inA)).not.toContain('13812345678');
  });

  test('the key is derived from the install secret and the tenant, and stays stable', async () => {
    const s = rt.services.settings;
    const one = await s.hashSecret('tenant-one');
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(await s.hashSecret('tenant-one')).toBe(one);
    expect(await s.hashSecret('tenant-two')).not.toBe(one);
  });

  test('a re-send of a hashed document is still the same document', async () => {
    const a = await hashTenant('tk-hash-c');
    const body = { kind: 'comment', source: 'qa', externalId: 'tk-resend', text: '我手机13812345678，网络太差' };
    const first = await rt.http.post('/v1/documents').set(bearer(a)).send(body).expect(202);
    const again = await rt.http.post('/v1/documents').set(bearer(a)).send(body).expect(200);
    expect(again.body.id).toBe(first.body.id);
  });
});

describe('F1/F2 end to end (mask)', () => {
  test('0086, Tel/vx/ID prefixes, NBSP and zero-width separators are masked before storing', async () => {
    const doc = await ingestAndRead(ADMIN_KEY, {
      text: '电话0086 13912345678打不通，Tel13912345670也不行，vx13712340000，ID110105198803124517，手机138\u00a01234\u00a05679，身份证1101051988\u200b03124517，客服态度太差',
    });
    const stored = JSON.stringify(await rt.services.store.documents.findById(doc.id));
    for (const n of ['13912345678', '13912345670', '13712340000', '110105198803124517', '1234', '1988\\u200b0312']) {
      expect(doc.text).not.toContain(n);
      expect(stored).not.toContain(n);
    }
  });
});

describe('F9: metadata keys and validation messages', () => {
  test('a metadata key holding a phone number is stored masked', async () => {
    const doc = await ingestAndRead(ADMIN_KEY, { text: '网络太差', metadata: { '13812345678': 'vip', phone13899990000: 1, app: '3.2' } });
    expect(doc.metadata).toEqual({ '138****5678': 'vip', 'phone138****0000': 1, app: '3.2' });
    expect(JSON.stringify(await rt.services.store.documents.findById(doc.id))).not.toMatch(/13812345678|13899990000/);
  });

  test('hash: the key becomes the tenant token', async () => {
    const a = await hashTenant('tk-hash-keys');
    const doc = await ingestAndRead(a, { text: '我手机13812345678', metadata: { '13812345678': 'vip' } });
    expect(Object.keys(doc.metadata)).toEqual([`[phone:${token(doc.text, 'phone')}]`]);
  });

  test('an error naming a key does not echo the number in it', async () => {
    const unknown = await rt.http
      .post('/v1/documents')
      .set(bearer(ADMIN_KEY))
      .send({ kind: 'comment', source: 'qa', externalId: 'tk-bad-1', text: '网络太差', phone13812345678: 1 })
      .expect(400);
    expect(JSON.stringify(unknown.body)).not.toContain('13812345678');
    expect(unknown.body.error.message).toContain('phone138****5678');
    const nul = await rt.http
      .post('/v1/documents')
      .set(bearer(ADMIN_KEY))
      .send({ kind: 'comment', source: 'qa', externalId: 'tk-bad-2', text: '网络太差', metadata: { '13812345678': 'a\u0000b' } })
      .expect(400);
    expect(JSON.stringify(nul.body)).not.toContain('13812345678');
    expect(nul.body.error.details[0].field).toBe('metadata[138****5678]');
    // digits split by separators are a number all the same (security review 2026-11-29, finding 6)
    for (const name of ['phone_138_1234_5678', 'tel-138-1234-5678', 'id.1101.0519.8803.1245.17']) {
      const split = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'qa', externalId: 'tk-bad-3', text: '网络太差', [name]: 1 }).expect(400);
      expect(JSON.stringify(split.body), name).not.toContain(name);
      expect(JSON.stringify(split.body).replace(/\D/g, '')).not.toMatch(/13812345678|110105198803124517/);
    }
  });
});
