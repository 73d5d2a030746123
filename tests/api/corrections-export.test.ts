import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime();
});
afterAll(async () => rt.close());

describe('GET /v1/corrections/export', () => {
  test('each correction becomes a training example with its clause, label, actor and before/after', async () => {
    const ingest = await createKey(rt, ['ingest']);
    const labeler = await createKey(rt, ['labeler']);
    const analyst = await createKey(rt, ['analyst']);
    const id = (await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId: 'ce-1', text: '营业厅排队太久了，不过工作人员很耐心' }).expect(202)).body.id;
    const doc = await waitForStatus(rt, id);
    const [first, second] = doc.tags as { id: string; polarity: string; sentence: string }[];
    await rt.http
      .post(`/v1/documents/${id}/corrections`)
      .set(bearer(labeler))
      .send({ actions: [{ op: 'update', tagId: first!.id, polarity: 'neutral', category: 'efficiency' }, { op: 'accept' }] })
      .expect(200);
    if (second) await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'delete', tagId: second.id }] }).expect(200);

    await rt.http.get('/v1/corrections/export').set(bearer(analyst)).expect(403);
    const res = await rt.http.get('/v1/corrections/export').set(bearer(labeler)).buffer(true).parse((r, cb) => {
      let data = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (data += c));
      r.on('end', () => cb(null, data));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const rows = (res.body as string).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(rows.map((r) => r.op)).toEqual(second ? ['update', 'delete'] : ['update']);
    expect(rows[0]).toMatchObject({ documentId: id, text: first!.sentence, sentiment: 'neutral', category: 'efficiency', before: { polarity: first!.polarity }, actor: expect.any(String) });
    if (second) expect(rows[1]).toMatchObject({ op: 'delete', sentiment: null, after: null });
    const audit = await rt.http.get('/v1/audit?action=corrections.export').set(bearer(ADMIN_KEY)).expect(200);
    expect(audit.body.items).toHaveLength(1);
  });
});
