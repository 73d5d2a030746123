import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { GUARD_BUSY, GUARD_SLOTS, GUARD_STOP, guardedNative, newNativeGuard, shareNativeGuard, terminateWhenIdle } from '../../src/nlp/model/native-guard.js';
import type { TrainRequest } from '../../src/worker/train-thread.js';

// Terminating a thread inside an onnxruntime call aborts the process (native-guard.ts); the pool terminates only
// when BUSY is zero after setting STOP, and a call checks STOP after raising BUSY.
describe('native call guard', () => {
  test('a call raises BUSY while it runs and lowers it when it settles, also when it fails', async () => {
    const state = new Int32Array(new SharedArrayBuffer(GUARD_SLOTS * 4));
    shareNativeGuard(state);
    let during = -1;
    await guardedNative(async () => {
      during = Atomics.load(state, GUARD_BUSY);
      await new Promise((r) => setTimeout(r, 5));
    });
    expect(during).toBe(1);
    expect(Atomics.load(state, GUARD_BUSY)).toBe(0);
    await expect(guardedNative(() => Promise.reject(new Error('bad input')))).rejects.toThrow('bad input');
    expect(Atomics.load(state, GUARD_BUSY)).toBe(0);
  });

  test('after STOP no call starts, none settles, and BUSY stays zero, so the owner may terminate', async () => {
    const state = new Int32Array(new SharedArrayBuffer(GUARD_SLOTS * 4));
    shareNativeGuard(state);
    Atomics.store(state, GUARD_STOP, 1);
    let started = false;
    let settled = false;
    void guardedNative(async () => {
      started = true;
    }).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(false);
    expect(settled).toBe(false);
    expect(Atomics.load(state, GUARD_BUSY)).toBe(0);
  });
});

// The owner's side, with real threads: a thread that holds BUSY stands for one inside an onnxruntime call.
const HOLDER = `
const { workerData, parentPort } = require('node:worker_threads');
const s = new Int32Array(workerData.guard);
Atomics.add(s, 0, 1);
parentPort.postMessage('busy');
setTimeout(() => Atomics.sub(s, 0, 1), workerData.holdMs);
setInterval(() => {}, 1000);
`;

function holder(guard: Int32Array, holdMs: number): Promise<Worker> {
  const worker = new Worker(HOLDER, { eval: true, workerData: { guard: guard.buffer, holdMs } });
  return new Promise((resolve) => worker.once('message', () => resolve(worker)));
}

describe('terminating a guarded thread', () => {
  test('sets STOP, waits for the call under way to return, then terminates', async () => {
    const guard = newNativeGuard();
    const worker = await holder(guard, 300);
    const t0 = Date.now();
    let busyWhenTerminated = -1;
    const watched = { terminate: () => ((busyWhenTerminated = Atomics.load(guard, GUARD_BUSY)), worker.terminate()) };
    let said = false;
    await terminateWhenIdle(watched, guard, 5_000, () => (said = true));
    expect(Atomics.load(guard, GUARD_STOP)).toBe(1);
    expect(busyWhenTerminated).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(said).toBe(false);
  });

  test('gives up after its wait and says so', async () => {
    const guard = newNativeGuard();
    const worker = await holder(guard, 60_000);
    let said = false;
    await terminateWhenIdle(worker, guard, 100, () => (said = true));
    expect(said).toBe(true);
  });

  // A shutdown during training used to terminate the training thread without a guard, in the middle of its features
  // phase if it came then. The built thread (as the service starts it) must raise BUSY around its model calls.
  test('the training thread shares the guard its owner gives it: BUSY is raised while it computes features', async () => {
    const guard = newNativeGuard();
    const clauses = Array.from({ length: 200 }, (_, i) => `第${i}次打客服电话都没人接，网速也很慢`);
    const request: TrainRequest & { guard: SharedArrayBuffer } = {
      modelDir: resolve(import.meta.dirname, '../../models/current'),
      version: 'guard-test',
      corrections: clauses.map((text, i) => ({ text, polarity: 'negative', category: 'efficiency', at: i, before: { polarity: 'positive', category: 'efficiency' } })),
      parent: null,
      parentCutoff: 0,
      cached: {},
      guard: guard.buffer as SharedArrayBuffer,
    };
    const worker = new Worker(new URL('../../dist/worker/train-thread.js', import.meta.url), { workerData: request });
    let sawBusy = false;
    let done = false;
    worker.on('message', (m: { type: string }) => {
      if (m.type === 'done' || m.type === 'error') done = true;
    });
    worker.once('exit', () => (done = true));
    while (!done && !sawBusy) {
      sawBusy = Atomics.load(guard, GUARD_BUSY) > 0;
      await new Promise((r) => setImmediate(r));
    }
    await terminateWhenIdle(worker, guard, 5_000, () => undefined);
    expect(sawBusy).toBe(true);
  }, 60_000);
});
