import { describe, expect, test } from 'vitest';
import { ingestAndWait, useFileRuntime } from '../helpers/file-runtime.js';
import { bearer, textBody, type TestRuntime } from '../helpers/runtime.js';

// Second black-box API pass 2026-11-30: defects found over every route, each reproduced here through real
// HTTP against the service as `npm start` runs it (embedded store, in-process queue).

let rt: TestRuntime;
let ingest: string;
let analyst: string;
let admin: string;
let labeler: string;
useFileRuntime({ ingest: ['ingest'], analyst: ['analyst'], admin: ['admin'], labeler: ['labeler'] }, (s) => ({ rt, keys: { ingest, analyst, admin, labeler } } = s), { tenant: 'qa-b' });

function expect400(res: { status: number; body: any }, field: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  const detail = (res.body.error.details as { field: string; message: string }[]).find((d) => d.field === field);
  expect(detail, `details ${JSON.stringify(res.body.error.details)} name ${field}`).toBeDefined();
  if (message) expect(detail!.message).toMatch(message);
}

describe('GET /v1/tags/export takes the feed filters, not its paging', () => {
  test('a feed cursor is refused, not used to start the file part-way; the OpenAPI lists neither limit nor cursor', async () => {
    for (let i = 0; i < 3; i++) await ingestAndWait(rt, ingest, { kind: 'comment', source: 'qa-export', externalId: `qx-${i}`, text: `网络很差，第${i}次` }, analyst);
    const feed = await rt.http.get('/v1/tags?channel=qa-export&limit=1').set(bearer(analyst)).expect(200);
    expect(feed.body.nextCursor).toEqual(expect.any(String));
    const all = await rt.http.get('/v1/tags/export?format=jsonl&channel=qa-export').set(bearer(analyst)).buffer(true).parse(textBody).expect(200);
    expect((all.body as string).trim().split('\n')).toHaveLength(3);

    expect400(await rt.http.get(`/v1/tags/export?format=jsonl&channel=qa-export&cursor=${feed.body.nextCursor as string}`).set(bearer(analyst)), 'cursor', /not an export parameter/);
    expect400(await rt.http.get('/v1/tags/export?format=jsonl&limit=2').set(bearer(analyst)), 'limit', /not an export parameter/);

    const spec = (await rt.http.get('/openapi.json').expect(200)).body;
    const names = (spec.paths['/v1/tags/export'].get.parameters as { name?: string }[]).map((p) => p.name);
    expect(names).toContain('channel');
    expect(names).not.toContain('limit');
    expect(names).not.toContain('cursor');
  });
});

describe('bodies are UTF-8 JSON, whatever charset the Content-Type names', () => {
  // the bytes as given: superagent would send a Buffer under a JSON Content-Type as {"type":"Buffer",…}
  const raw = (charset: string, body: Buffer) =>
    rt.http
      .post('/v1/documents')
      .set(bearer(ingest))
      .set('Content-Type', `application/json; charset=${charset}`)
      .serialize((b: unknown) => b as string)
      .send(body);

  test('charset=utf-16 is a 415 naming (body), as latin1 is, whether or not the bytes happen to read as UTF-16', async () => {
    const ascii = Buffer.from(JSON.stringify({ kind: 'comment', source: 'qa-charset', externalId: 'u16-ascii', text: 'bad network' }), 'utf16le');
    const chinese = Buffer.from(JSON.stringify({ kind: 'comment', source: 'qa-charset', externalId: 'u16-zh', text: '网络很差' }), 'utf16le');
    for (const charset of ['utf-16', 'utf-16le', 'UTF-16BE', '"utf-16"']) {
      for (const body of [ascii, chinese]) {
        const res = await raw(charset, body);
        expect(res.status, `${charset}: ${JSON.stringify(res.body)}`).toBe(415);
        expect(res.body.error).toMatchObject({ code: 'unsupported_media_type', details: [{ field: '(body)' }] });
      }
    }
    const listed = await rt.http.get('/v1/documents?channel=qa-charset&withTotal=true').set(bearer(analyst)).expect(200);
    expect(listed.body.total).toBe(0);
    // UTF-8 under any spelling of its name is still read
    for (const [i, charset] of ['utf-8', 'UTF-8', '"utf-8"'].entries()) {
      const res = await raw(charset, Buffer.from(JSON.stringify({ kind: 'comment', source: 'qa-charset', externalId: `u8-${i}`, text: '网络很差' })));
      expect(res.status, `${charset}: ${JSON.stringify(res.body)}`).toBe(202);
    }
  });
});

describe('alert rules refuse the settings their type does not read', () => {
  test('a threshold on a document rule, a match on a threshold or SLA rule, teams on a document rule: 400 naming it, nothing saved', async () => {
    const refused: [Record<string, unknown>, string][] = [
      [{ type: 'document', match: { categories: ['network'] }, threshold: { minShare: 0.3 } }, 'threshold'],
      [{ type: 'document', match: { categories: ['network'] }, teams: ['net'] }, 'teams'],
      [{ type: 'threshold', threshold: { minShare: 0.3 }, match: { channels: ['app'] } }, 'match'],
      [{ type: 'threshold', threshold: { minShare: 0.3 }, teams: ['net'] }, 'teams'],
      [{ type: 'sla_breach', teams: ['net'], match: { polarities: ['negative'] } }, 'match'],
      [{ type: 'sla_breach', threshold: { minShare: 0.3 } }, 'threshold'],
    ];
    for (const [body, field] of refused) {
      expect400(await rt.http.post('/v1/rules').set(bearer(admin)).send({ name: 'r', webhookIds: [], ...body }), field, /not read by a/);
    }
    const created = await rt.http.post('/v1/rules').set(bearer(admin)).send({ name: 'ok', type: 'document', webhookIds: [], match: { categories: ['network'] } }).expect(201);
    expect400(
      await rt.http.put(`/v1/rules/${created.body.id as string}`).set(bearer(admin)).send({ name: 'ok', type: 'document', webhookIds: [], match: { categories: ['network'] }, threshold: { minShare: 0.5 } }),
      'threshold',
    );
    expect((await rt.http.get('/v1/rules').set(bearer(admin)).expect(200)).body.items).toHaveLength(1);
    // a rule as GET shows it (the other types' settings null) can be sent back as it is
    const { name, type, active, webhookIds, match, threshold, teams } = created.body as Record<string, unknown>;
    expect({ threshold, teams }).toEqual({ threshold: null, teams: null });
    await rt.http.put(`/v1/rules/${created.body.id as string}`).set(bearer(admin)).send({ name, type, active, webhookIds, match, threshold, teams }).expect(200);
  });
});

describe('Idempotency-Key and a correction told to send again', () => {
  test('the 409 of a busy document is not replayed: the retry with the same key runs once the document is free', async () => {
    const doc = await ingestAndWait(rt, ingest, { kind: 'comment', source: 'qa-lease', externalId: 'ql-1', text: '网络很差，资费太贵' }, analyst);
    const tag = (doc.tags as { id: string }[])[0]!;
    // another replica holding the document's lease (as a correction or a re-tag job there would)
    const key = `corrections:${doc.id as string}`;
    expect(await rt.services.store.editLocks.tryAcquire(key, 'elsewhere', new Date(Date.now() + 60_000), new Date())).toBe(true);
    const send = () =>
      rt.http
        .post(`/v1/documents/${doc.id as string}/corrections`)
        .set(bearer(labeler))
        .set('Idempotency-Key', 'qa-lease-1')
        .send({ actions: [{ op: 'update', tagId: tag.id, polarity: 'positive' }] });
    const busy = await send();
    expect(busy.status, JSON.stringify(busy.body)).toBe(409);
    expect(busy.body.error.details).toEqual([expect.objectContaining({ field: 'documentId' })]);
    expect(busy.headers['retry-after']).toEqual(expect.stringMatching(/^[1-9]\d*$/));
    await rt.services.store.editLocks.release(key, 'elsewhere');
    const retried = await send();
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect((retried.body.tags as { id: string; polarity: string }[]).find((t) => t.id === tag.id)?.polarity).toBe('positive');
    // and that answer is the one kept
    const again = await send().expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
  }, 40_000);
});

describe('"at least one visible character" counts invisible ones as blank', () => {
  test('text, externalId, customerId or every turn of only zero-width, bidi or control characters is a 400 naming it; nothing stored', async () => {
    const invisible = ['\u200b', '\u200b\u200c\u200d', '\u2060\ufeff', '\u202e\u200f', '\u0001\u001f', '\u00ad', '\u200b \u3000\t'];
    const base = { kind: 'comment', source: 'qa-invisible', text: '网络很差' };
    for (const [i, s] of invisible.entries()) {
      expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: `qi-t-${i}`, text: s }), 'text', /visible/);
      expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: s }), 'externalId', /visible/);
      expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: `qi-c-${i}`, customerId: s }), 'customerId', /visible/);
      expect400(
        await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'transcript', source: 'qa-invisible', externalId: `qi-tr-${i}`, turns: [{ speaker: 'customer', text: s }] }),
        'turns',
        /visible/,
      );
    }
    const batch = await rt.http.post('/v1/documents/batch').set(bearer(ingest)).send({ documents: [{ ...base, externalId: 'qi-b-0', text: '\u200b' }, { ...base, externalId: 'qi-b-1' }] }).expect(207);
    expect(batch.body.items.map((x: { status: string }) => x.status)).toEqual(['rejected', 'accepted']);
    expect(batch.body.items[0].error.details[0].field).toBe('documents[0].text');
    // visible text around or inside such characters is fine: an emoji sequence, a word behind a BOM
    for (const [i, text] of ['\ufeff网络很差', '👨\u200d👩\u200d👧网络很差', '\u200b好'].entries()) {
      await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: `qi-ok-${i}`, text, customerId: `\u200bc-${i}` }).expect(202);
    }
    const listed = await rt.http.get('/v1/documents?channel=qa-invisible&withTotal=true').set(bearer(analyst)).expect(200);
    expect(listed.body.total).toBe(4);
  });
});

describe('PUT /v1/taxonomy with a part null', () => {
  test('is a 400 naming it, neither kept silently nor audited as a change', async () => {
    await rt.http.put('/v1/taxonomy').set(bearer(admin)).send({ aspects: { 宽带猫: 'network' }, sentiment: { 拉胯: -2 } }).expect(200);
    const audited = async () => (await rt.http.get('/v1/audit?action=taxonomy.update').set(bearer(admin)).expect(200)).body.items.length as number;
    const before = await audited();
    for (const body of [{ aspects: null }, { sentiment: null }, { aspects: null, sentiment: null }, { aspects: {}, sentiment: null }]) {
      const field = body.aspects === null ? 'aspects' : 'sentiment';
      expect400(await rt.http.put('/v1/taxonomy').set(bearer(admin)).send(body), field);
    }
    expect(await audited()).toBe(before);
    const now = await rt.http.get('/v1/taxonomy').set(bearer(analyst)).expect(200);
    expect(now.body.overrides).toEqual({ aspects: { 宽带猫: 'network' }, sentiment: { 拉胯: -2 } });
  });
});

describe('a batch repeating an item while another request stores that externalId', () => {
  test('the repeat is settled as its first copy was: never a duplicate of a document that was not stored', async () => {
    let firstRejected = 0;
    let firstAccepted = 0;
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const externalId = `qr-${round}-${i}`;
          const mine = { kind: 'comment', source: 'qa-race', externalId, text: '网络很差' };
          // items before the repeated one keep the batch busy long enough for the single POST to land in between
          const filler = Array.from({ length: 30 }, (__, k) => ({ kind: 'comment', source: 'qa-race-filler', externalId: `${externalId}-${k}`, text: '一般般' }));
          // one of the two starts up to 10 ms after the other, so some single POST lands inside the batch's insert
          const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
          const [batch] = await Promise.all([
            after(10 - i).then(() => rt.http.post('/v1/documents/batch').set(bearer(ingest)).send({ documents: [...filler, mine, mine] })),
            after(i - 10).then(() => rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...mine, text: '资费太贵' })),
          ]);
          expect(batch.status).toBe(207);
          const [first, repeat] = (batch.body.items as { status: string; id?: string; error?: { code: string } }[]).slice(-2) as [
            { status: string; id?: string; error?: { code: string } },
            { status: string; id?: string; error?: { code: string } },
          ];
          if (first.status === 'rejected') firstRejected++;
          else firstAccepted++;
          for (const item of [first, repeat]) {
            if (item.id !== undefined) await rt.http.get(`/v1/documents/${item.id}`).set(bearer(analyst)).expect(200);
          }
          if (first.status === 'rejected') expect(repeat).toMatchObject({ status: 'rejected', error: { code: 'conflict' } });
          else expect(repeat).toMatchObject({ status: 'duplicate', id: first.id });
        }),
      );
    }
    // the start offsets crossed from the single POST winning to the batch winning, through the window in between
    expect(firstRejected).toBeGreaterThan(0);
    expect(firstAccepted).toBeGreaterThan(0);
  }, 60_000);
});

describe('webhook URLs naming localhost as a fully qualified name', () => {
  test('localhost. and *.localhost. are refused up front like localhost, not accepted to fail every delivery', async () => {
    for (const url of ['http://localhost./hook', 'http://LOCALHOST.:8080/hook', 'https://api.localhost./hook']) {
      expect400(await rt.http.post('/v1/webhooks').set(bearer(admin)).send({ url }), 'url', /address not allowed/);
    }
    expect((await rt.http.get('/v1/webhooks').set(bearer(admin)).expect(200)).body.items).toEqual([]);
  });
});

describe('PUT /v1/tenant/settings with nothing in it', () => {
  test('is a 400 naming (body), and writes no audit entry, as an empty webhook patch is', async () => {
    const audited = async () => (await rt.http.get('/v1/audit?action=tenant.settings.update').set(bearer(admin)).expect(200)).body.items.length as number;
    const before = await audited();
    expect400(await rt.http.put('/v1/tenant/settings').set(bearer(admin)).send({}), '(body)', /nothing to change/);
    expect400(await rt.http.put('/v1/tenant/settings').set(bearer(admin)), '(body)');
    expect(await audited()).toBe(before);
    await rt.http.put('/v1/tenant/settings').set(bearer(admin)).send({ retentionDays: null }).expect(200);
    expect(await audited()).toBe(before + 1);
  });
});

describe('metadata is at most 4 KB of JSON', () => {
  test('counted in bytes, as the README and the body limit count: 2,000 Chinese characters (6 KB) are a 400 naming metadata', async () => {
    const base = { kind: 'comment', source: 'qa-metadata', text: '网络很差' };
    expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: 'qm-1', metadata: { note: '备'.repeat(2000) } }), 'metadata', /4 KB/);
    expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: 'qm-2', metadata: { note: '😀'.repeat(1100) } }), 'metadata', /4 KB/);
    // {"note":"…"} is 11 bytes around the value
    await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: 'qm-3', metadata: { note: 'a'.repeat(4085) } }).expect(202);
    await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: 'qm-4', metadata: { note: '备'.repeat(1361) } }).expect(202);
    expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ ...base, externalId: 'qm-5', metadata: { note: 'a'.repeat(4086) } }), 'metadata');
  });
});

describe('blank words in rules and routing', () => {
  test('a keyword, aspect or channel of only spaces is a 400 naming it, not a criterion that can never match', async () => {
    const rule = (match: Record<string, unknown>) => rt.http.post('/v1/rules').set(bearer(admin)).send({ name: 'blank', type: 'document', webhookIds: [], match });
    expect400(await rule({ keywords: ['投诉', '  '] }), 'match.keywords', /blank/);
    expect400(await rule({ aspects: ['\u3000'] }), 'match.aspects', /blank/);
    expect400(await rule({ channels: [' '] }), 'match.channels', /blank/);
    const routing = (body: Record<string, unknown>) => rt.http.put('/v1/routing').set(bearer(admin)).send({ entries: [], defaultTeam: 'cc', defaultSlaHours: 24, ...body });
    expect400(await routing({ entries: [{ keywords: ['  '], team: 'net', slaHours: 4 }] }), 'entries[0].keywords', /blank/);
    expect400(await routing({ escalationWords: ['投诉', ' '] }), 'escalationWords', /blank/);
    expect((await rt.http.get('/v1/rules').set(bearer(admin)).expect(200)).body.items.filter((r: { name: string }) => r.name === 'blank')).toEqual([]);
    expect((await rt.http.get('/v1/routing').set(bearer(admin)).expect(200)).body.entries).toEqual([]);
  });
});

describe('a survey without its score', () => {
  test('is told score and scale are required, not that a missing score must be a whole number', async () => {
    const res = await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'survey', source: 'qa-survey', externalId: 'qs-1', text: '服务很好' });
    expect400(res, 'score', /score is required/);
    expect400(res, 'scale', /scale is required/);
    const details = res.body.error.details as { field: string; message: string }[];
    expect(details.find((d) => d.field === 'score')!.message).not.toMatch(/must be a whole number/);
    // a scale alone on a comment still needs its score, and a score alone its scale
    expect400(await rt.http.post('/v1/documents').set(bearer(ingest)).send({ kind: 'comment', source: 'qa-survey', externalId: 'qs-2', text: '好', score: 9 }), 'scale', /scale is required/);
  });
});
