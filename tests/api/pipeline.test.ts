import { describe, expect, test } from 'vitest';
import { createDocumentProcessor } from '../../src/worker/process-document.js';
import { useFileRuntime } from '../helpers/file-runtime.js';
import { ADMIN_KEY, bearer, waitForStatus, textBody, type TestRuntime } from '../helpers/runtime.js';

// End to end on the embedded engine and queue: HTTP in, worker threads, store, HTTP out.

let rt: TestRuntime;
let ingest: string;
let analyst: string;
let labeler: string;
useFileRuntime({ ingest: ['ingest'], analyst: ['analyst'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, analyst, labeler } } = s));

let seq = 0;
async function post(body: Record<string, unknown>) {
  const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ source: 'app-review', externalId: `p-${++seq}`, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

type Tag = { id: string; documentId: string; aspect: string | null; opinion: string; polarity: string; category: string; span: { start: number; end: number }; turnIndex?: number; modelVersion: string; confidence: number; source: string; label: string };

describe('comment', () => {
  test('网络很顺畅，但是App老是闪退 → a positive network tag and a negative app tag', async () => {
    const text = '网络很顺畅，但是App老是闪退';
    const id = await post({ kind: 'comment', text });
    const doc = await waitForStatus(rt, id, analyst);
    expect(doc.status).toBe('done');
    const tags = doc.tags as Tag[];
    const network = tags.find((t) => t.category === 'network');
    const app = tags.find((t) => t.category === 'app_experience');
    expect(network?.polarity).toBe('positive');
    expect(app?.polarity).toBe('negative');
    for (const t of tags) {
      expect(text.slice(t.span.start, t.span.end)).toContain(t.opinion.slice(-1));
      expect(t.modelVersion).toBe(doc.modelVersion);
      expect(t.confidence).toBeGreaterThan(0);
      expect(t.confidence).toBeLessThanOrEqual(1);
      expect(t.label).toMatch(/^(正向|负向|中性)评价: /);
    }
    expect(doc.sentiment).toBe('mixed');
  });

  test('PII is masked before it is stored', async () => {
    const id = await post({ kind: 'comment', text: '我的手机号13812345678一直收不到验证码，太垃圾了' });
    const doc = await waitForStatus(rt, id, analyst);
    expect(doc.text).not.toContain('13812345678');
    expect(doc.text).toContain('138****5678');
    const raw = await rt.services.store.documents.findById(id);
    expect(JSON.stringify(raw)).not.toContain('13812345678');
  });
});

describe('transcript', () => {
  test('only customer turns give tags, each with its turn index; agent politeness gives none', async () => {
    const turns = [
      { speaker: 'agent', text: '您好，很高兴为您服务，请问有什么可以帮您？' },
      { speaker: 'customer', text: '你们的宽带老是断网，客服电话也打不通' },
      { speaker: 'agent', text: '非常抱歉给您带来不便，我们的服务非常好，马上为您处理' },
      { speaker: 'customer', text: '好的，谢谢' },
    ];
    const id = await post({ kind: 'transcript', source: 'call-center', turns });
    const doc = await waitForStatus(rt, id, analyst);
    const tags = doc.tags as Tag[];
    expect(tags.length).toBeGreaterThan(0);
    for (const t of tags) {
      expect(t.turnIndex === 1 || t.turnIndex === 3).toBe(true);
      const turnText = turns[t.turnIndex!]!.text;
      expect(t.span.end).toBeLessThanOrEqual(turnText.length);
    }
    expect(tags.some((t) => t.turnIndex === 1 && t.polarity === 'negative')).toBe(true);
  });
});

describe('social', () => {
  test('a traditional-character post with emoji and hashtags gets tags whose spans index the stored text', async () => {
    const text = '#移動寶卡# @客服小王 信號太差了😡，網速慢得要命！';
    const id = await post({ kind: 'social', source: 'weibo', text });
    const doc = await waitForStatus(rt, id, analyst);
    const tags = doc.tags as Tag[];
    expect(tags.some((t) => t.polarity === 'negative' && t.category === 'network')).toBe(true);
    for (const t of tags) {
      expect(t.span.start).toBeGreaterThanOrEqual(0);
      expect(t.span.end).toBeLessThanOrEqual(text.length);
      expect(t.span.end).toBeGreaterThan(t.span.start);
    }
    expect(doc.normalizedText).toContain('信号');
  });
});

describe('idempotency', () => {
  test('a job run twice never duplicates tags', async () => {
    const id = await post({ kind: 'comment', text: '快递很快，包装也很好，就是价格太贵了' });
    const first = await waitForStatus(rt, id, analyst);
    const before = (first.tags as Tag[]).map((t) => t.id).sort();
    expect(before.length).toBeGreaterThan(1);
    // Put it back to queued, as a redelivered job after a crash would find it, and run the handler twice.
    await rt.services.store.documents.setStatus(id, 'processing');
    const handler = createDocumentProcessor({ store: rt.services.store, pool: rt.services.pool!, logger: rt.services.logger, leaseMs: 60_000 });
    await Promise.all([handler(id, { attempt: 1, final: false }), handler(id, { attempt: 2, final: false })]);
    const after = await rt.http.get(`/v1/documents/${id}`).set(bearer(analyst)).expect(200);
    expect((after.body.tags as Tag[]).map((t) => t.id).sort()).toEqual(before);
    expect(await rt.services.store.tags.countWhere({ documentId: id })).toBe(before.length);
  });

  test('a finished document is not reprocessed by a duplicate job', async () => {
    const id = await post({ kind: 'comment', text: '客服态度很好' });
    const doc = await waitForStatus(rt, id, analyst);
    const handler = createDocumentProcessor({ store: rt.services.store, pool: rt.services.pool!, logger: rt.services.logger, leaseMs: 60_000 });
    await handler(id, { attempt: 1, final: false });
    const again = await rt.services.store.documents.findById(id);
    expect(again!.attempts).toBe(doc.attempts);
  });
});

describe('documents that go away or never finish', () => {
  test('a document erased while it is being tagged leaves no tags behind', async () => {
    const id = await post({ kind: 'comment', text: '客服态度很差' });
    await waitForStatus(rt, id, analyst);
    await rt.services.store.documents.setStatus(id, 'processing');
    // The erasure lands between the tag write and the status write.
    const eraseMidway = async () => {
      await rt.services.store.documents.deleteWhere({ _id: id });
    };
    const handler = createDocumentProcessor({ store: rt.services.store, pool: rt.services.pool!, logger: rt.services.logger, leaseMs: 60_000, afterTagged: [eraseMidway] });
    await handler(id, { attempt: 1, final: false });
    expect(await rt.services.store.tags.countWhere({ documentId: id })).toBe(0);
  });

  test('a document claimed more often than maxClaims is given up as failed', async () => {
    const id = await post({ kind: 'comment', text: '网速太慢了' });
    await waitForStatus(rt, id, analyst);
    // As if its worker had died mid-job again and again.
    await rt.services.store.documents.setStatus(id, 'processing', { attempts: 6 });
    const handler = createDocumentProcessor({ store: rt.services.store, pool: rt.services.pool!, logger: rt.services.logger, leaseMs: 60_000, maxClaims: 6 });
    await expect(handler(id, { attempt: 1, final: false })).rejects.toThrow(/given up/);
    const doc = await rt.services.store.documents.findById(id);
    expect(doc).toMatchObject({ status: 'failed', attempts: 7 });
  });
});

describe('queries', () => {
  test('GET /v1/tags filters and pages with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await post({ kind: 'comment', source: 'survey', text: `第${i}次办理，营业厅排队太久了，服务态度很差` }));
    for (const id of ids) await waitForStatus(rt, id, analyst);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: Tag[]; nextCursor: string | null } } = await rt.http
        .get('/v1/tags')
        .query({ channel: 'survey', polarity: 'negative', limit: 4, ...(cursor ? { cursor } : {}) })
        .set(bearer(analyst))
        .expect(200);
      for (const t of res.body.items) {
        expect(t.polarity).toBe('negative');
        expect(seen.has(t.id)).toBe(false);
        seen.add(t.id);
      }
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    const total = await rt.services.store.tags.countWhere({ channel: 'survey', polarity: 'negative', tenant: 'default' });
    expect(seen.size).toBe(total);
    expect(total).toBeGreaterThanOrEqual(6);
    expect(pages).toBeGreaterThan(1);
  });

  test('bad query parameters are 400s naming the field', async () => {
    for (const [q, field] of [
      [{ polarity: 'happy' }, 'polarity'],
      [{ limit: '0' }, 'limit'],
      [{ minConfidence: 'abc' }, 'minConfidence'],
      [{ from: 'yesterday' }, 'from'],
      [{ cursor: 'garbage' }, 'cursor'],
      [{ category: 'weather' }, 'category'],
    ] as const) {
      const res = await rt.http.get('/v1/tags').query(q).set(bearer(analyst));
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    }
  });

  test('GET /v1/stats/summary counts by category × polarity and by day', async () => {
    const res = await rt.http.get('/v1/stats/summary').set(bearer(analyst)).expect(200);
    const total = await rt.services.store.tags.countWhere({ tenant: 'default' });
    const sum = (rows: { total: number }[]) => rows.reduce((n, r) => n + r.total, 0);
    expect(sum(res.body.byCategory)).toBe(total);
    expect(sum(res.body.byDay)).toBe(total);
    expect(sum(res.body.byChannel)).toBe(total);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.body.byDay.some((d: { day: string }) => d.day === today)).toBe(true);
    expect(res.body.topNegativeAspects.length).toBeGreaterThan(0);
  });

  test('the opinion search finds every Chinese script and any letter case', async () => {
    const id = await post({ kind: 'social', text: '這個APP的網絡速度真的很快' });
    const doc = await waitForStatus(rt, id, analyst);
    expect((doc.tags as Tag[]).length).toBeGreaterThan(0);
    for (const q of ['网络速度', '網絡速度', 'app']) {
      const res = await rt.http.get('/v1/tags').query({ q, channel: doc.source as string, limit: 200 }).set(bearer(analyst)).expect(200);
      expect(res.body.items.map((t: Tag) => t.documentId), q).toContain(id);
    }
    const docs = await rt.http.get('/v1/documents').query({ q: '網路速度' }).set(bearer(analyst)).expect(200);
    expect(docs.body.items.map((d: { id: string }) => d.id)).toContain(id);
  });

  test('the aspect filter and the search take any script, width and letter case too', async () => {
    const trad = await waitForStatus(rt, await post({ kind: 'social', text: '網速太慢了，天天斷線' }), analyst);
    const wide = await waitForStatus(rt, await post({ kind: 'social', text: 'ＡＰＰ老是闪退' }), analyst);
    expect((trad.tags as Tag[]).map((t) => t.aspect)).toContain('網速');
    expect((wide.tags as Tag[]).map((t) => t.aspect)).toContain('ＡＰＰ');
    const ids = async (query: Record<string, string>) =>
      ((await rt.http.get('/v1/tags').query({ ...query, limit: 200 }).set(bearer(analyst)).expect(200)).body.items as Tag[]).map((t) => t.documentId);
    // the group by its simplified or traditional name, the member by either script
    for (const aspect of ['网络', '網絡', '网速', '網速']) expect(await ids({ aspect }), aspect).toContain(trad.id);
    for (const aspect of ['APP', 'app', 'ＡＰＰ', 'App']) expect(await ids({ aspect }), aspect).toContain(wide.id);
    for (const q of ['APP', 'ａｐｐ', '闪退']) expect(await ids({ q }), q).toContain(wide.id);
  });

  test('tags carry their canonical aspect, which the top negative aspects count under', async () => {
    const id = await post({ kind: 'comment', text: '网速太慢了' });
    const doc = await waitForStatus(rt, id, analyst);
    const tag = (doc.tags as Tag[]).find((t) => t.aspect === '网速')!;
    expect(tag).toMatchObject({ canonicalAspect: '网络', polarity: 'negative', category: 'network' });
    const res = await rt.http.get('/v1/stats/summary').set(bearer(analyst)).expect(200);
    expect(res.body.topNegativeAspects.map((a: { aspect: string }) => a.aspect)).toContain('网络');
    expect(res.body.topNegativeAspects.map((a: { aspect: string }) => a.aspect)).not.toContain('网速');
    // a bar's drill-down (aspect = the bar's name) lists the tags the bar counted
    const bar = res.body.topNegativeAspects.find((a: { aspect: string; category: string }) => a.aspect === '网络' && a.category === 'network');
    const drill = await rt.http.get('/v1/tags').query({ aspect: '网络', category: 'network', polarity: 'negative', limit: 200 }).set(bearer(analyst)).expect(200);
    expect(drill.body.items.map((t: Tag) => t.id)).toContain(tag.id);
    expect(drill.body.items).toHaveLength(bar.count);
    // a member aspect filters on its own (in either script), not on its whole group
    const exact = await rt.http.get('/v1/tags').query({ aspect: '网速', limit: 200 }).set(bearer(analyst)).expect(200);
    expect(exact.body.items.length).toBeGreaterThan(0);
    expect(exact.body.items.every((t: Tag) => t.aspect === '网速' || t.aspect === '網速')).toBe(true);
  });
});

describe('corrections and export', () => {
  test('a labeler corrects a tag; it becomes human and survives re-tagging', async () => {
    const id = await post({ kind: 'comment', text: '营业厅排队太久了，不过工作人员很耐心' });
    const doc = await waitForStatus(rt, id, labeler);
    const tag = (doc.tags as Tag[])[0]!;
    const flipped = tag.polarity === 'negative' ? 'neutral' : 'negative';
    const res = await rt.http
      .post(`/v1/documents/${id}/corrections`)
      .set(bearer(labeler))
      .send({ actions: [{ op: 'update', tagId: tag.id, polarity: flipped, category: 'efficiency' }] })
      .expect(200);
    const updated = (res.body.tags as Tag[]).find((t) => t.id === tag.id)!;
    expect(updated.source).toBe('human');
    expect(updated.polarity).toBe(flipped);
    expect(res.body.reviewed).toBe(true);
    // Re-run the document as a re-tag would: the human tag stays as the labeler left it.
    await rt.services.retry('default', id);
    const again = await waitForStatus(rt, id, labeler);
    const kept = (again.tags as Tag[]).find((t) => t.id === tag.id)!;
    expect(kept.polarity).toBe(flipped);
    expect((again.tags as Tag[]).filter((t) => t.span.start === tag.span.start && t.span.end === tag.span.end)).toHaveLength(1);
    const history = await rt.services.store.corrections.byDocument(id);
    expect(history[0]).toMatchObject({ op: 'update', before: { polarity: tag.polarity }, after: { polarity: flipped } });
  });

  test('the same add sent twice (a retried request) leaves one human tag and one correction', async () => {
    const id = await post({ kind: 'comment', text: '宽带装好了，师傅很专业' });
    await waitForStatus(rt, id, labeler);
    const add = { op: 'add', span: { start: 8, end: 11 }, polarity: 'positive', category: 'service_attitude', aspect: '师傅' };
    for (let i = 0; i < 2; i++) await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions: [add] }).expect(200);
    const doc = await waitForStatus(rt, id, labeler);
    const human = (doc.tags as Tag[]).filter((t) => t.source === 'human');
    expect(human).toHaveLength(1);
    expect(human[0]).toMatchObject({ opinion: '很专业', polarity: 'positive', span: { start: 8, end: 11 } });
    expect((await rt.services.store.corrections.byDocument(id)).filter((c) => c.op === 'add')).toHaveLength(1);
    // a different choice on the same span replaces the first (one opinion, not two contradicting ones; 6d6ed82)
    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions: [{ ...add, category: 'efficiency' }] }).expect(200);
    const replaced = ((await waitForStatus(rt, id, labeler)).tags as Tag[]).filter((t) => t.source === 'human');
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).toMatchObject({ category: 'efficiency', span: { start: 8, end: 11 } });
  });

  test("a tag can be added on a customer turn, not on an agent's", async () => {
    const id = await post({ kind: 'transcript', turns: [{ speaker: 'agent', text: '您好，很高兴为您服务' }, { speaker: 'customer', text: '宽带总是断网' }] });
    await waitForStatus(rt, id, labeler);
    const add = (turnIndex: number) => ({ actions: [{ op: 'add', turnIndex, span: { start: 0, end: 2 }, polarity: 'positive', category: 'service_attitude' }] });
    const refused = await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send(add(0)).expect(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'actions[0].turnIndex' })]);
    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send(add(1)).expect(200);
  });

  test('an analyst cannot correct; a bad tag id is a 400', async () => {
    const id = await post({ kind: 'comment', text: '外卖送得太慢了' });
    await waitForStatus(rt, id, labeler);
    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(analyst)).send({ actions: [{ op: 'accept' }] }).expect(403);
    const res = await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'delete', tagId: 'nope' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('actions[0].tagId');
  });

  test('export CSV has a BOM, a header and one row per tag', async () => {
    const res = await rt.http.get('/v1/tags/export').query({ format: 'csv', channel: 'survey' }).set(bearer(analyst)).buffer(true).parse(textBody);
    expect(res.status).toBe(200);
    const body = res.body as string;
    expect(body.charCodeAt(0)).toBe(0xfeff);
    const lines = body.slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,documentId,label,polarity,category/);
    const total = await rt.services.store.tags.countWhere({ channel: 'survey', tenant: 'default' });
    expect(lines.length - 1).toBe(total);
    expect(body).toContain('负向评价');
  });
});

describe('health', () => {
  test('/readyz reports store, queue and analyzer mode', async () => {
    const res = await rt.http.get('/readyz').expect(200);
    expect(res.body.checks.store.engine).toBe('embedded');
    expect(res.body.checks.queue.kind).toBe('embedded');
    expect(['model', 'lexicon']).toContain(res.body.checks.model.mode);
  });

  test('unknown /v1 routes are 404 in the error shape', async () => {
    const res = await rt.http.get('/v1/nope').set(bearer(ADMIN_KEY)).expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
