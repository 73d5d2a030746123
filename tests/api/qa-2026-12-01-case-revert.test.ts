import { expect, test } from 'vitest';
import { bearer, createKey, waitForStatus, type TestRuntime } from '../helpers/runtime.js';
import { useActionsRuntime } from '../actions/setup.js';

// A document that stops being a complaint loses its case, and one that becomes a complaint again gets a case.
// Its resolution and breach mark went with the first: a labeler who corrected a complaint's tag to positive and
// undid it (the labeling queue's u) re-opened a case someone had resolved, overdue at once since its deadline
// (ingest + SLA) had passed, and the SLA check then marked it breached (and fired sla_breach rules for it).
let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

test('a resolved case that leaves the case list and comes back comes back resolved, and the SLA check leaves it alone', async () => {
  const key = await createKey(rt, ['admin', 'ingest', 'analyst', 'labeler'], 'qa-case-revert');
  await rt.http.put('/v1/routing').set(bearer(key)).send({ entries: [{ categories: ['network'], team: 'network-ops', slaHours: 1 }], defaultTeam: 'customer-care', defaultSlaHours: 24 }).expect(200);
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'app-review', externalId: 'cr-1', text: '家里的宽带信号太差了，晚上根本打不开网页' }).expect(202);
  const id = res.body.id as string;
  const doc = await waitForStatus(rt, id, key);
  const negative = (doc.tags as { id: string; polarity: string; category: string }[]).filter((t) => t.polarity === 'negative');
  expect(negative.length).toBeGreaterThan(0);
  const caseOf = async () => ((await rt.http.get('/v1/cases').set(bearer(key)).expect(200)).body.items as Record<string, any>[]).find((c) => c.documentId === id);
  const before = await caseOf();
  expect(before).toMatchObject({ team: 'network-ops', resolvedAt: null });
  const resolved = (await rt.http.post(`/v1/cases/${id}/resolve`).set(bearer(key)).expect(200)).body;

  // the labeler turns every negative tag positive (no complaint left: the case goes) ...
  for (const t of negative) await rt.http.patch(`/v1/tags/${t.id}`).set(bearer(key)).send({ polarity: 'positive' }).expect(200);
  expect(await caseOf()).toBeUndefined();
  // ... and undoes it
  for (const t of negative) await rt.http.post(`/v1/documents/${id}/corrections/revert`).set(bearer(key)).send({ tagId: t.id }).expect(200);
  const back = await caseOf();
  expect(back).toMatchObject({ team: 'network-ops', resolvedAt: resolved.resolvedAt, routedAt: before!.routedAt, overdue: false });

  // two hours later its deadline has passed, but it was resolved: no breach
  await rt.services.actions.runPeriodic(new Date(Date.now() + 2 * 3_600_000));
  expect(await caseOf()).toMatchObject({ resolvedAt: resolved.resolvedAt, breachNotifiedAt: null });
  expect(((await rt.http.get('/v1/cases?status=open').set(bearer(key)).expect(200)).body.items as { documentId: string }[]).map((c) => c.documentId)).not.toContain(id);
});
