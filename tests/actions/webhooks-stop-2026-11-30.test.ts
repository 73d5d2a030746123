import { expect, test } from 'vitest';
import { restartableData } from '../helpers/runtime.js';
import { Receiver, settle } from './receiver.js';
import { ACTIONS_ENV, addWebhook, sendTestEvent, useReceiver } from './setup.js';

// QA audit 2026-11-30: a stop while an attempt waited on a receiver that never answers waited out the
// 10 s response timeout, as long as SHUTDOWN_TIMEOUT_MS allows by default, and the service was forced to
// exit 1; the cut-off attempt also counted as one of WEBHOOK_ATTEMPTS.
let receiver: Receiver;
useReceiver((started) => (receiver = started));

/** Sends a test event, stops the service while its first attempt is on the wire, and reads the stored delivery after. */
async function stopDuringFirstAttempt(data: ReturnType<typeof restartableData>) {
  const first = await data.start();
  const hook = await addWebhook(first, receiver);
  const { deliveryId, tries } = await sendTestEvent(first, receiver, hook);
  await receiver.waitFor(() => tries().length === 1);
  await data.stop(first);
  const reopened = await data.start({ worker: false });
  const stored = await reopened.services.store.actions.deliveries.findById(deliveryId);
  await data.stop(reopened);
  return { deliveryId, tries, stored };
}

test('a stop cuts off an attempt waiting on a hanging receiver; it does not count, and the next start sends it', async () => {
  receiver.hold = true;
  const data = restartableData(ACTIONS_ENV);
  try {
    const { deliveryId, tries, stored } = await stopDuringFirstAttempt(data);
    // the stop closed the connection instead of waiting for an answer
    expect(receiver.abandoned).toBe(1);
    expect(stored).toMatchObject({ status: 'pending', attempts: 0, lastError: expect.stringMatching(/interrupted by a service stop/) });

    receiver.hold = false;
    const second = await data.start();
    await receiver.waitFor(() => tries().length === 2);
    await settle(300);
    const done = await second.services.store.actions.deliveries.findById(deliveryId);
    expect(done).toMatchObject({ status: 'delivered', attempts: 1, responseCode: 200 });
    expect(tries()[1]!.verified).toBe(true);
  } finally {
    await data.cleanup();
  }
});

// 2026-12-01: the stop cut off every attempt at once, also one whose answer was a few milliseconds away; the
// receiver had seen it, yet it did not count, so a restart could send a failing delivery WEBHOOK_ATTEMPTS + 1
// times (the restart test failed 1 run in 5 that way).
test('a stop waits briefly for an answer on its way: that attempt counts and is not sent again', async () => {
  Object.assign(receiver, { hold: false, abandoned: 0, script: [500], answerAfterMs: 400 });
  const data = restartableData(ACTIONS_ENV);
  try {
    const { stored } = await stopDuringFirstAttempt(data);
    expect(receiver.abandoned).toBe(0);
    expect(stored).toMatchObject({ status: 'pending', attempts: 1, responseCode: 500, lastError: 'receiver answered 500' });
  } finally {
    receiver.answerAfterMs = 0;
    await data.cleanup();
  }
});
