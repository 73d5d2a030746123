import { expect, test } from 'vitest';
import { bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { Receiver } from './receiver.js';
import { addWebhook, ingest, useActionsRuntimeWithReceiver, waitDone } from './setup.js';

// An sla_breach alert said which team had the case but not why it was one (a threat to escalate has no opinion
// behind it) nor who of the team had it, so a receiver paging the team could not tell an unclaimed threat
// from a case someone was working.
let rt: TestRuntime;
let receiver: Receiver;
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s));

test("an sla_breach alert carries the case's openedFor and assignee", async () => {
  const key = await createKey(rt, ['ingest', 'analyst'], 'sla-fields');
  const admin = await createKey(rt, ['admin'], 'sla-fields');
  await rt.http.put('/v1/routing').set(bearer(admin)).send({ entries: [], defaultTeam: 'care', defaultSlaHours: 1 }).expect(200);
  const hook = await addWebhook(rt, receiver, admin);
  await rt.http.post('/v1/rules').set(bearer(admin)).send({ name: 'breach', type: 'sla_breach', webhookIds: [hook] }).expect(201);
  const threat = await ingest(rt, key, 'sf-1', '再不退款我就去12315投诉');
  const complaint = await ingest(rt, key, 'sf-2', '客服态度太差了');
  await waitDone(rt, [threat, complaint]);
  await rt.http.patch(`/v1/cases/${complaint}`).set(bearer(key)).send({ assignee: 'care-zhang' }).expect(200);

  await rt.services.actions.runPeriodic(new Date(Date.now() + 2 * 3_600_000));
  const of = (id: string) => receiver.ofType('rule.sla_breach').find((e) => e.body.data.document.id === id);
  await receiver.waitFor(() => of(threat) !== undefined && of(complaint) !== undefined);
  expect(of(threat)!.body.data.routing).toMatchObject({ team: 'care', openedFor: 'escalation_threat', assignee: null });
  expect(of(complaint)!.body.data.routing).toMatchObject({ team: 'care', openedFor: 'negative_opinion', assignee: 'care-zhang' });
});
