import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// A labeler can mark words anywhere in a document the service accepted. Span offsets are UTF-16 code
// units while MAX_TEXT_LENGTH counts code points, so a text within the limit can run past it in offsets
// (every emoji is two units), and a deployment may raise the limit. The span's bound is the document's
// own text, not a fixed 20,000.

let rt: TestRuntime;
let ingest: string;
let labeler: string;
useFileRuntime({ ingest: ['ingest'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, labeler } } = s), { env: { MAX_TEXT_LENGTH: '30000' } });

describe('corrections on long texts', () => {
  test('a span past offset 20,000 is added; one past the end of the text is a 400 naming the span', async () => {
    // 12,000 emoji (24,000 UTF-16 units) of a customer's venting, then the complaint itself
    const tail = '信用卡年费太贵了';
    const text = `${'😡'.repeat(12_000)}${tail}`;
    const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'social', source: 'weibo', externalId: 'long-1', text }).expect(202);
    const id = res.body.id as string;
    await waitForStatus(rt, id);

    const start = text.indexOf(tail);
    expect(start).toBeGreaterThan(20_000);
    const span = { start, end: start + tail.length };
    const ok = await rt.http
      .post(`/v1/documents/${id}/corrections`)
      .set(bearer(labeler))
      .send({ actions: [{ op: 'add', span, polarity: 'negative', category: 'price', aspect: '年费' }] })
      .expect(200);
    const added = (ok.body.tags as { source: string; span: { start: number; end: number }; opinion: string }[]).find((t) => t.source === 'human');
    expect(added).toBeDefined();
    expect(added!.span.end).toBe(span.end);
    expect(added!.opinion).toBe('太贵了');

    const past = await rt.http
      .post(`/v1/documents/${id}/corrections`)
      .set(bearer(labeler))
      .send({ actions: [{ op: 'add', span: { start: text.length, end: text.length + 2 }, polarity: 'negative', category: 'price' }] })
      .expect(400);
    expect(past.body.error.details.map((d: { field: string }) => d.field)).toContain('actions[0].span');
  });
});
