import { expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { Receiver, settle } from './receiver.js';
import { addWebhook, waitDone, useActionsRuntimeWithReceiver } from './setup.js';

// QA audit 2026-11-30: in a call transcript, 投訴 and １２３１５ were neither escalation words nor routing
// keywords (a comment with the same words was both), and a rule on the aspect 网络 did not fire for 網絡很差.
let rt: TestRuntime;
let receiver: Receiver;
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s));

test('a traditional-script, full-width call is routed and escalated as its simplified twin; an aspect rule fires for 網絡', async () => {
  await rt.http
    .put('/v1/routing')
    .set(bearer(ADMIN_KEY))
    .send({ entries: [{ keywords: ['12315'], team: 'legal', slaHours: 4 }, { categories: ['network'], team: 'network-ops', slaHours: 8 }], defaultTeam: 'care', defaultSlaHours: 24 })
    .expect(200);
  const hook = await addWebhook(rt, receiver);
  await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'network down', type: 'document', webhookIds: [hook], match: { aspects: ['网络'], polarities: ['negative'] } }).expect(201);
  const key = await createKey(rt, ['ingest']);
  const call = async (externalId: string, customer: string) =>
    (
      await rt.http
        .post('/v1/documents')
        .set(bearer(key))
        .send({ kind: 'transcript', source: 'call-center', externalId, turns: [{ speaker: 'agent', text: '您好，请问有什么可以帮您？' }, { speaker: 'customer', text: customer }] })
        .expect(202)
    ).body.id as string;
  const complaint = await call('rs-1', '網絡太差了，我要投訴你們');
  const regulator = await call('rs-2', '信號太差了，我要打１２３１５');
  await waitDone(rt, [complaint, regulator]);

  const routing = async (id: string) => (await rt.services.store.documents.findById(id))!.routing!;
  expect(await routing(complaint)).toMatchObject({ team: 'network-ops', priority: 'high', escalations: ['投诉'] });
  expect((await routing(regulator)).team).toBe('legal');

  await receiver.waitFor((r) => r.some((x) => x.body.type === 'rule.document' && x.body.data.document.id === complaint));
  await settle(300);
  const fired = receiver.received.filter((x) => x.body.type === 'rule.document').map((x) => x.body.data.document.id as string);
  expect(fired).toContain(complaint);
});
