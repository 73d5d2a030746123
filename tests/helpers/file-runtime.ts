import { afterAll, beforeAll } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, waitForStatus, type TestRuntime } from './runtime.js';

export interface StartedRuntime<K extends string> {
  rt: TestRuntime;
  /** One key per entry of the `keys` argument, under the same names. */
  keys: Record<K, string>;
}

export interface FileRuntimeOptions {
  /** Passed to startRuntime (config overrides). */
  env?: Record<string, string>;
  /** Passed to startRuntime; worker: false for files that never tag anything. */
  worker?: boolean;
  /** Tenant every key is created in (the keys' default tenant when absent). */
  tenant?: string;
}

/**
 * The set-up most API test files repeat: one runtime for the whole file (beforeAll), one key per named role
 * set, created in the order given, and the runtime closed after the file (afterAll).
 *
 * `started` hands the runtime and keys over once they exist, so a file keeps its own `let rt` and key
 * variables and its tests read exactly as before:
 *
 *   let rt: TestRuntime;
 *   let ingest: string;
 *   useFileRuntime({ ingest: ['ingest'] }, (s) => ({ rt, keys: { ingest } } = s));
 */
export function useFileRuntime<K extends string>(keys: Record<K, string[]>, started: (s: StartedRuntime<K>) => void, opts: FileRuntimeOptions = {}): void {
  let rt: TestRuntime | undefined;
  beforeAll(async () => {
    rt = await startRuntime(opts.env, opts.worker === undefined ? {} : { worker: opts.worker });
    const made = {} as Record<K, string>;
    for (const name of Object.keys(keys) as K[]) made[name] = await createKey(rt, keys[name], opts.tenant);
    started({ rt, keys: made });
  });
  afterAll(async () => rt?.close());
}

/**
 * POSTs one document with `key` (expecting 202) and waits until the worker has tagged it (done or failed),
 * reading it with `readKey`. Returns the document as GET /v1/documents/:id shows it.
 */
export async function ingestAndWait(rt: TestRuntime, key: string, body: Record<string, unknown>, readKey = ADMIN_KEY): Promise<Record<string, any>> {
  const res = await rt.http.post('/v1/documents').set(bearer(key)).send(body).expect(202);
  return waitForStatus(rt, res.body.id as string, readKey);
}
