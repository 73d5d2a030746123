import { sleep } from './children.js';

// The client a careful integrator would write: on a connection error, a timeout or a 5xx it sends
// the SAME request again (same externalIds), because the first attempt may or may not have been
// stored. The service's idempotency turns those re-sends into `200 duplicate` with the original id,
// which counts as an acknowledgement.

export interface Response<T = unknown> {
  status: number;
  body: T;
}

export class TransientError extends Error {}

export class Client {
  retries = 0;
  /** Requests on the wire right now, by path: lets the chaos run aim a kill at a batch being handled. */
  private readonly active = new Map<string, number>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly key: string,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<Response<T>> {
    let res: globalThis.Response;
    this.active.set(path, (this.active.get(path) ?? 0) + 1);
    try {
      res = await fetch(this.baseUrl() + path, {
        method,
        headers: { Authorization: `Bearer ${this.key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      this.active.set(path, this.active.get(path)! - 1);
      // fetch reports refused/reset connections and our own timeout as thrown errors.
      throw new TransientError(describe(err));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new TransientError(`body: ${describe(err)}`);
    } finally {
      this.active.set(path, this.active.get(path)! - 1);
    }
    if (res.status >= 500 || res.status === 429) throw new TransientError(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed as T };
  }

  inFlight(path: string): number {
    return this.active.get(path) ?? 0;
  }

  /** Retries transient failures with capped backoff until `deadlineMs`; the last error is thrown. */
  async requestWithRetry<T = unknown>(method: string, path: string, body: unknown, deadlineMs: number): Promise<Response<T> & { attempts: number }> {
    let attempts = 0;
    let delay = 100;
    for (;;) {
      attempts++;
      try {
        return { ...(await this.request<T>(method, path, body)), attempts };
      } catch (err) {
        if (!(err instanceof TransientError) || Date.now() + delay > deadlineMs) throw err;
        this.retries++;
        await sleep(delay);
        delay = Math.min(2000, delay * 2);
      }
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.name + ': ' + err.message;
  }
  return String(err);
}

/** Pages through a cursor-paged listing (`{items,nextCursor}`) and returns every item. */
export async function pageAll<T>(client: Client, path: string, query: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const q: URLSearchParams = new URLSearchParams({ limit: '1000', ...query, ...(cursor ? { cursor } : {}) });
    const res: Response<{ items: T[]; nextCursor: string | null }> & { attempts: number } = await client.requestWithRetry<{ items: T[]; nextCursor: string | null }>('GET', `${path}?${q}`, undefined, Date.now() + 120_000);
    if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}
