import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, textBody, type TestRuntime } from '../helpers/runtime.js';

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
    const res = await rt.http.get('/v1/corrections/export').set(bearer(labeler)).buffer(true).parse(textBody);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const rows = (res.body as string).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(rows.map((r) => r.op)).toEqual(second ? ['update', 'delete'] : ['update']);
    expect(rows[0]).toMatchObject({ documentId: id, text: first!.sentence, sentiment: 'neutral', category: 'efficiency', before: { polarity: first!.polarity }, actor: expect.any(String) });
    if (second) expect(rows[1]).toMatchObject({ op: 'delete', sentiment: null, after: null });
    const audit = await rt.http.get('/v1/audit?action=corrections.export').set(bearer(ADMIN_KEY)).expect(200);
    expect(audit.body.items).toHaveLength(1);
  });

  test('a delete made by an add carries supersededBy; every line\'s text is the clause the tag was found in (docs audit 2026-11-29, finding 6)', async () => {
    const ingest = await createKey(rt, ['ingest'], 'ce-superseded');
    const labeler = await createKey(rt, ['labeler'], 'ce-superseded');
    const post = async (externalId: string, text: string) => {
      const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'app', externalId, text }).expect(202);
      return waitForStatus(rt, res.body.id as string, labeler);
    };
    const text = '网络很顺畅，但是App老是闪退';
    const replaced = await post('ce-s-1', text);
    const machine = (replaced.tags as { id: string; opinion: string; sentence: string }[]).find((t) => t.opinion.includes('闪退'))!;
    expect(machine.sentence).not.toBe(machine.opinion);
    const start = text.indexOf('App老是闪退');
    const added = await rt.http
      .post(`/v1/documents/${replaced.id}/corrections`)
      .set(bearer(labeler))
      .send({ actions: [{ op: 'add', span: { start, end: start + 'App老是闪退'.length }, aspect: 'App', polarity: 'negative', category: 'app_experience' }] })
      .expect(200);
    const addedTag = (added.body.tags as { id: string; source: string; sentence: string }[]).find((t) => t.source === 'human')!;
    expect(added.body.tags.map((t: { id: string }) => t.id)).not.toContain(machine.id);

    const wrong = await post('ce-s-2', '好的，麻烦了，宽带又断了');
    const falsePositive = (wrong.tags as { id: string; opinion: string; sentence: string }[])[0]!;
    await rt.http.post(`/v1/documents/${wrong.id}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'delete', tagId: falsePositive.id }] }).expect(200);

    const res = await rt.http.get('/v1/corrections/export').set(bearer(labeler)).buffer(true).parse(textBody);
    const rows = (res.body as string).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const addLine = rows.find((r) => r.op === 'add' && r.documentId === replaced.id)!;
    const supersededLine = rows.find((r) => r.op === 'delete' && r.documentId === replaced.id)!;
    const deleteLine = rows.find((r) => r.op === 'delete' && r.documentId === wrong.id)!;
    expect(addLine).toMatchObject({ text: addedTag.sentence, sentiment: 'negative', supersededBy: null });
    expect(supersededLine).toMatchObject({ supersededBy: addedTag.id, text: machine.sentence, sentiment: null, after: null });
    expect(deleteLine).toMatchObject({ supersededBy: null, text: falsePositive.sentence, sentiment: null });
  });
});

describe('GET /v1/corrections/export?channel=', () => {
  test('a deleted tag is exported under its own channel only: the delete removed the tag, not its channel (QA 2026-11-30)', async () => {
    const ingest = await createKey(rt, ['ingest'], 'ce-channel');
    const labeler = await createKey(rt, ['labeler'], 'ce-channel');
    const text = '网络很差，客服态度很好';
    const post = async (source: string, externalId: string) => {
      const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source, externalId, text }).expect(202);
      return waitForStatus(rt, res.body.id as string, labeler);
    };
    const inA = await post('chan-a', 'ce-ch-1');
    const inB = await post('chan-b', 'ce-ch-2');
    for (const doc of [inA, inB]) {
      const [gone, kept] = doc.tags as { id: string }[];
      await rt.http
        .post(`/v1/documents/${doc.id}/corrections`)
        .set(bearer(labeler))
        .send({ actions: [{ op: 'delete', tagId: gone!.id }, { op: 'update', tagId: kept!.id, polarity: 'negative' }] })
        .expect(200);
    }
    // an added tag deleted afterwards leaves the add's line without a tag too
    const added = await rt.http
      .post(`/v1/documents/${inB.id}/corrections`)
      .set(bearer(labeler))
      .send({ actions: [{ op: 'add', span: { start: 0, end: 4 }, polarity: 'negative', category: 'network' }] })
      .expect(200);
    const addedTag = (added.body.tags as { id: string; source: string; span: { start: number } }[]).find((t) => t.source === 'human' && t.span.start === 0)!;
    await rt.http.post(`/v1/documents/${inB.id}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'delete', tagId: addedTag.id }] }).expect(200);

    const lines = async (channel: string) => {
      const res = await rt.http.get(`/v1/corrections/export?channel=${channel}`).set(bearer(labeler)).buffer(true).parse(textBody).expect(200);
      return (res.body as string).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { documentId: string; op: string });
    };
    const a = await lines('chan-a');
    expect(a.map((r) => r.op).sort()).toEqual(['delete', 'update']);
    expect(new Set(a.map((r) => r.documentId))).toEqual(new Set([inA.id]));
    const b = await lines('chan-b');
    expect(new Set(b.map((r) => r.documentId))).toEqual(new Set([inB.id]));
    expect(await lines('chan-c')).toEqual([]);
  });
});
