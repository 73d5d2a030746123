import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';

// The survey question and metadata are free text the caller fills in, so a phone number or an ID
// can sit there as easily as in the comment itself; they follow the tenant's PII policy like text.

let rt: TestRuntime;
let ingest: string;
useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s), { worker: false });

let seq = 0;
async function ingestAndRead(key: string, reader: string, body: Record<string, unknown>) {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ source: 'nps-mail', externalId: `pf-${++seq}`, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return (await rt.http.get(`/v1/documents/${res.body.id}`).set(bearer(reader)).expect(200)).body as Record<string, any>;
}

const survey = {
  kind: 'survey',
  text: '客服一直不回电话',
  score: 2,
  scale: 'nps',
  question: '请留下联系电话13812345678，我们会回访',
  customerId: '13987654321',
  metadata: { contact: '13812345678', app: { note: '用户邮箱zhang.san@example.com', version: '3.2.1' }, phones: ['13700001111'], orderNo: 42, callback: 13912345678 },
};

describe('PII in the survey question and metadata', () => {
  test('mask (default): the question and every string in metadata are masked; customerId and externalId are kept', async () => {
    const doc = await ingestAndRead(ingest, ADMIN_KEY, survey);
    expect(doc.question).toBe('请留下联系电话138****5678，我们会回访');
    // a phone sent as a JSON number is masked too (as a string: a masked number is no number); 42 is not PII
    expect(doc.metadata).toEqual({ contact: '138****5678', app: { note: expect.not.stringContaining('zhang.san@example.com'), version: '3.2.1' }, phones: ['137****1111'], orderNo: 42, callback: '139****5678' });
    expect(JSON.stringify(await rt.services.store.documents.findById(doc.id))).not.toContain('13812345678');
    // The caller's keys: erasure (DELETE /v1/customers/:customerId) and re-sends find documents by them.
    expect(doc.customerId).toBe('13987654321');
    expect(doc.externalId).toMatch(/^pf-/);
  });

  test('hash and keep policies apply to the question and metadata too', async () => {
    const admin = await createKey(rt, ['admin', 'ingest', 'analyst'], 'pii-fields-b');
    await rt.http.put('/v1/tenant/settings').set(bearer(admin)).send({ piiPolicy: 'hash' }).expect(200);
    const hashed = await ingestAndRead(admin, admin, survey);
    expect(hashed.question).not.toContain('13812345678');
    expect(hashed.metadata.contact).not.toContain('13812345678');
    expect(hashed.metadata.contact).not.toMatch(/\*{4}/);
    await rt.http.put('/v1/tenant/settings').set(bearer(admin)).send({ piiPolicy: 'keep' }).expect(200);
    const kept = await ingestAndRead(admin, admin, survey);
    expect(kept.question).toBe(survey.question);
    expect(kept.metadata).toEqual(survey.metadata);
  });

  test('a re-send of a document whose metadata held PII is still the same document', async () => {
    const body = { ...survey, source: 'nps-mail', externalId: 'pf-resend' };
    const first = await rt.http.post('/v1/documents').set(bearer(ingest)).send(body).expect(202);
    const again = await rt.http.post('/v1/documents').set(bearer(ingest)).send(body).expect(200);
    expect(again.body.id).toBe(first.body.id);
  });
});
