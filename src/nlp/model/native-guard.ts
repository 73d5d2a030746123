/*
 * Terminating a worker thread while it is inside an onnxruntime call aborts the whole process ("terminate called
 * after throwing an instance of 'Napi::Error'": the addon throws a C++ exception when it returns into an engine that
 * is being torn down). Reproduced by terminating an analyzer thread at random moments while it tags; it happened
 * once in CI, in the pool's watchdog test. A thread that may be terminated shares two counters with its owner
 * (src/worker/analyzer-pool.ts): BUSY, the onnxruntime calls under way on it, and STOP, set by the owner before it
 * terminates the thread. A call is entered only while STOP is unset; the owner terminates only once BUSY is zero.
 * Each side writes its own counter before it reads the other's (sequentially consistent atomics), so at least one
 * of them sees the other: no call starts after the owner has looked.
 */
export const GUARD_BUSY = 0;
export const GUARD_STOP = 1;
/** Int32 slots of a guard's SharedArrayBuffer. */
export const GUARD_SLOTS = 2;

let shared: Int32Array | null = null;

/** Called once by a thread its owner may terminate, before any model is loaded; null removes the guard. */
export function shareNativeGuard(state: Int32Array | null): void {
  shared = state;
}

/**
 * Runs an onnxruntime call (session creation, a run) under the guard, when this thread has one. Once the owner has
 * set STOP the call never starts and never settles: the thread waits to be terminated, and its requests fail with
 * the owner's reason. (An error here would be worse: the analyzer carries on without the model's view of a clause,
 * and its answer would pass for a normal one.)
 */
export async function guardedNative<T>(call: () => Promise<T>): Promise<T> {
  const state = shared;
  if (!state) return call();
  Atomics.add(state, GUARD_BUSY, 1);
  if (Atomics.load(state, GUARD_STOP) !== 0) {
    Atomics.sub(state, GUARD_BUSY, 1);
    return new Promise<T>(() => {});
  }
  try {
    return await call();
  } finally {
    Atomics.sub(state, GUARD_BUSY, 1);
  }
}

/** A new guard for a thread about to be started: pass its buffer in the thread's workerData. */
export function newNativeGuard(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(GUARD_SLOTS * Int32Array.BYTES_PER_ELEMENT));
}

/**
 * The owner's side: tells the thread to start no new onnxruntime call, waits (up to `waitMs`) for the calls under
 * way to return, then terminates it. Says so through `stillBusy` when it had to terminate a thread inside a call.
 */
export async function terminateWhenIdle(worker: { terminate(): Promise<number> }, guard: Int32Array, waitMs: number, stillBusy: () => void): Promise<void> {
  Atomics.store(guard, GUARD_STOP, 1);
  const until = Date.now() + waitMs;
  while (Atomics.load(guard, GUARD_BUSY) !== 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
  if (Atomics.load(guard, GUARD_BUSY) !== 0) stillBusy();
  await worker.terminate();
}
