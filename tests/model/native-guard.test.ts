import { describe, expect, test } from 'vitest';
import { GUARD_BUSY, GUARD_SLOTS, GUARD_STOP, guardedNative, shareNativeGuard } from '../../src/nlp/model/native-guard.js';

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
