import { expect, test } from 'vitest';
import { periodStart } from '../../src/actions/rules-service.js';
import { bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { Receiver } from './receiver.js';
import { addWebhook, deliveriesOf, ingest, waitDone, useActionsRuntimeWithReceiver } from './setup.js';

// TIME_ZONE is process-wide; this file runs in its own fork, so the other threshold tests keep UTC.
let rt: TestRuntime;
let receiver: Receiver;
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s), { TIME_ZONE: 'Asia/Shanghai' });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

test('a one-day threshold window alerts at most once per Beijing calendar day, not per UTC day', async () => {
  const tenant = 'tz-threshold';
  const key = await createKey(rt, ['ingest'], tenant);
  const admin = await createKey(rt, ['admin'], tenant);
  await waitDone(rt, [await ingest(rt, key, 'tz-neg', '网络信号太差', { occurredAt: '2026-11-28T12:00:00Z' })]);
  const hook = await addWebhook(rt, receiver, admin);
  const ruleId = (
    await rt.http
      .post('/v1/rules')
      .set(bearer(admin))
      .send({ name: 'daily network', type: 'threshold', webhookIds: [hook], threshold: { category: 'network', windowMinutes: 1440, minDocuments: 1, minShare: 0, minLift: 0 } })
      .expect(201)
  ).body.id as string;
  const rules = rt.services.actions.rules;
  const rule = await rules.get(tenant, ruleId);
  const at = async (iso: string) => rules.evaluateThreshold(rule, new Date(iso));

  // 23:30 and 00:30 Beijing time: one UTC day (28 Nov), two local days.
  const lateEvening = await at('2026-11-28T15:30:00Z');
  const afterMidnight = await at('2026-11-28T16:30:00Z');
  // 00:30 and 08:30 Beijing time on 29 Nov: two UTC days, one local day.
  const morning = await at('2026-11-29T00:30:00Z');
  for (const o of [lateEvening, afterMidnight, morning]) expect(o.fired).toBe(true);
  expect(lateEvening.period).toBe('2026-11-27T16:00:00.000Z');
  expect(afterMidnight.period).toBe('2026-11-28T16:00:00.000Z');
  expect(morning.period).toBe('2026-11-28T16:00:00.000Z');

  const deliveries = await deliveriesOf(rt, hook, admin);
  expect(deliveries.filter((d) => d.ruleId === ruleId)).toHaveLength(2);
  await receiver.waitFor((r) => r.filter((x) => x.body.rule?.id === ruleId).length === 2);
  expect(receiver.received.filter((x) => x.body.rule?.id === ruleId).map((x) => x.body.data.period).sort()).toEqual(['2026-11-27T16:00:00.000Z', '2026-11-28T16:00:00.000Z']);
});

test('periodStart: local days and clock hours, in whole-hour, half-hour and DST zones', () => {
  const start = (iso: string, width: number, tz: string) => periodStart(new Date(iso), width, tz).toISOString();
  // UTC: the plain floor, as before TIME_ZONE existed.
  expect(start('2026-11-28T15:30:00.250Z', HOUR, 'UTC')).toBe('2026-11-28T15:00:00.000Z');
  expect(start('2026-11-28T15:30:00Z', DAY, 'UTC')).toBe('2026-11-28T00:00:00.000Z');
  // A whole-hour zone: hour periods are UTC hours.
  expect(start('2026-11-28T15:30:00Z', HOUR, 'Asia/Shanghai')).toBe('2026-11-28T15:00:00.000Z');
  // Half-hour zone: local clock hours (09:00 IST = 03:30Z) and local midnight.
  expect(start('2026-11-28T04:10:00Z', HOUR, 'Asia/Kolkata')).toBe('2026-11-28T03:30:00.000Z');
  expect(start('2026-11-28T20:00:00Z', DAY, 'Asia/Kolkata')).toBe('2026-11-28T18:30:00.000Z');
  // The 25-hour day of a fall-back change is one period from midnight CEST to midnight CET.
  expect(start('2026-10-25T12:00:00Z', DAY, 'Europe/Berlin')).toBe('2026-10-24T22:00:00.000Z');
  expect(start('2026-10-25T22:30:00Z', DAY, 'Europe/Berlin')).toBe('2026-10-24T22:00:00.000Z');
  expect(start('2026-10-25T23:00:00Z', DAY, 'Europe/Berlin')).toBe('2026-10-25T23:00:00.000Z');
  // A week window counts whole local days: it starts at a Beijing midnight (16:00Z).
  expect(start('2026-11-28T20:00:00Z', 7 * DAY, 'Asia/Shanghai').slice(11)).toBe('16:00:00.000Z');
});
