import { describe, expect, test } from 'vitest';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, createKey, waitForStatus, type TestRuntime } from '../helpers/runtime.js';

// Black-box API audit 2026-11-30: defects found by a QA pass over every route, each reproduced here
// through real HTTP against the service as `npm start` runs it (embedded store, in-process queue).

let rt: TestRuntime;
let ingest: string;
let labeler: string;
useFileRuntime({ ingest: ['ingest'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, labeler } } = s));

interface Tag {
  id: string;
  opinion: string;
  polarity: string;
  category: string;
  source: string;
  span: { start: number; end: number };
}

let seq = 0;
async function tagged(text: string): Promise<{ id: string; tags: Tag[] }> {
  const doc = await ingestAndWait(rt, ingest, { kind: 'comment', source: 'qa', externalId: `qa-${++seq}`, text });
  expect(doc.tags.length, text).toBeGreaterThan(0);
  return { id: doc.id as string, tags: doc.tags as Tag[] };
}

const correct = (docId: string, actions: unknown[]) => rt.http.post(`/v1/documents/${docId}/corrections`).set(bearer(labeler)).send({ actions });
const revert = (docId: string, tagId: string) => rt.http.post(`/v1/documents/${docId}/corrections/revert`).set(bearer(labeler)).send({ tagId });
const getDoc = async (docId: string) => (await rt.http.get(`/v1/documents/${docId}`).set(bearer(labeler)).expect(200)).body;
const logOf = (docId: string) => rt.services.store.corrections.byDocument(docId);

function expect400(res: { status: number; body: any }, field: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  const detail = (res.body.error.details as { field: string; message: string }[]).find((d) => d.field === field);
  expect(detail, `details ${JSON.stringify(res.body.error.details)} name ${field}`).toBeDefined();
  if (message) expect(detail!.message).toMatch(message);
}

describe('one correction request changes a tag at most once', () => {
  test('update then delete of one tag is a 400 naming the second action, and changes nothing', async () => {
    const { id, tags } = await tagged('物流太慢了，包装也破了');
    const t = tags[0]!;
    const res = await correct(id, [
      { op: 'update', tagId: t.id, polarity: 'positive', category: 'quality' },
      { op: 'delete', tagId: t.id },
    ]);
    expect400(res, 'actions[1].tagId', /actions\[0\]/);
    const doc = await getDoc(id);
    expect(doc.reviewed).toBe(false);
    expect(doc.tags).toEqual(tags.map((x) => expect.objectContaining({ id: x.id, polarity: x.polarity, source: x.source })));
    expect(await logOf(id)).toEqual([]);
  });

  test('the same delete twice is refused; sent once it is logged once and its revert makes the document unreviewed', async () => {
    const { id, tags } = await tagged('网络很慢，资费太贵了');
    const t = tags[0]!;
    expect400(await correct(id, [{ op: 'delete', tagId: t.id }, { op: 'delete', tagId: t.id }]), 'actions[1].tagId');
    await correct(id, [{ op: 'delete', tagId: t.id }]).expect(200);
    expect((await logOf(id)).map((c) => c.op)).toEqual(['delete']);
    await revert(id, t.id).expect(200);
    const doc = await getDoc(id);
    expect(doc.tags.map((x: Tag) => x.id)).toContain(t.id);
    expect(doc.reviewed).toBe(false);
    // nothing left to undo
    expect((await revert(id, t.id)).status).toBe(409);
  });

  test('an update of a tag an earlier add of the same request replaces is refused', async () => {
    const text = '网络很顺畅，但是App老是闪退';
    const { id, tags } = await tagged(text);
    const machine = tags.find((x) => x.opinion.includes('闪退'))!;
    const start = text.indexOf('App老是闪退');
    const add = { op: 'add', span: { start, end: start + 'App老是闪退'.length }, aspect: 'App', polarity: 'negative', category: 'app_experience' };
    expect400(await correct(id, [add, { op: 'update', tagId: machine.id, polarity: 'positive' }]), 'actions[1].tagId', /actions\[0\]/);
    expect(await logOf(id)).toEqual([]);
    // the other order is one change each: the update, then the add replacing the updated tag
    await correct(id, [{ op: 'update', tagId: machine.id, category: 'quality' }, add]).expect(200);
    expect((await logOf(id)).map((c) => c.op)).toEqual(['update', 'add', 'delete']);
  });

  test('the same delete sent five times at once is applied and logged once', async () => {
    const { id, tags } = await tagged('客服态度很差，排队等了两个小时');
    const t = tags[0]!;
    const all = await Promise.all(Array.from({ length: 5 }, () => correct(id, [{ op: 'delete', tagId: t.id }])));
    expect(all.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);
    expect((await logOf(id)).filter((c) => c.op === 'delete')).toHaveLength(1);
  });

  test('corrections of one document started together in the process run one after the other', async () => {
    // HTTP requests seldom overlap inside the service; calls started in the same tick always do
    const { id, tags } = await tagged('退款流程太复杂，客服也不回复');
    const t = tags[0]!;
    const tenant = (await rt.services.store.documents.findById(id))!.tenant;
    const runs = await Promise.allSettled(Array.from({ length: 5 }, () => rt.services.corrections.apply(tenant, id, [{ op: 'delete', tagId: t.id }] as never, 'qa-labeler')));
    expect(runs.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect((await logOf(id)).filter((c) => c.op === 'delete')).toHaveLength(1);
  });
});

describe('an array where an object belongs is a 400, not a 500', () => {
  test('turns holding an array names turns[0]', async () => {
    for (const turns of [[[{ speaker: 'customer', text: '差' }]], [[[]]], [null], ['差']]) {
      const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'transcript', source: 'qa', externalId: `nested-${++seq}`, turns });
      expect400(res, 'turns', /turns\[0\] must be an object/);
    }
  });

  test('in a batch, that item alone is rejected and the good one is accepted', async () => {
    const good = { kind: 'comment', source: 'qa', externalId: `nb-${++seq}`, text: '宽带装得很快，师傅很专业' };
    const bad = { kind: 'transcript', source: 'qa', externalId: `nb-${++seq}`, turns: [[{ speaker: 'customer', text: '差' }]] };
    const res = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).send({ documents: [good, bad] }).expect(207);
    expect(res.body.items[0].status).toBe('accepted');
    expect(res.body.items[1]).toMatchObject({ status: 'rejected', error: { details: [expect.objectContaining({ field: 'documents[1].turns' })] } });
    await waitForStatus(rt, res.body.items[0].id as string);
  });

  test('corrections: an action or a span that is an array names it', async () => {
    const { id } = await tagged('信号太差了');
    expect400(await correct(id, [[]]), 'actions', /actions\[0\] must be an object/);
    expect400(await correct(id, [[{ op: 'accept' }]]), 'actions', /actions\[0\] must be an object/);
    expect400(await correct(id, [{ op: 'add', span: [], polarity: 'negative', category: 'network' }]), 'actions[0].span', /must be an object/);
    expect(await logOf(id)).toEqual([]);
  });

  test('a threshold rule whose threshold is an array is refused, as {} is', async () => {
    const res = await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'r', type: 'threshold', webhookIds: [], threshold: [] });
    expect400(res, 'threshold', /must be an object/);
  });
});

describe('a correction racing an erasure', () => {
  test('answers 200 or 404, never a 500', async () => {
    const admin = await createKey(rt, ['admin']);
    const statuses: number[] = [];
    for (let round = 0; round < 6; round++) {
      const { id } = await tagged('营业厅排队太久了，服务态度也不好');
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => correct(id, [{ op: 'accept' }])),
        rt.http.delete(`/v1/documents/${id}`).set(bearer(admin)),
      ]);
      statuses.push(...results.map((r) => r.status));
      for (const r of results) if (r.status >= 500) throw new Error(`round ${round}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    expect(statuses.every((s) => s === 200 || s === 404)).toBe(true);
  });
});

describe('a batch item is checked on its own', () => {
  test('a forbidden key or too deep metadata in one item rejects that item only', async () => {
    const good = () => ({ kind: 'comment', source: 'qa', externalId: `bi-${++seq}`, text: '外卖送得很快，味道也不错' });
    let deep: Record<string, unknown> = { x: 1 };
    for (let i = 0; i < 9; i++) deep = { a: deep };
    const proto = `{"kind":"comment","source":"qa","externalId":"bi-${++seq}","text":"好","__proto__":{"a":1}}`;
    const body = `{"documents":[${JSON.stringify(good())},${proto},${JSON.stringify({ ...good(), metadata: deep })},7]}`;
    const res = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).set('Content-Type', 'application/json').send(body).expect(207);
    const items = res.body.items as { status: string; error?: { details: { field: string }[] } }[];
    expect(items.map((i) => i.status)).toEqual(['accepted', 'rejected', 'rejected', 'rejected']);
    expect(items[1]!.error!.details[0]!.field).toBe('documents[1].__proto__');
    expect(items[2]!.error!.details[0]!.field).toMatch(/^documents\[2\]\.metadata\.a/);
    // not "documents[3].(body)": the item itself is what is wrong
    expect(items[3]!.error!.details[0]!.field).toBe('documents[3]');
  });

  test('an item is held to the depth a single POST allows', async () => {
    // metadata 6 levels deep: the body of a single POST is 8 levels at its deepest value
    let deep: Record<string, unknown> = { x: 1 };
    for (let i = 0; i < 5; i++) deep = { a: deep };
    const doc = { kind: 'comment', source: 'qa', externalId: `bd-${++seq}`, text: '理赔很顺利', metadata: deep };
    await rt.http.post('/v1/documents').set(bearer(ingest)).send(doc).expect(202);
    const res = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).send({ documents: [{ ...doc, externalId: `bd-${++seq}` }] }).expect(207);
    expect(res.body.items[0].status).toBe('accepted');
  });
});

describe('a lone UTF-16 surrogate (half an emoji) is refused, naming the field', () => {
  const raw = (o: unknown) => JSON.stringify(o);

  test('in text, in a turn, in externalId and in a metadata value', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'comment', source: 'qa', externalId: `ls-${++seq}`, text: '网络很差\ud83d' }, 'text'],
      [{ kind: 'comment', source: 'qa', externalId: `ls-${++seq}`, text: '网络很差\udc00，客服态度也不好' }, 'text'],
      [{ kind: 'transcript', source: 'qa', externalId: `ls-${++seq}`, turns: [{ speaker: 'customer', text: '宽带\ud83d老是断' }] }, 'turns[0].text'],
      [{ kind: 'comment', source: 'qa', externalId: `ls-\ud83d${++seq}`, text: '网络很差' }, 'externalId'],
      [{ kind: 'comment', source: 'qa', externalId: `ls-${++seq}`, text: '网络很差', metadata: { note: '用户昵称\ud83d' } }, 'metadata.note'],
    ];
    for (const [body, field] of cases) {
      // JSON.stringify writes a lone surrogate as its \ud83d escape: valid JSON, not valid Unicode
      expect(raw(body)).toMatch(/\\ud[89a-f][0-9a-f]{2}/);
      const res = await rt.http.post('/v1/documents').set(bearer(ingest)).set('Content-Type', 'application/json').send(raw(body));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.details[0].field).toBe(field);
      expect(res.body.error.details[0].message).toMatch(/lone UTF-16 surrogate/);
    }
  });

  test('a whole emoji is fine, and a batch rejects only the item holding half of one', async () => {
    const good = { kind: 'comment', source: 'qa', externalId: `le-${++seq}`, text: '网络很差😭' };
    const bad = { kind: 'comment', source: 'qa', externalId: `le-${++seq}`, text: '网络很差\ud83d' };
    const res = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).set('Content-Type', 'application/json').send(raw({ documents: [good, bad] })).expect(207);
    expect(res.body.items.map((i: { status: string }) => i.status)).toEqual(['accepted', 'rejected']);
    expect(res.body.items[1].error.details[0].field).toBe('documents[1].text');
    const doc = await waitForStatus(rt, res.body.items[0].id as string);
    expect(doc.tags.map((t: Tag) => t.opinion)).toContain('很差');
  });
});

describe('PUT /v1/taxonomy replaces the parts it is sent', () => {
  test('a part left out is kept, {} clears a part, and a body with neither is a 400', async () => {
    const admin = await createKey(rt, ['admin', 'analyst'], 'qa-taxonomy');
    const put = (body: object) => rt.http.put('/v1/taxonomy').set(bearer(admin)).send(body);
    const overrides = async () => (await rt.http.get('/v1/taxonomy').set(bearer(admin)).expect(200)).body.overrides;
    await put({ aspects: { 提额: 'policy' }, sentiment: { 拉胯: -2 } }).expect(200);
    const res = await put({ aspects: { 云闪付: 'app_experience' } }).expect(200);
    expect(res.body.overrides).toEqual({ aspects: { 云闪付: 'app_experience' }, sentiment: { 拉胯: -2 } });
    await put({ sentiment: {} }).expect(200);
    expect(await overrides()).toEqual({ aspects: { 云闪付: 'app_experience' }, sentiment: {} });
    expect400(await put({}), '(body)', /neither aspects nor sentiment/);
    expect(await overrides()).toEqual({ aspects: { 云闪付: 'app_experience' }, sentiment: {} });
  });
});

describe('messages and values the audit found loose', () => {
  const post = (body: Record<string, unknown>) => rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa', text: '网络很差', ...body });

  test('a missing externalId or source is told it is required, and nothing else', async () => {
    const noId = await post({});
    expect400(noId, 'externalId', /^externalId is required/);
    expect(noId.body.error.details.find((d: { field: string }) => d.field === 'externalId').message).not.toMatch(/NUL/);
    expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', externalId: 'x-1', text: '网络很差' }), 'source', /^source is required/);
  });

  test('a blank externalId or customerId is refused', async () => {
    expect400(await post({ externalId: '   ' }), 'externalId', /visible character/);
    expect400(await post({ externalId: `blank-${++seq}`, customerId: ' \t ' }), 'customerId', /visible character/);
  });

  test('a turn that ends before it starts is refused, naming it', async () => {
    const turns = [
      { speaker: 'agent', text: '您好', startMs: 0, endMs: 800 },
      { speaker: 'customer', text: '宽带又断了', startMs: 5000, endMs: 1200 },
    ];
    expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'transcript', source: 'qa', externalId: `tm-${++seq}`, turns }), 'turns[1].endMs', /before startMs/);
  });

  test('the export refuses limit instead of ignoring it', async () => {
    const analyst = await createKey(rt, ['analyst']);
    expect400(await rt.http.get('/v1/tags/export?format=jsonl&limit=2').set(bearer(analyst)), 'limit', /not an export parameter/);
    await rt.http.get('/v1/tags/export?format=jsonl').set(bearer(analyst)).expect(200);
  });

  test('a field an op does not read is refused, naming it; null polarity on an update is told what null means', async () => {
    const { id, tags } = await tagged('套餐资费太贵了');
    const t = tags[0]!;
    expect400(await correct(id, [{ op: 'delete', tagId: t.id, polarity: 'negative' }]), 'actions[0].polarity', /not a field of delete/);
    expect400(await correct(id, [{ op: 'accept', tagId: t.id }]), 'actions[0].tagId', /not a field of accept/);
    expect400(await correct(id, [{ op: 'update', tagId: t.id, category: 'price', span: { start: 0, end: 2 } }]), 'actions[0].span', /not a field of update/);
    expect400(await correct(id, [{ op: 'update', tagId: t.id, polarity: null }]), 'actions[0].polarity', /cannot be null/);
    expect(await logOf(id)).toEqual([]);
  });
});

describe('refusals of the request as a whole name what they refuse', () => {
  test('a body that is not JSON (no Content-Type, text/plain) is a 415 naming (body), as a wrong charset is', async () => {
    for (const type of [undefined, 'text/plain', 'application/json; charset=latin1']) {
      const req = rt.http.post('/v1/documents').set(bearer(ingest));
      if (type) req.set('Content-Type', type);
      const res = await req.send(Buffer.from('{"kind":"comment"}'));
      expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(415);
      expect(res.body.error.details, String(type)).toEqual([expect.objectContaining({ field: '(body)' })]);
    }
  });

  test('a path that is not validly percent-encoded is a 400 naming (path)', async () => {
    const res = await rt.http.get('/v1/documents/%E0%A4%A').set(bearer(labeler));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: '(path)' })]);
  });
});

describe('Idempotency-Key and a refused request', () => {
  test('a 400 is not remembered: the corrected body with the same key is accepted, and then replayed', async () => {
    const key = `fix-${Date.now()}`;
    const post = (body: object) => rt.http.post('/v1/documents').set(bearer(ingest)).set('Idempotency-Key', key).send(body);
    const bad = await post({ kind: 'comment', source: 'qa', externalId: `ik-${++seq}`, text: '' });
    expect400(bad, 'text');
    const body = { kind: 'comment', source: 'qa', externalId: `ik-${seq}`, text: '办卡流程很顺畅，柜员很耐心' };
    const first = await post(body).expect(202);
    const again = await post(body).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });
});

// Second QA pass of 2026-11-30 (actions, models, CLI).
describe('admin lists and webhook updates refuse what they would ignore', () => {
  test('GET /v1/webhooks, /v1/rules and /v1/routing refuse query parameters instead of ignoring them', async () => {
    for (const path of ['/v1/webhooks?limit=1', '/v1/rules?limit=1', '/v1/routing?team=risk']) {
      const res = await rt.http.get(path).set(bearer(ADMIN_KEY));
      expect(res.status, path).toBe(400);
      expect(res.body.error.details[0].message, path).toBe('unknown query parameter');
    }
    await rt.http.get('/v1/webhooks').set(bearer(ADMIN_KEY)).expect(200);
  });

  test('PATCH /v1/webhooks/:id with nothing to change is a 400 and writes no audit entry', async () => {
    const hook = (await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: 'https://hooks.example.com/guandian' }).expect(201)).body;
    const audits = async () => (await rt.http.get('/v1/audit?action=webhook.update').set(bearer(ADMIN_KEY)).expect(200)).body.items.length as number;
    const before = await audits();
    for (const body of [{}, { rotateSecret: false }]) expect400(await rt.http.patch(`/v1/webhooks/${hook.id}`).set(bearer(ADMIN_KEY)).send(body), '(body)', /nothing to change/);
    expect(await audits()).toBe(before);
    const after = (await rt.http.get(`/v1/webhooks/${hook.id}`).set(bearer(ADMIN_KEY)).expect(200)).body;
    expect(after.updatedAt).toBe(hook.updatedAt);
    await rt.http.patch(`/v1/webhooks/${hook.id}`).set(bearer(ADMIN_KEY)).send({ active: false }).expect(200);
  });
});

describe('occurredAt in the future', () => {
  test('more than a day ahead is a 400 naming occurredAt; a few hours ahead (a clock or offset off) is accepted', async () => {
    const post = (occurredAt: string) => rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa', externalId: `fut-${++seq}`, text: '网速很快', occurredAt });
    expect400(await post('2999-01-01T00:00:00Z'), 'occurredAt', /more than a day in the future/);
    expect400(await post(new Date(Date.now() + 3 * 86_400_000).toISOString()), 'occurredAt', /future/);
    await post(new Date(Date.now() + 3 * 3_600_000).toISOString()).expect(202);
  });
});

describe('a query string that is not UTF-8', () => {
  test('is a 400 naming the parameter; a valid Chinese or traditional search still answers', async () => {
    const analyst = await createKey(rt, ['analyst']);
    for (const [path, field] of [
      ['/v1/tags?q=%E7%BD%91%FF', 'q'],
      ['/v1/tags?q=%', 'q'],
      ['/v1/documents?channel=app&customerId=%C3', 'customerId'],
    ] as const) {
      const res = await rt.http.get(path).set(bearer(analyst));
      expect(res.status, path).toBe(400);
      expect(res.body.error.details, path).toEqual([{ field, message: 'not validly percent-encoded UTF-8' }]);
    }
    await rt.http.get(`/v1/tags?q=${encodeURIComponent('網絡')}`).set(bearer(analyst)).expect(200);
    await rt.http.get('/v1/tags?q=a+b').set(bearer(analyst)).expect(200);
  });
});
