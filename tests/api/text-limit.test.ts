import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

// MAX_TEXT_LENGTH is the limit the API enforces, not a number parsed and then ignored: one above the
// 20,000 default shows the configured value wins over any built-in cap.

let rt: TestRuntime;
let ingest: string;
useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s), { env: { MAX_TEXT_LENGTH: '30000' }, worker: false });

let seq = 0;
const comment = (text: string) => ({ kind: 'comment', source: 'app-review', externalId: `tl-${++seq}`, text });
const transcript = (...texts: string[]) => ({
  kind: 'transcript',
  source: 'call-center',
  externalId: `tl-${++seq}`,
  turns: texts.map((text, i) => ({ speaker: i % 2 ? 'agent' : 'customer', text })),
});

async function expect400(body: object, field: string) {
  const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send(body);
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
  expect(res.body.error.details[0].message).toContain('30000');
}

describe('MAX_TEXT_LENGTH=30000', () => {
  test('text up to the configured limit is accepted, even past the 20,000 default', async () => {
    await rt.http.post('/v1/documents').set(bearer(ingest)).send(comment('慢'.repeat(25_000))).expect(202);
    await rt.http.post('/v1/documents').set(bearer(ingest)).send(comment('慢'.repeat(30_000))).expect(202);
    await rt.http.post('/v1/documents').set(bearer(ingest)).send(transcript('慢'.repeat(25_000), '好')).expect(202);
  });

  test('text over it is a 400 naming text', async () => {
    await expect400(comment('慢'.repeat(30_001)), 'text');
  });

  test("one turn over it is a 400 naming that turn's text; turns over it together name turns", async () => {
    await expect400(transcript('你好', '好', '慢'.repeat(30_001)), 'turns[2].text');
    await expect400(transcript('慢'.repeat(20_000), '好'.repeat(10_001)), 'turns');
  });

  test('in a batch only the long item is rejected, named by its path', async () => {
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingest))
      .send({ documents: [comment('好'), comment('慢'.repeat(30_001)), transcript('好', '慢'.repeat(30_001))] })
      .expect(207);
    expect(res.body.items.map((i: { status: string }) => i.status)).toEqual(['accepted', 'rejected', 'rejected']);
    expect(res.body.items[1].error.details[0].field).toBe('documents[1].text');
    expect(res.body.items[2].error.details[0].field).toBe('documents[2].turns[1].text');
  });
});
