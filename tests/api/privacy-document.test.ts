import { describe, expect, test } from 'vitest';
import { bearer, createKey, dataFilesContaining, type TestRuntime } from '../helpers/runtime.js';
import { ingest, waitDone, useActionsRuntime } from '../actions/setup.js';

// One piece of feedback can be erased on its own: a customer asks about one comment, or the document came
// without a customerId, which DELETE /v1/customers/:customerId cannot reach and retention reaches only
// after retentionDays.

let rt: TestRuntime;
useActionsRuntime((started) => (rt = started));

const filesContaining = (needle: string) => dataFilesContaining(rt, needle);

describe('DELETE /v1/documents/:id', () => {
  test('erases the document with its tags and corrections, audits the id only, leaves the others and no file holding its text', async () => {
    const key = await createKey(rt, ['admin', 'ingest', 'analyst', 'labeler'], 'erase-doc');
    const gone = await ingest(rt, key, 'ed-1', '邴翀翾说宽带老是断网，客服电话也打不通');
    const kept = await ingest(rt, key, 'ed-2', '快递太慢了，等了一个星期');
    await waitDone(rt, [gone, kept]);
    await rt.http.post(`/v1/documents/${gone}/corrections`).set(bearer(key)).send({ actions: [{ op: 'accept' }] }).expect(200);
    const tagsBefore = (await rt.http.get(`/v1/documents/${gone}`).set(bearer(key)).expect(200)).body.tags.length as number;
    expect(tagsBefore).toBeGreaterThan(0);

    const res = await rt.http.delete(`/v1/documents/${gone}`).set(bearer(key)).expect(200);
    expect(res.body).toEqual({ id: gone, deleted: { documents: 1, tags: tagsBefore }, models: { withdrawn: [], active: expect.any(String), retrainJob: null } });
    await rt.http.get(`/v1/documents/${gone}`).set(bearer(key)).expect(404);
    expect(await rt.services.store.tags.countWhere({ documentId: gone })).toBe(0);
    expect(await rt.services.store.engine.collection('corrections').count({ documentId: gone })).toBe(0);
    expect(filesContaining('邴翀翾')).toEqual([]);
    // the other document is untouched
    expect((await rt.http.get(`/v1/documents/${kept}`).set(bearer(key)).expect(200)).body.tags.length).toBeGreaterThan(0);
    const audit = await rt.http.get('/v1/audit').query({ action: 'document.erase' }).set(bearer(key)).expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ action: 'document.erase', target: gone, details: { documents: 1, tags: tagsBefore } });

    // again: nothing there any more
    const again = await rt.http.delete(`/v1/documents/${gone}`).set(bearer(key));
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
  });

  test('only an admin of the same tenant can erase it', async () => {
    const owner = await createKey(rt, ['admin', 'ingest'], 'erase-doc-owner');
    const id = await ingest(rt, owner, 'ed-3', '信号太差了');
    await waitDone(rt, [id]);
    const analyst = await createKey(rt, ['analyst', 'labeler'], 'erase-doc-owner');
    expect((await rt.http.delete(`/v1/documents/${id}`).set(bearer(analyst))).status).toBe(403);
    const otherAdmin = await createKey(rt, ['admin'], 'erase-doc-other');
    expect((await rt.http.delete(`/v1/documents/${id}`).set(bearer(otherAdmin))).status).toBe(404);
    expect(await rt.services.store.documents.findById(id)).not.toBeNull();
  });
});
