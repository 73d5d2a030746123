import { beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { Receiver, settle } from './receiver.js';
import { addWebhook, ingest, waitDone, useActionsRuntimeWithReceiver } from './setup.js';

let rt: TestRuntime;
let receiver: Receiver;
const HOUR = 3_600_000;
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s));

const table = {
  entries: [
    { keywords: ['银保监', '12315'], team: 'legal', slaHours: 4, priority: 'high' },
    { categories: ['account_security'], team: 'risk', slaHours: 2, priority: 'high' },
    { categories: ['network'], team: 'network-ops', slaHours: 8 },
  ],
  defaultTeam: 'care',
  defaultSlaHours: 24,
};

describe('complaint routing', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    expect((await rt.http.get('/v1/routing').set(bearer(ADMIN_KEY)).expect(200)).body).toMatchObject({ entries: [], defaultTeam: 'customer-care' });
    const put = await rt.http.put('/v1/routing').set(bearer(ADMIN_KEY)).send(table).expect(200);
    expect(put.body.escalationWords).toEqual(expect.arrayContaining(['投诉', '曝光', '起诉', '12315']));
    const key = await createKey(rt, ['ingest']);
    ids.security = await ingest(rt, key, 'r-sec', '账户安全太差了，被盗刷了');
    ids.securityEscalated = await ingest(rt, key, 'r-sec-esc', '账户安全太差了，我要投诉');
    ids.network = await ingest(rt, key, 'r-net', '网络信号太差');
    ids.regulator = await ingest(rt, key, 'r-12315', '网络信号太差，我要去12315投诉');
    ids.positive = await ingest(rt, key, 'r-pos', '网络很顺畅');
    ids.fallback = await ingest(rt, key, 'r-default', '客服态度很差，再这样就曝光你们');
    ids.merchantReply = await ingest(rt, key, 'r-reply', '网络信号太差。商家回复：非常抱歉，如需投诉请拨打10086');
    const transcript = await rt.http
      .post('/v1/documents')
      .set(bearer(key))
      .send({
        kind: 'transcript',
        source: 'call-center',
        externalId: 'r-call',
        turns: [
          { speaker: 'agent', text: '您好，您是要投诉吗？' },
          { speaker: 'customer', text: '信号很差，经常断网' },
        ],
      })
      .expect(202);
    ids.transcript = transcript.body.id;
    await waitDone(rt, Object.values(ids));
  });

  test('team, SLA and priority per document; escalation words raise priority; agent and merchant words do not count', async () => {
    const routing = async (id: string) => (await rt.services.store.documents.findById(id))!;
    const expectRoute = async (id: string, team: string, hours: number, priority: string, escalations: string[]) => {
      const doc = await routing(id);
      expect(doc.routing, id).toMatchObject({ team, priority, resolvedAt: null, breachNotifiedAt: null });
      expect([...doc.routing!.escalations].sort()).toEqual([...escalations].sort());
      expect(new Date(doc.routing!.dueAt).getTime() - new Date(doc.createdAt).getTime()).toBe(hours * HOUR);
    };
    await expectRoute(ids.security!, 'risk', 2, 'high', []);
    await expectRoute(ids.securityEscalated!, 'risk', 2, 'urgent', ['投诉']);
    await expectRoute(ids.network!, 'network-ops', 8, 'normal', []);
    // The keyword entry comes first in the table, so 12315 sends a network complaint to legal.
    await expectRoute(ids.regulator!, 'legal', 4, 'urgent', ['12315', '投诉']);
    await expectRoute(ids.fallback!, 'care', 24, 'high', ['曝光']);
    await expectRoute(ids.transcript!, 'network-ops', 8, 'normal', []);
    await expectRoute(ids.merchantReply!, 'network-ops', 8, 'normal', []);
    expect((await routing(ids.positive!)).routing ?? null).toBeNull();
  });

  test('GET /v1/cases filters by team and overdue; resolve closes a case', async () => {
    const analyst = await createKey(rt, ['analyst']);
    const risk = await rt.http.get('/v1/cases?team=risk').set(bearer(analyst)).expect(200);
    expect(risk.body.items.map((c: any) => c.documentId).sort()).toEqual([ids.security, ids.securityEscalated].sort());
    expect(risk.body.items[0]).toMatchObject({ team: 'risk', overdue: false, channel: 'app' });
    const all = await rt.http.get('/v1/cases?limit=3').set(bearer(analyst)).expect(200);
    expect(all.body.items).toHaveLength(3);
    const rest = await rt.http.get(`/v1/cases?limit=10&cursor=${all.body.nextCursor}`).set(bearer(analyst)).expect(200);
    expect([...all.body.items, ...rest.body.items].map((c: any) => c.documentId).sort()).toEqual(
      [ids.security, ids.securityEscalated, ids.network, ids.regulator, ids.fallback, ids.transcript, ids.merchantReply].sort(),
    );
    // Sorted by due date: the 2 h risk cases first.
    expect(all.body.items[0].team).toBe('risk');
    expect((await rt.http.get('/v1/cases?overdue=true').set(bearer(analyst)).expect(200)).body.items).toEqual([]);

    // Let one case's SLA run out (time moves in the store, not in the code under test).
    await rt.services.store.documents.update(ids.network!, { $set: { 'routing.dueAt': new Date(Date.now() - 60_000) } });
    const overdue = await rt.http.get('/v1/cases?overdue=true').set(bearer(analyst)).expect(200);
    expect(overdue.body.items.map((c: any) => c.documentId)).toEqual([ids.network]);
    expect(overdue.body.items[0].overdue).toBe(true);
    const notOverdue = await rt.http.get('/v1/cases?overdue=false').set(bearer(analyst)).expect(200);
    expect(notOverdue.body.items.map((c: any) => c.documentId)).not.toContain(ids.network);

    const labeler = await createKey(rt, ['labeler']);
    const resolved = await rt.http.post(`/v1/cases/${ids.fallback}/resolve`).set(bearer(labeler)).expect(200);
    expect(resolved.body.resolvedAt).not.toBeNull();
    const open = await rt.http.get('/v1/cases?status=open&team=care').set(bearer(labeler)).expect(200);
    expect(open.body.items).toEqual([]);
    await rt.http.post(`/v1/cases/${ids.positive}/resolve`).set(bearer(labeler)).expect(404);
    await rt.http.get('/v1/cases?overdue=maybe').set(bearer(labeler)).expect(400);
  });

  test('the SLA check fires sla_breach rules once per overdue case', async () => {
    const hook = await addWebhook(rt, receiver);
    const allTeams = (await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'any breach', type: 'sla_breach', webhookIds: [hook] }).expect(201)).body.id;
    const riskOnly = (await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'risk breach', type: 'sla_breach', webhookIds: [hook], teams: ['risk'] }).expect(201)).body.id;
    // Three hours on: the 2 h risk cases are overdue, the 4 h, 8 h and 24 h ones are not yet
    // (except the network case whose due time was moved into the past above).
    const later = new Date(Date.now() + 3 * HOUR);
    await rt.services.actions.runPeriodic(later);
    await rt.services.actions.runPeriodic(new Date(later.getTime() + 60_000));
    await receiver.waitFor((r) => r.filter((x) => x.body.type === 'rule.sla_breach').length >= 5);
    await settle(800);
    const events = receiver.ofType('rule.sla_breach');
    const pairs = events.map((e) => `${e.body.rule.id}:${e.body.data.document.id}`).sort();
    expect(pairs).toEqual(
      [
        `${allTeams}:${ids.security}`,
        `${allTeams}:${ids.securityEscalated}`,
        `${allTeams}:${ids.network}`,
        `${riskOnly}:${ids.security}`,
        `${riskOnly}:${ids.securityEscalated}`,
      ].sort(),
    );
    expect(events.every((e) => e.verified)).toBe(true);
    const esc = events.find((e) => e.body.data.document.id === ids.securityEscalated)!;
    expect(esc.body.data.routing).toMatchObject({ team: 'risk', priority: 'urgent', escalations: ['投诉'] });
    expect(esc.body.data.overdueMinutes).toBeGreaterThanOrEqual(59);
    const doc = await rt.services.store.documents.findById(ids.security!);
    expect(doc!.routing!.breachNotifiedAt).not.toBeNull();
  });

  test('a resolve or breach mark made while the document was being analysed survives the job', async () => {
    const key = await createKey(rt, ['ingest']);
    const id = await ingest(rt, key, 'r-race', '网络信号太差，一直断网');
    await waitDone(rt, [id]);
    // The worker hands the hooks the document as it claimed it, before analysis: here, an open case.
    const claimed = (await rt.services.store.documents.findById(id))!;
    expect(claimed.routing).toMatchObject({ team: 'network-ops', resolvedAt: null });
    const analyst = await createKey(rt, ['analyst']);
    const first = await rt.http.post(`/v1/cases/${id}/resolve`).set(bearer(analyst)).expect(200);
    expect(first.body.resolvedAt).not.toBeNull();
    await rt.services.store.documents.update(id, { $set: { 'routing.breachNotifiedAt': new Date(Date.now() - 1000) } });
    const marked = (await rt.services.store.documents.findById(id))!.routing!;

    // The job finishes with that older copy: the routing is recomputed, the marks stay.
    await rt.services.actions.routing.afterTagged(claimed, await rt.services.store.tags.byDocument(id));
    const after = (await rt.services.store.documents.findById(id))!.routing!;
    expect(after).toMatchObject({ team: 'network-ops', resolvedAt: marked.resolvedAt, breachNotifiedAt: marked.breachNotifiedAt, routedAt: claimed.routing!.routedAt });
    expect((await rt.http.get('/v1/cases?status=open&team=network-ops').set(bearer(analyst)).expect(200)).body.items.map((c: any) => c.documentId)).not.toContain(id);
  });

  test("a case moved to another team after its breach was noticed is checked against the new team's deadline", async () => {
    const key = await createKey(rt, ['ingest']);
    const id = await ingest(rt, key, 'r-moved-breach', '网络信号太差，晚上根本打不开网页');
    await waitDone(rt, [id]);
    const doc = async () => (await rt.services.store.documents.findById(id))!;
    expect((await doc()).routing).toMatchObject({ team: 'network-ops', breachNotifiedAt: null });
    const hook = await addWebhook(rt, receiver);
    const riskRule = (await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'risk breach (moved)', type: 'sla_breach', webhookIds: [hook], teams: ['risk'] }).expect(201)).body.id;
    // network-ops' 8 h pass: the SLA check notices the breach
    await rt.services.actions.runPeriodic(new Date(Date.now() + 9 * HOUR));
    expect((await doc()).routing!.breachNotifiedAt).not.toBeNull();

    // a labeler finds it is an account security complaint: the case goes to risk, with risk's 2 h deadline
    const labeler = await createKey(rt, ['labeler']);
    const [tag] = (await rt.http.get(`/v1/documents/${id}`).set(bearer(labeler)).expect(200)).body.tags as { id: string }[];
    await rt.http.patch(`/v1/tags/${tag!.id}`).set(bearer(labeler)).send({ category: 'account_security' }).expect(200);
    expect((await doc()).routing).toMatchObject({ team: 'risk', breachNotifiedAt: null });
    await rt.services.actions.runPeriodic(new Date(Date.now() + 3 * HOUR));
    await receiver.waitFor((r) => r.some((x) => x.body.type === 'rule.sla_breach' && x.body.rule.id === riskRule && x.body.data.document.id === id));
    expect((await doc()).routing!.breachNotifiedAt).not.toBeNull();
  });

  test('resolving a resolved case again keeps the time it was first closed', async () => {
    const key = await createKey(rt, ['ingest']);
    const id = await ingest(rt, key, 'r-twice', '客服态度很差');
    await waitDone(rt, [id]);
    const analyst = await createKey(rt, ['analyst']);
    const first = await rt.http.post(`/v1/cases/${id}/resolve`).set(bearer(analyst)).expect(200);
    expect(first.body.resolvedAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 5));
    const again = await rt.http.post(`/v1/cases/${id}/resolve`).set(bearer(analyst)).expect(200);
    expect(again.body.resolvedAt).toBe(first.body.resolvedAt);
    expect((await rt.services.store.documents.findById(id))!.routing!.resolvedAt).toEqual(new Date(first.body.resolvedAt));
  });

  test("a labeler's corrections re-route the case: a corrected category changes team, no negative opinion left closes it", async () => {
    const key = await createKey(rt, ['ingest']);
    const id = await ingest(rt, key, 'r-corrected', '网络信号太差');
    await waitDone(rt, [id]);
    const doc = async () => (await rt.services.store.documents.findById(id))!;
    expect((await doc()).routing).toMatchObject({ team: 'network-ops' });
    const labeler = await createKey(rt, ['labeler']);
    const [tag] = (await rt.http.get(`/v1/documents/${id}`).set(bearer(labeler)).expect(200)).body.tags as { id: string; polarity: string }[];
    expect(tag!.polarity).toBe('negative');

    await rt.http.patch(`/v1/tags/${tag!.id}`).set(bearer(labeler)).send({ category: 'account_security' }).expect(200);
    const moved = (await doc()).routing!;
    expect(moved).toMatchObject({ team: 'risk', priority: 'high' });
    expect(new Date(moved.dueAt).getTime() - new Date((await doc()).createdAt).getTime()).toBe(2 * HOUR);

    await rt.http.post(`/v1/documents/${id}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'update', tagId: tag!.id, polarity: 'positive' }] }).expect(200);
    expect((await doc()).routing ?? null).toBeNull();
    const open = await rt.http.get('/v1/cases?status=open').set(bearer(labeler)).expect(200);
    expect(open.body.items.map((c: any) => c.documentId)).not.toContain(id);
  });

  test('a re-tag under a tightened SLA keeps the deadlines of cases that stay with their team (QA audit 2026-11-30)', async () => {
    const key = await createKey(rt, ['ingest']);
    const id = await ingest(rt, key, 'r-sla-kept', '网络信号太差，天天掉线');
    await waitDone(rt, [id]);
    const before = (await rt.services.store.documents.findById(id))!.routing!;
    expect(before.team).toBe('network-ops');
    await rt.http.put('/v1/routing').set(bearer(ADMIN_KEY)).send({ ...table, entries: table.entries.map((e) => ({ ...e, slaHours: 0.1 })) }).expect(200);
    try {
      const job = await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({}).expect(202);
      const deadline = Date.now() + 60_000;
      while ((await rt.http.get(`/v1/retag-jobs/${job.body.id}`).set(bearer(ADMIN_KEY)).expect(200)).body.status !== 'done') {
        if (Date.now() > deadline) throw new Error('re-tag did not finish');
        await settle(100);
      }
      const after = (await rt.services.store.documents.findById(id))!;
      expect(after.processedAt && new Date(after.processedAt) > new Date(before.routedAt)).toBe(true);
      expect(after.routing).toMatchObject({ team: 'network-ops' });
      expect(new Date(after.routing!.dueAt)).toEqual(new Date(before.dueAt));
      // a new case gets the new SLA
      const fresh = await ingest(rt, key, 'r-sla-new', '网络信号太差');
      await waitDone(rt, [fresh]);
      const doc = (await rt.services.store.documents.findById(fresh))!;
      expect(new Date(doc.routing!.dueAt).getTime() - new Date(doc.createdAt).getTime()).toBe(0.1 * HOUR);
    } finally {
      await rt.http.put('/v1/routing').set(bearer(ADMIN_KEY)).send(table).expect(200);
    }
  });

  test('routing validation, roles and tenant isolation', async () => {
    await rt.http.put('/v1/routing').set(bearer(ADMIN_KEY)).send({ ...table, entries: [{ team: 'x', slaHours: 1 }] }).expect(400);
    await rt.http.put('/v1/routing').set(bearer(ADMIN_KEY)).send({ ...table, defaultSlaHours: 0 }).expect(400);
    await rt.http.put('/v1/routing').set(bearer(ADMIN_KEY)).send({ ...table, entries: [{ categories: ['nope'], team: 'x', slaHours: 1 }] }).expect(400);
    const ingestKey = await createKey(rt, ['ingest']);
    await rt.http.get('/v1/cases').set(bearer(ingestKey)).expect(403);
    await rt.http.post(`/v1/cases/${ids.security}/resolve`).set(bearer(ingestKey)).expect(403);
    const analystB = await createKey(rt, ['analyst'], 'tenant-b');
    expect((await rt.http.get('/v1/cases').set(bearer(analystB)).expect(200)).body.items).toEqual([]);
    await rt.http.post(`/v1/cases/${ids.security}/resolve`).set(bearer(analystB)).expect(404);
    const adminB = await createKey(rt, ['admin'], 'tenant-b');
    expect((await rt.http.get('/v1/routing').set(bearer(adminB)).expect(200)).body.entries).toEqual([]);
  });
});
