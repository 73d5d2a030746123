import { describe, expect, test } from 'vitest';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// Black-box API pass 2026-12-01, as a bank's CX team adopting the product would integrate it: each defect
// reproduced through real HTTP against the service as `npm start` runs it (embedded store, in-process queue).

let rt: TestRuntime;
let ingest: string;
let analyst: string;
let admin: string;
useFileRuntime({ ingest: ['ingest'], analyst: ['analyst'], admin: ['admin'] }, (s) => ({ rt, keys: { ingest, analyst, admin } } = s), { tenant: 'qa-1201' });

describe('null in an optional document field means the field is absent', () => {
  test('a survey answer with "question": null is stored without a question (it answered a 500), and so is a comment', async () => {
    const survey = await rt.http
      .post('/v1/documents')
      .set(bearer(ingest))
      .send({ kind: 'survey', source: 'qa-null', externalId: 'sq-1', score: 9, scale: 'nps', question: null });
    expect(survey.status, JSON.stringify(survey.body)).toBe(202);
    const stored = await waitForStatus(rt, survey.body.id as string, analyst);
    expect(stored).toMatchObject({ status: 'done', question: null, score: 9, scale: 'nps' });
    // the same answer without the field is the same document
    const again = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'survey', source: 'qa-null', externalId: 'sq-1', score: 9, scale: 'nps' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ id: survey.body.id, duplicate: true });

    const comment = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-null', externalId: 'cq-1', text: '网点排队太久了', question: null });
    expect(comment.status, JSON.stringify(comment.body)).toBe(202);
  });

  test('one item with "question": null does not sink its batch (a JSONL import of survey exports sent them so)', async () => {
    const res = await rt.http
      .post('/v1/documents/batch')
      .set(bearer(ingest))
      .send({
        documents: [
          { kind: 'comment', source: 'qa-null-batch', externalId: 'b-1', text: '手机银行老是闪退' },
          { kind: 'survey', source: 'qa-null-batch', externalId: 'b-2', score: 3, scale: 'nps', question: null, text: null },
        ],
      });
    expect(res.status, JSON.stringify(res.body)).toBe(207);
    expect(res.body.items.map((i: { status: string }) => i.status)).toEqual(['accepted', 'accepted']);
    const listed = await rt.http.get('/v1/documents?channel=qa-null-batch&withTotal=true').set(bearer(analyst)).expect(200);
    expect(listed.body.total).toBe(2);
  });

  test('"occurredAt": null, which the OpenAPI gives as string or null, is a document without one (it was refused as "not a date")', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-null', externalId: 'o-1', text: '信用卡额度太低了', occurredAt: null });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const stored = await waitForStatus(rt, res.body.id as string, analyst);
    expect(stored.occurredAt).toBeNull();
    const spec = (await rt.http.get('/openapi.json').expect(200)).body;
    expect(spec.components.schemas.CreateDocumentDto.properties.occurredAt.type).toEqual(['string', 'null']);
    const again = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-null', externalId: 'o-1', text: '信用卡额度太低了' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  });

  test('a turn with "endMs": null is a turn without an end, not one that ends before it starts', async () => {
    const res = await rt.http
      .post('/v1/documents')
      .set(bearer(ingest))
      .send({ kind: 'transcript', source: 'qa-null', externalId: 't-1', turns: [{ speaker: 'customer', text: '转账到账很慢', startMs: 5000, endMs: null }] });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const stored = await waitForStatus(rt, res.body.id as string, analyst);
    expect(stored.turns).toEqual([{ speaker: 'customer', text: '转账到账很慢', startMs: 5000 }]);
    // turns on a comment, whatever they hold, are still refused as turns
    for (const turns of [{}, 0, [null], [{ speaker: 'customer', text: 'x', endMs: null }]]) {
      const bad = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-null', externalId: 't-2', text: '好', turns });
      expect(bad.status, JSON.stringify(bad.body)).toBe(400);
      expect(bad.body.error.details[0].field).toBe('turns');
    }
  });
});

describe('metadata numbers', () => {
  test('a number JSON cannot hold exactly is a 400 naming its path, nothing stored: an ID or card number sent as a number was stored rounded and unmasked', async () => {
    const raw = (externalId: string, metadata: string) =>
      rt.http
        .post('/v1/documents')
        .set(bearer(ingest))
        .set('Content-Type', 'application/json')
        .send(`{"kind":"comment","source":"qa-meta","externalId":"${externalId}","text":"理财收益不错","metadata":${metadata}}`);
    for (const [i, [metadata, field]] of ([
      // an 18-digit ID number with a valid check digit, as a string masked to 110101********4514
      ['{"idNo":110101199003074514}', 'metadata.idNo'],
      // a 19-digit card number passing Luhn
      ['{"crm":{"cards":[1,6222020200112233446]}}', 'metadata.crm.cards[1]'],
      // read as Infinity, stored as null
      ['{"balance":1e400}', 'metadata.balance'],
      ['{"balance":-1e999}', 'metadata.balance'],
    ] as const).entries()) {
      const res = await raw(`m-${i}`, metadata);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.details).toEqual([{ field, message: expect.stringMatching(/send it as a string/) }]);
    }
    // the same ID as a string is masked, and numbers JSON holds exactly are kept as sent
    const ok = await raw('m-ok', '{"idNo":"110101199003074514","largest":9007199254740991,"rate":0.0315}');
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    const stored = await waitForStatus(rt, ok.body.id as string, analyst);
    expect(stored.metadata).toEqual({ idNo: '110101********4514', largest: 9007199254740991, rate: 0.0315 });
    const listed = await rt.http.get('/v1/documents?channel=qa-meta&withTotal=true').set(bearer(analyst)).expect(200);
    expect(listed.body.total).toBe(1);
  });
});

describe('fields the OpenAPI gives as nullable', () => {
  test('a correction with "tagsVersion": null is not checked against the tags (it was a 409 "tags changed since loaded")', async () => {
    const sent = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-tv', externalId: 'tv-1', text: '柜台服务态度很好' }).expect(202);
    const doc = await waitForStatus(rt, sent.body.id as string, analyst);
    expect(doc.status).toBe('done');
    const spec = (await rt.http.get('/openapi.json').expect(200)).body;
    expect(spec.components.schemas.CorrectionsDto.properties.tagsVersion.type).toEqual(['string', 'null']);
    const res = await rt.http.post(`/v1/documents/${doc.id as string}/corrections`).set(bearer(admin)).send({ actions: [{ op: 'accept' }], tagsVersion: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.reviewed).toBe(true);
    // a stale one is still refused
    const stale = await rt.http.post(`/v1/documents/${doc.id as string}/corrections`).set(bearer(admin)).send({ actions: [{ op: 'accept' }], tagsVersion: 'not-the-version' });
    expect(stale.status).toBe(409);
  });

  test('a re-tag with a filter sent as null reports no such filter (it reported {"channel": null}, listed as channel=null)', async () => {
    const started = await rt.http.post('/v1/retag-jobs').set(bearer(admin)).send({ channel: null, kind: 'comment', from: null, to: null, reason: null });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await rt.http.get(`/v1/retag-jobs/${started.body.id as string}`).set(bearer(admin)).expect(200);
    expect(job.body.filter).toEqual({ kind: 'comment' });
    const audit = await rt.http.get('/v1/audit?action=retag.start').set(bearer(admin)).expect(200);
    const entry = (audit.body.items as { target: string; details: Record<string, unknown> }[]).find((e) => e.target === started.body.id);
    expect(entry?.details).toEqual({ kind: 'comment', total: started.body.total });
  });

  test('PATCH /v1/cases/:id documents assignee as string or null, since null unassigns', async () => {
    const spec = (await rt.http.get('/openapi.json').expect(200)).body;
    expect(spec.components.schemas.CaseUpdateDto.properties.assignee.type).toEqual(['string', 'null']);
  });
});

describe('a body that does not match its Content-Encoding', () => {
  test('is a 400 naming (body) for br as for gzip and deflate (br answered "Decompression failed" with no field)', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await rt.http
        .post('/v1/documents')
        .set(bearer(ingest))
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .serialize((b: unknown) => b as string)
        .send(Buffer.from('{"kind":"comment"} not compressed'));
      expect(res.status, `${encoding}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error, encoding).toEqual({ code: 'bad_request', message: `request body is not valid ${encoding} data`, details: [{ field: '(body)', message: `request body is not valid ${encoding} data` }] });
    }
  });
});

describe('a survey answer without a comment', () => {
  test('keeps no sentiment (score-only) when a labeler accepts it; the accept made it neutral', async () => {
    const sent = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'survey', source: 'qa-score-only', externalId: 'so-1', score: 2, scale: 'nps' }).expect(202);
    const doc = await waitForStatus(rt, sent.body.id as string, analyst);
    expect(doc).toMatchObject({ status: 'done', text: null, sentiment: null, tags: [] });
    const res = await rt.http.post(`/v1/documents/${doc.id as string}/corrections`).set(bearer(admin)).send({ actions: [{ op: 'accept' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ reviewed: true, sentiment: null });
  });
});

describe('a null score or scale on a comment', () => {
  test('is a 400 that says null is not a score (it said a survey needs one, and a scale needs a score that was not sent)', async () => {
    const send = (extra: Record<string, unknown>) => rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-null-score', externalId: 'ns-1', text: '利息太高了', ...extra });
    const score = await send({ score: null, scale: 'nps' });
    expect(score.status).toBe(400);
    const scoreDetail = (score.body.error.details as { field: string; message: string }[]).find((d) => d.field === 'score');
    expect(scoreDetail?.message).toMatch(/not null/);
    expect(scoreDetail?.message).not.toMatch(/survey/);
    const scale = await send({ scale: null });
    expect(scale.status).toBe(400);
    const scaleDetail = (scale.body.error.details as { field: string; message: string }[]).find((d) => d.field === 'scale');
    expect(scaleDetail?.message).toMatch(/null is not a scale/);
    // a survey is still told it needs one
    const survey = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'survey', source: 'qa-null-score', externalId: 'ns-2', score: null, scale: 'nps' });
    expect(survey.status).toBe(400);
    expect((survey.body.error.details as { field: string; message: string }[]).find((d) => d.field === 'score')?.message).toMatch(/required for a survey/);
  });
});

describe('an added tag on an agent turn', () => {
  test('is refused in English that reads: "names an agent turn" (it read "names a agent turn")', async () => {
    const sent = await rt.http
      .post('/v1/documents')
      .set(bearer(ingest))
      .send({ kind: 'transcript', source: 'qa-agent-turn', externalId: 'at-1', turns: [{ speaker: 'agent', text: '您好，请问有什么可以帮您' }, { speaker: 'customer', text: '信用卡被盗刷了' }] })
      .expect(202);
    const doc = await waitForStatus(rt, sent.body.id as string, analyst);
    const res = await rt.http
      .post(`/v1/documents/${doc.id as string}/corrections`)
      .set(bearer(admin))
      .send({ actions: [{ op: 'add', span: { start: 0, end: 2 }, turnIndex: 0, polarity: 'negative', category: 'service_attitude' }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ message: 'actions[0].turnIndex names an agent turn; only customer turns carry opinions', details: [{ field: 'actions[0].turnIndex' }] });
  });
});

describe('a blank customer id names no customer', () => {
  test('DELETE /v1/customers/%20 is a 400 naming customerId, with nothing erased and no audit entry; the journey of one is a 400 naming id', async () => {
    const before = (await rt.http.get('/v1/audit?action=customer.erase').set(bearer(admin)).expect(200)).body.items.length as number;
    for (const blank of ['%20', '%E3%80%80', '%09']) {
      const res = await rt.http.delete(`/v1/customers/${blank}`).set(bearer(admin));
      expect(res.status, `${blank}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['customerId']);
      const journey = await rt.http.get(`/v1/customers/${blank}/journey`).set(bearer(analyst));
      expect(journey.status, `${blank}: ${JSON.stringify(journey.body)}`).toBe(400);
      expect(journey.body.error.details.map((d: { field: string }) => d.field)).toEqual(['id']);
    }
    expect((await rt.http.get('/v1/audit?action=customer.erase').set(bearer(admin)).expect(200)).body.items).toHaveLength(before);
  });
});
