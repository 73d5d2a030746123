import { beforeAll, describe, expect, test } from 'vitest';
import { bearer, createKey, retagTenant, type TestRuntime } from '../helpers/runtime.js';
import { ingest, useActionsRuntime, waitDone } from './setup.js';

// Routing opened a case only for a document with a negative tag, and escalation words only raised its
// priority. 我要投诉你们 or 再不退款我就去银保监会举报 carry no opinion tag, so they never reached a team.
let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

const TENANT = 'routing-escalation';
const table = {
  entries: [
    { keywords: ['银保监', '12315'], team: 'legal', slaHours: 4 },
    { categories: ['network'], team: 'network-ops', slaHours: 8 },
  ],
  defaultTeam: 'care',
  defaultSlaHours: 24,
};

describe('escalation threats without an opinion open cases', () => {
  let key: string;
  const ids: Record<string, string> = {};
  const caseOf = async (id: string) => ((await rt.http.get('/v1/cases?limit=100').set(bearer(key)).expect(200)).body.items as Record<string, any>[]).find((c) => c.documentId === id);
  const tagsOf = async (id: string) => (await rt.http.get(`/v1/documents/${id}`).set(bearer(key)).expect(200)).body.tags as { id: string; polarity: string }[];
  const call = async (externalId: string, turns: { speaker: string; text: string }[]) =>
    (await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'transcript', source: 'call-center', externalId, turns }).expect(202)).body.id as string;
  const retag = () => retagTenant(rt, key);

  beforeAll(async () => {
    key = await createKey(rt, ['admin', 'ingest', 'analyst', 'labeler'], TENANT);
    await rt.http.put('/v1/routing').set(bearer(key)).send(table).expect(200);
    ids.complain = await ingest(rt, key, 'e-1', '我要投诉你们');
    ids.regulator = await ingest(rt, key, 'e-2', '再不退款我就去银保监会举报');
    ids.media = await ingest(rt, key, 'e-3', '我要找媒体曝光你們');
    ids.call = await call('e-4', [
      { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
      { speaker: 'customer', text: '喂，我要投訴你們' },
    ]);
    ids.resolvedBefore = await ingest(rt, key, 'e-5', '我之前投诉的理赔今天到账了');
    ids.askChannel = await ingest(rt, key, 'e-6', '请问投诉电话是多少？');
    ids.agentAsks = await call('e-7', [
      { speaker: 'agent', text: '您要投诉吗？' },
      { speaker: 'customer', text: '不用了，我就问问进度' },
    ]);
    ids.merchant = await ingest(rt, key, 'e-8', '收到了。商家回复：如有问题可以投诉我们，我们会处理');
    await waitDone(rt, Object.values(ids));
  });

  test('threats become high-priority cases opened for escalation; mentions, agents and merchants do not', async () => {
    // the premise: none of these carries a negative opinion
    for (const id of Object.values(ids)) expect((await tagsOf(id)).filter((t) => t.polarity === 'negative'), id).toEqual([]);

    expect(await caseOf(ids.complain!)).toMatchObject({ team: 'care', priority: 'high', openedFor: 'escalation_threat', escalations: ['投诉'], resolvedAt: null });
    expect(await caseOf(ids.regulator!)).toMatchObject({ team: 'legal', priority: 'high', openedFor: 'escalation_threat' });
    expect((await caseOf(ids.regulator!))!.escalations.sort()).toEqual(['举报', '银保监']);
    expect(await caseOf(ids.media!)).toMatchObject({ team: 'care', openedFor: 'escalation_threat' });
    expect(await caseOf(ids.call!)).toMatchObject({ team: 'care', openedFor: 'escalation_threat', escalations: ['投诉'] });
    for (const id of [ids.resolvedBefore, ids.askChannel, ids.agentAsks, ids.merchant]) expect(await caseOf(id!), id).toBeUndefined();
  });

  test('a threat keeps its case when the negative opinion beside it is corrected away; a mere mention does not', async () => {
    const threat = await ingest(rt, key, 'e-9', '网络信号太差，我要投诉你们');
    const mention = await ingest(rt, key, 'e-10', '网络信号太差，在App上投诉有用吗');
    await waitDone(rt, [threat, mention]);
    expect(await caseOf(threat)).toMatchObject({ team: 'network-ops', openedFor: 'negative_opinion' });
    expect(await caseOf(mention)).toMatchObject({ team: 'network-ops', openedFor: 'negative_opinion' });
    const resolved = (await rt.http.post(`/v1/cases/${threat}/resolve`).set(bearer(key)).expect(200)).body;

    for (const id of [threat, mention]) {
      for (const t of (await tagsOf(id)).filter((x) => x.polarity === 'negative')) {
        await rt.http.patch(`/v1/tags/${t.id}`).set(bearer(key)).send({ polarity: 'positive' }).expect(200);
      }
    }
    // the threat is still there: the case stays, now for the escalation (no network opinion: the default team),
    // and what people recorded on it stays too
    expect(await caseOf(threat)).toMatchObject({ team: 'care', openedFor: 'escalation_threat', resolvedAt: resolved.resolvedAt, routedAt: resolved.routedAt });
    // no opinion and no threat: the case goes, as it always did
    expect(await caseOf(mention)).toBeUndefined();
  });

  test('a re-tag after the escalation word left the list closes the case; putting it back brings the case back as it was', async () => {
    const before = (await rt.http.post(`/v1/cases/${ids.complain}/resolve`).set(bearer(key)).expect(200)).body;
    await rt.http.put('/v1/routing').set(bearer(key)).send({ ...table, escalationWords: ['12315'] }).expect(200);
    await retag();
    expect(await caseOf(ids.complain!)).toBeUndefined();
    // 银保监 is a keyword, no longer an escalation word: no threat left in 再不退款我就去银保监会举报 either
    expect(await caseOf(ids.regulator!)).toBeUndefined();

    await rt.http.put('/v1/routing').set(bearer(key)).send(table).expect(200);
    await retag();
    expect(await caseOf(ids.complain!)).toMatchObject({ openedFor: 'escalation_threat', resolvedAt: before.resolvedAt, routedAt: before.routedAt });
    expect(await caseOf(ids.regulator!)).toMatchObject({ team: 'legal', resolvedAt: null });
  });
});
