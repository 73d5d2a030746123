import { expect, test } from 'vitest';
import { bearer, createKey, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import { useActionsRuntime } from './setup.js';

// A case that leaves the case list and comes back gets its marks back (qa-2026-12-01-case-revert). When it came back
// to another team (the routing table changed meanwhile) it got that team's deadline but kept the breach mark of the
// old one, so the SLA check never looked at it again: the new team's sla_breach rules never heard of it. A case that
// moves to another team while listed loses the mark; one that comes back to another team now does too.
let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

test("a breached case that comes back to another team is checked against that team's deadline", async () => {
  const key = await createKey(rt, ['admin', 'ingest', 'analyst', 'labeler'], 'marks-team');
  const table = (team: string) => ({ entries: [{ categories: ['network'], team, slaHours: 1 }], defaultTeam: 'care', defaultSlaHours: 24 });
  await rt.http.put('/v1/routing').set(bearer(key)).send(table('network-ops')).expect(200);
  const id = (await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app', externalId: 'mt-1', text: '网络信号太差' }).expect(202)).body.id as string;
  const doc = await waitForStatus(rt, id, key);
  const [tag] = (doc.tags as { id: string; polarity: string }[]).filter((t) => t.polarity === 'negative');
  const routing = async () => (await rt.services.store.documents.findById(id))!.routing ?? null;

  await rt.services.actions.runPeriodic(new Date(Date.now() + 2 * 3_600_000));
  expect(await routing()).toMatchObject({ team: 'network-ops' });
  expect((await routing())!.breachNotifiedAt).not.toBeNull();

  // no complaint for a while; meanwhile network complaints go to another team
  await rt.http.patch(`/v1/tags/${tag!.id}`).set(bearer(key)).send({ polarity: 'positive' }).expect(200);
  expect(await routing()).toBeNull();
  await rt.http.put('/v1/routing').set(bearer(key)).send(table('network-tier2')).expect(200);
  await rt.http.post(`/v1/documents/${id}/corrections/revert`).set(bearer(key)).send({ tagId: tag!.id }).expect(200);
  expect(await routing()).toMatchObject({ team: 'network-tier2', breachNotifiedAt: null });

  // and the SLA check notices the new team's deadline
  await rt.services.actions.runPeriodic(new Date(Date.now() + 2 * 3_600_000));
  expect((await routing())!.breachNotifiedAt).not.toBeNull();
});
