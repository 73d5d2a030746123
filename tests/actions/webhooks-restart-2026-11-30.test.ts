import { expect, test } from 'vitest';
import { restartableData } from '../helpers/runtime.js';
import { Receiver, settle } from './receiver.js';
import { ACTIONS_ENV, addWebhook, sendTestEvent, useReceiver } from './setup.js';

// QA audit 2026-11-29, finding 10: requeuePending enqueues a fresh job at start, and finality came from
// that job's attempt counter, so every restart granted WEBHOOK_ATTEMPTS more attempts.
let receiver: Receiver;
useReceiver((started) => (receiver = started));

test('a restart in the middle of the retries does not grant more than WEBHOOK_ATTEMPTS attempts in total', async () => {
  expect(ACTIONS_ENV.WEBHOOK_ATTEMPTS).toBe('4');
  receiver.script = Array<number>(20).fill(500);
  const data = restartableData(ACTIONS_ENV);
  const first = await data.start();
  try {
    const hook = await addWebhook(first, receiver);
    const { deliveryId, tries } = await sendTestEvent(first, receiver, hook);
    await receiver.waitFor(() => tries().length >= 2);
    await data.stop(first);
    const before = tries().length;
    expect(before).toBeLessThan(4);

    const second = await data.start();
    const deadline = Date.now() + 30_000;
    let stored = await second.services.store.actions.deliveries.findById(deliveryId);
    while (stored?.status === 'pending' && Date.now() < deadline) {
      await settle(50);
      stored = await second.services.store.actions.deliveries.findById(deliveryId);
    }
    expect(stored).toMatchObject({ status: 'failed', attempts: 4, responseCode: 500 });
    // Anything wrongly granted after the restart would be sent within the next backoff steps.
    await settle(2500);
    expect(tries()).toHaveLength(4);
    expect(tries().every((t) => t.verified && t.answered === 500)).toBe(true);
    expect((await second.services.store.actions.deliveries.findById(deliveryId))?.attempts).toBe(4);
  } finally {
    await data.cleanup();
  }
});
