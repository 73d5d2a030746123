import { expect, test } from 'vitest';
import { bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { useActionsRuntime } from '../actions/setup.js';

// A threshold setting sent as null passed validation (IsOptional lets null through) and was stored as
// null over its default: a rule with windowMinutes: null was saved (201) and then threw at every
// evaluation (a period of width 0 has no start instant), so it never fired and nobody was told.
let rt: TestRuntime;
useActionsRuntime((r) => (rt = r));

const DEFAULTS = { windowMinutes: 60, minDocuments: 20, baselineDays: 7, minLift: 1 };

test('threshold settings sent as null take their defaults, and the rule can be evaluated', async () => {
  const admin = await createKey(rt, ['admin'], 'qa-threshold-null');
  const nulls = { category: 'network', minShare: 0.3, windowMinutes: null, minDocuments: null, baselineDays: null, minLift: null };
  const created = await rt.http.post('/v1/rules').set(bearer(admin)).send({ name: '网络差评激增', type: 'threshold', webhookIds: [], threshold: nulls }).expect(201);
  expect(created.body.threshold).toMatchObject({ ...DEFAULTS, category: 'network', minShare: 0.3 });
  const shown = await rt.http.get(`/v1/rules/${created.body.id}`).set(bearer(admin)).expect(200);
  expect(shown.body.threshold).toMatchObject(DEFAULTS);

  const rules = rt.services.actions.rules;
  const now = new Date('2026-11-30T10:17:00Z');
  const outcome = await rules.evaluateThreshold(await rules.get('qa-threshold-null', created.body.id), now);
  // the 60-minute window's period: the clock hour holding `now`
  expect(outcome.period).toBe('2026-11-30T10:00:00.000Z');
  expect(outcome.window.start.toISOString()).toBe('2026-11-30T09:17:00.000Z');

  // PUT replaces the rule with the same reading of null
  const replaced = await rt.http
    .put(`/v1/rules/${created.body.id}`)
    .set(bearer(admin))
    .send({ name: '网络差评激增', type: 'threshold', webhookIds: [], threshold: { ...nulls, windowMinutes: 30 } })
    .expect(200);
  expect(replaced.body.threshold).toMatchObject({ ...DEFAULTS, windowMinutes: 30 });
  const again = await rules.evaluateThreshold(await rules.get('qa-threshold-null', created.body.id), now);
  expect(again.period).toBe('2026-11-30T10:00:00.000Z');
});
