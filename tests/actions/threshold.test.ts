import { expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { Receiver, settle } from './receiver.js';
import { addWebhook, ingest, waitDone, useActionsRuntimeWithReceiver } from './setup.js';

let rt: TestRuntime;
let receiver: Receiver;
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s));

const minutesAgo = (now: number, m: number) => new Date(now - m * 60_000).toISOString();

test('windowed rule: negative share of network in the last hour against the trailing 7 days', async () => {
  const now = Date.now();
  const key = await createKey(rt, ['ingest']);
  const ids: string[] = [];
  // Window: 14 negative + 8 positive network documents in the last hour → 22 documents, share 14/22.
  for (let i = 0; i < 14; i++) ids.push(await ingest(rt, key, `w-neg-${i}`, '网络信号太差', { occurredAt: minutesAgo(now, 5 + i) }));
  for (let i = 0; i < 8; i++) ids.push(await ingest(rt, key, `w-pos-${i}`, '网络很顺畅', { occurredAt: minutesAgo(now, 5 + i) }));
  // Other categories in the window do not count towards network.
  ids.push(await ingest(rt, key, 'w-other', '客服态度很差', { occurredAt: minutesAgo(now, 3) }));
  // Baseline three days earlier: 2 negative of 20 → 10 % (at least minDocuments, so it is compared).
  for (let i = 0; i < 2; i++) ids.push(await ingest(rt, key, `b-neg-${i}`, '网络信号太差', { occurredAt: minutesAgo(now, 3 * 1440 + 30 + i) }));
  for (let i = 0; i < 18; i++) ids.push(await ingest(rt, key, `b-pos-${i}`, '网络很顺畅', { occurredAt: minutesAgo(now, 3 * 1440 + i) }));
  // Older than the baseline: ignored.
  ids.push(await ingest(rt, key, 'ancient', '网络信号太差', { occurredAt: minutesAgo(now, 10 * 1440) }));
  await waitDone(rt, ids);
  // The windows are built from real tags; check the analyzer tagged them the way the arithmetic assumes.
  const tags = await rt.services.store.tags.countBy({ tenant: 'default', category: 'network' }, 'documentId');
  expect(tags.length).toBe(43);
  expect(tags.filter((t) => t.negative > 0)).toHaveLength(17);

  const hook = await addWebhook(rt, receiver);
  const mk = async (name: string, threshold: Record<string, unknown>) =>
    (await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name, type: 'threshold', webhookIds: [hook], threshold }).expect(201)).body.id as string;
  const fires = await mk('network spike', { category: 'network', windowMinutes: 60, minDocuments: 20, minShare: 0.3, baselineDays: 7 });
  const tooFew = await mk('needs 50 docs', { category: 'network', minDocuments: 50, minShare: 0.3 });
  const lift = await mk('needs 10× baseline', { category: 'network', minDocuments: 20, minShare: 0.3, minLift: 10 });
  const highBar = await mk('needs 70 %', { category: 'network', minDocuments: 20, minShare: 0.7 });

  const rules = rt.services.actions.rules;
  const outcome = await rules.evaluateThreshold((await rules.get('default', fires))!, new Date(now));
  expect(outcome.fired).toBe(true);
  expect(outcome.window).toMatchObject({ documents: 22, negative: 14 });
  expect(outcome.window.share).toBeCloseTo(14 / 22, 10);
  expect(outcome.baseline).toMatchObject({ documents: 20, negative: 2, share: 0.1 });

  expect(await rules.evaluateThresholds(new Date(now))).toBe(1);
  // Evaluating again in the same period (the periodic check runs every minute) must not alert twice.
  expect(await rules.evaluateThresholds(new Date(now + 1000))).toBe(1);
  await receiver.waitFor((r) => r.some((x) => x.body.type === 'rule.threshold'));
  await settle(800);
  const alerts = receiver.ofType('rule.threshold');
  expect(alerts.map((a) => a.body.rule.id)).toEqual([fires]);
  expect(alerts[0]!.verified).toBe(true);
  expect(alerts[0]!.body.data).toMatchObject({ category: 'network', window: { documents: 22, negative: 14 }, baseline: { documents: 20, negative: 2 } });
  expect(alerts[0]!.body.data.lift).toBeCloseTo(14 / 22 / 0.1, 6);
  for (const id of [tooFew, lift, highBar]) expect(alerts.some((a) => a.body.rule.id === id)).toBe(false);

  // Another tenant with the same rule sees none of this tenant's documents.
  const adminB = await createKey(rt, ['admin'], 'tenant-b');
  const hookB = (await rt.http.post('/v1/webhooks').set(bearer(adminB)).send({ url: `${receiver.url}/b` }).expect(201)).body.id;
  const ruleB = (await rt.http.post('/v1/rules').set(bearer(adminB)).send({ name: 'b', type: 'threshold', webhookIds: [hookB], threshold: { category: 'network', minDocuments: 1, minShare: 0 } }).expect(201)).body.id;
  const outB = await rules.evaluateThreshold((await rules.get('tenant-b', ruleB))!, new Date(now));
  expect(outB).toMatchObject({ fired: false, window: { documents: 0 } });
});

test('a baseline thinner than minDocuments does not silence the rule', async () => {
  const now = Date.now();
  const tenant = 'tenant-thin-baseline';
  const key = await createKey(rt, ['ingest'], tenant);
  const admin = await createKey(rt, ['admin'], tenant);
  const ids: string[] = [];
  // Window: 15 negative + 5 positive network documents in the last hour (share 0.75 on 20).
  for (let i = 0; i < 15; i++) ids.push(await ingest(rt, key, `thin-neg-${i}`, '网络信号太差', { occurredAt: minutesAgo(now, 5 + i) }));
  for (let i = 0; i < 5; i++) ids.push(await ingest(rt, key, `thin-pos-${i}`, '网络很顺畅', { occurredAt: minutesAgo(now, 5 + i) }));
  // The whole trailing week: one negative network document (share 1 on 1).
  ids.push(await ingest(rt, key, 'thin-base', '网络信号太差', { occurredAt: minutesAgo(now, 2 * 1440) }));
  await waitDone(rt, ids);
  const hookId = (await rt.http.post('/v1/webhooks').set(bearer(admin)).send({ url: `${receiver.url}/thin` }).expect(201)).body.id;
  const mk = async (threshold: Record<string, unknown>) =>
    (await rt.http.post('/v1/rules').set(bearer(admin)).send({ name: 'thin', type: 'threshold', webhookIds: [hookId], threshold }).expect(201)).body.id as string;
  const rules = rt.services.actions.rules;
  const thin = await rules.evaluateThreshold(await rules.get(tenant, await mk({ category: 'network', minDocuments: 20, minShare: 0.3 })), new Date(now));
  expect(thin.window).toMatchObject({ documents: 20, negative: 15 });
  expect(thin.baseline).toMatchObject({ documents: 1, negative: 1, share: 1 });
  expect(thin.fired).toBe(true);
  // With a baseline of at least minDocuments documents the comparison applies: 0.75 is not above 1 × 1.
  const compared = await rules.evaluateThreshold(await rules.get(tenant, await mk({ category: 'network', minDocuments: 1, minShare: 0.3 })), new Date(now));
  expect(compared.fired).toBe(false);
});
