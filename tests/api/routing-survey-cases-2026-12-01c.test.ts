import { beforeAll, describe, expect, test } from 'vitest';
import { defaultRoutingTable, routeDocument } from '../../src/actions/routing-service.js';
import type { DocumentRecord, TagRecord } from '../../src/store/records.js';
import { bearer, createKey, retagTenant, type TestRuntime } from '../helpers/runtime.js';
import { ingest, useActionsRuntime, waitDone } from '../actions/setup.js';

// Every document with a negative tag became a case, so a promoter (NPS 9) who wrote 很满意，就是价格有点贵 took an
// agent's time as much as a detractor did. `surveyCases` in the routing table says which scored survey answers a
// negative opinion makes a case of; a threat to escalate opens one whatever the score.
let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

const TENANT = 'routing-survey-cases';
const table = { entries: [{ categories: ['price'], team: 'pricing', slaHours: 12 }], defaultTeam: 'care', defaultSlaHours: 24 };

describe('surveyCases: which scored survey answers open a case for a negative opinion', () => {
  let key: string;
  let n = 0;
  const caseOf = async (id: string) => ((await rt.http.get('/v1/cases?limit=500').set(bearer(key)).expect(200)).body.items as Record<string, any>[]).find((c) => c.documentId === id);
  const negatives = async (id: string) =>
    ((await rt.http.get(`/v1/documents/${id}`).set(bearer(key)).expect(200)).body.tags as { polarity: string }[]).filter((t) => t.polarity === 'negative');
  const answer = (text: string, scale: 'nps' | 'csat', score: number) => ingest(rt, key, `s-${++n}`, text, { kind: 'survey', source: 'nps-survey', question: '您向朋友推荐我们的可能性有多大？', scale, score });
  const setRouting = (extra: Record<string, unknown>) => rt.http.put('/v1/routing').set(bearer(key)).send({ ...table, ...extra });
  const retag = () => retagTenant(rt, key);

  beforeAll(async () => {
    key = await createKey(rt, ['admin', 'ingest', 'analyst', 'labeler'], TENANT);
  });

  test('by default every negative answer is a case, as before; a table saved before the setting reads any_negative', async () => {
    expect((await rt.http.get('/v1/routing').set(bearer(key)).expect(200)).body.surveyCases).toBe('any_negative');
    // a table as stored before 2026-12-01, without the field
    await rt.services.store.actions.routing.save({ _id: TENANT, entries: [{ categories: ['price'], keywords: [], team: 'pricing', slaHours: 12, priority: 'normal' }], defaultTeam: 'care', defaultSlaHours: 24, escalationWords: ['投诉'], updatedAt: new Date() });
    expect((await rt.http.get('/v1/routing').set(bearer(key)).expect(200)).body.surveyCases).toBe('any_negative');
    const promoter = await answer('很满意，就是价格有点贵', 'nps', 9);
    await waitDone(rt, [promoter]);
    expect(await negatives(promoter)).not.toEqual([]);
    expect(await caseOf(promoter)).toMatchObject({ openedFor: 'negative_opinion', team: 'pricing' });
    // a PUT that leaves it out is the default, as left-out escalationWords are
    await setRouting({ surveyCases: 'detractors' }).expect(200);
    expect((await setRouting({}).expect(200)).body.surveyCases).toBe('any_negative');
  });

  test('detractors: promoters and passives with a complaint open none; detractors, threats and other kinds still do', async () => {
    const saved = await setRouting({ surveyCases: 'detractors' }).expect(200);
    expect(saved.body.surveyCases).toBe('detractors');
    const ids = {
      promoter: await answer('很满意，就是价格有点贵', 'nps', 9),
      passive: await answer('网速还行，就是晚上经常断线', 'nps', 7),
      detractor: await answer('网速太慢，晚上经常断线', 'nps', 3),
      csatNeutral: await answer('客服态度一般，等了很久才接通', 'csat', 3),
      csatLow: await answer('客服态度很差，等了很久才接通', 'csat', 2),
      promoterThreat: await answer('总体不错，但是账单扣费不对，再不处理我就投诉到工信部', 'nps', 9),
      comment: await ingest(rt, key, `c-${++n}`, '很满意，就是价格有点贵'),
      scoredComment: await ingest(rt, key, `c-${++n}`, '很满意，就是价格有点贵', { score: 10, scale: 'nps' }),
    };
    await waitDone(rt, Object.values(ids));
    // the premise: each carries a negative opinion, so under any_negative each would be a case
    for (const [name, id] of Object.entries(ids)) expect(await negatives(id), name).not.toEqual([]);

    expect(await caseOf(ids.promoter)).toBeUndefined();
    expect(await caseOf(ids.passive)).toBeUndefined();
    expect(await caseOf(ids.csatNeutral)).toBeUndefined();
    expect(await caseOf(ids.detractor)).toMatchObject({ openedFor: 'negative_opinion', team: 'care' });
    expect(await caseOf(ids.csatLow)).toMatchObject({ openedFor: 'negative_opinion' });
    // the threat opens the case the score held back: for the threat, with its escalation raising the priority
    expect(await caseOf(ids.promoterThreat)).toMatchObject({ openedFor: 'escalation_threat', priority: 'high', escalations: ['投诉'] });
    // only survey answers are narrowed: comments are cases as before, with or without a score
    expect(await caseOf(ids.comment)).toMatchObject({ openedFor: 'negative_opinion', team: 'pricing' });
    expect(await caseOf(ids.scoredComment)).toMatchObject({ openedFor: 'negative_opinion', team: 'pricing' });

    // a correction routes again under the setting too: the detractor's complaint corrected away, no case
    const tags = (await rt.http.get(`/v1/documents/${ids.detractor}`).set(bearer(key)).expect(200)).body.tags as { id: string; polarity: string }[];
    for (const t of tags.filter((x) => x.polarity === 'negative')) await rt.http.patch(`/v1/tags/${t.id}`).set(bearer(key)).send({ polarity: 'positive' }).expect(200);
    expect(await caseOf(ids.detractor)).toBeUndefined();
  });

  test('detractors_and_passives: passives (NPS 7-8, CSAT 3) open cases, promoters do not', async () => {
    await setRouting({ surveyCases: 'detractors_and_passives' }).expect(200);
    const ids = {
      promoter: await answer('很满意，就是价格有点贵', 'nps', 10),
      passive: await answer('网速还行，就是晚上经常断线', 'nps', 8),
      csatNeutral: await answer('客服态度一般，等了很久才接通', 'csat', 3),
      csatHigh: await answer('东西不错，就是价格有点贵', 'csat', 4),
    };
    await waitDone(rt, Object.values(ids));
    for (const [name, id] of Object.entries(ids)) expect(await negatives(id), name).not.toEqual([]);
    expect(await caseOf(ids.promoter)).toBeUndefined();
    expect(await caseOf(ids.csatHigh)).toBeUndefined();
    expect(await caseOf(ids.passive)).toMatchObject({ openedFor: 'negative_opinion' });
    expect(await caseOf(ids.csatNeutral)).toMatchObject({ openedFor: 'negative_opinion' });
  });

  test('a change applies as a table change does: to cases routed again; a dropped case comes back as it was', async () => {
    await setRouting({ surveyCases: 'any_negative' }).expect(200);
    const promoter = await answer('服务很好，就是价格有点贵', 'nps', 9);
    await waitDone(rt, [promoter]);
    const resolved = (await rt.http.post(`/v1/cases/${promoter}/resolve`).set(bearer(key)).expect(200)).body;
    await rt.http.patch(`/v1/cases/${promoter}`).set(bearer(key)).send({ assignee: '王芳' }).expect(200);

    await setRouting({ surveyCases: 'detractors' }).expect(200);
    // saving the setting re-routes nothing by itself (neither does a changed table or escalation list)
    expect(await caseOf(promoter)).toMatchObject({ resolvedAt: resolved.resolvedAt });
    await retag();
    expect(await caseOf(promoter)).toBeUndefined();

    await setRouting({ surveyCases: 'any_negative' }).expect(200);
    await retag();
    expect(await caseOf(promoter)).toMatchObject({ resolvedAt: resolved.resolvedAt, routedAt: resolved.routedAt, assignee: '王芳', team: 'pricing' });
  });

  test('a bad value is a 400 naming surveyCases and changes nothing; a change is audited with the value', async () => {
    await setRouting({ surveyCases: 'detractors' }).expect(200);
    for (const bad of ['promoters', 'DETRACTORS', 7, ['detractors']]) {
      const res = await setRouting({ surveyCases: bad });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect((res.body.error.details as { field: string }[]).map((d) => d.field)).toEqual(['surveyCases']);
      expect(res.body.error.details[0].message).toMatch(/any_negative, detractors, detractors_and_passives/);
    }
    expect((await rt.http.get('/v1/routing').set(bearer(key)).expect(200)).body.surveyCases).toBe('detractors');
    const audit = (await rt.http.get('/v1/audit?action=routing.update&limit=1').set(bearer(key)).expect(200)).body.items as { action: string; details: Record<string, unknown> }[];
    expect(audit[0]).toMatchObject({ action: 'routing.update', details: { entries: 1, surveyCases: 'detractors' } });
  });
});

describe('routeDocument: a survey answer without a score is not narrowed', () => {
  const now = new Date('2026-12-01T08:00:00Z');
  const doc = (over: Partial<DocumentRecord>): DocumentRecord =>
    ({ _id: 'd', tenant: 't', kind: 'survey', source: 'nps-survey', externalId: 'x', text: '很满意，就是价格有点贵', turns: null, normalizedText: '很满意,就是价格有点贵', createdAt: now, ...over }) as DocumentRecord;
  const tag = { polarity: 'negative', category: 'price' } as TagRecord;
  const detractorsOnly = { ...defaultRoutingTable('t'), surveyCases: 'detractors' as const };

  test('no score or no scale: a case as before; a promoter: none', () => {
    expect(routeDocument(detractorsOnly, doc({ score: null, scale: null }), [tag], now)).toMatchObject({ openedFor: 'negative_opinion' });
    expect(routeDocument(detractorsOnly, doc({ score: 9, scale: null }), [tag], now)).toMatchObject({ openedFor: 'negative_opinion' });
    expect(routeDocument(detractorsOnly, doc({ score: 9, scale: 'nps' }), [tag], now)).toBeNull();
    expect(routeDocument(detractorsOnly, doc({ score: 6, scale: 'nps' }), [tag], now)).toMatchObject({ openedFor: 'negative_opinion' });
  });
});
