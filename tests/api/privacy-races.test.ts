import { describe, expect, test } from 'vitest';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, type TestRuntime } from '../helpers/runtime.js';

// Erasure landing while a labeler's correction is being written: the correction read the document
// before the erasure and writes its tag and its correction record after it. Those records carry the
// customer's words and, with the document gone, nothing (erasure, retention) would ever find them.

let rt: TestRuntime;
let key: string;
useFileRuntime({ key: ['admin', 'ingest', 'analyst', 'labeler'] }, (s) => ({ rt, keys: { key } } = s), { tenant: 'erase-race' });

async function ingestDone(externalId: string, text: string, customerId: string): Promise<string> {
  return (await ingestAndWait(rt, key, { kind: 'comment', source: 'app', externalId, text, customerId }, key)).id as string;
}

/** Runs the real erasure right before the next call of `method` on `target` goes through (once). */
function eraseBefore<T extends object>(target: T, method: keyof T & string, customerId: string): void {
  const original = (target[method] as (...a: unknown[]) => Promise<unknown>).bind(target);
  (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    (target as Record<string, unknown>)[method] = original;
    await rt.http.delete(`/v1/customers/${customerId}`).set(bearer(key)).expect(200);
    return original(...args);
  };
}

async function leftovers(documentId: string): Promise<string> {
  const tags = await rt.services.store.engine.collection('tags').find({ documentId });
  const corrections = await rt.services.store.engine.collection('corrections').find({ documentId });
  return JSON.stringify({ tags, corrections });
}

describe('erasure during a correction', () => {
  test('an added tag written after the erasure is removed with its correction record', async () => {
    const text = '蒯翀翾说营业厅排队太久了';
    const id = await ingestDone('race-add', text, 'cust-race-add');
    eraseBefore(rt.services.store.tags, 'insert', 'cust-race-add');
    const res = await rt.http
      .post(`/v1/documents/${id}/corrections`)
      .set(bearer(key))
      .send({ actions: [{ op: 'add', span: { start: 0, end: 3 }, polarity: 'negative', category: 'service_attitude' }] });
    expect(res.status).toBe(404);
    expect(await leftovers(id)).toBe(JSON.stringify({ tags: [], corrections: [] }));
  });

  test('a tag update recorded after the erasure leaves no correction record behind', async () => {
    const id = await ingestDone('race-patch', '蒯翀翾觉得网速太慢了', 'cust-race-patch');
    const [tag] = await rt.services.store.tags.byDocument(id);
    expect(tag).toBeDefined();
    eraseBefore(rt.services.store.tags, 'update', 'cust-race-patch');
    const res = await rt.http.patch(`/v1/tags/${tag!._id}`).set(bearer(key)).send({ polarity: 'positive' });
    expect(res.status).toBe(404);
    expect(await leftovers(id)).toBe(JSON.stringify({ tags: [], corrections: [] }));
  });
});
