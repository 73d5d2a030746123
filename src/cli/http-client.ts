import { CliFailure } from './errors.js';

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: { field?: string; message?: string }[] };
}

export class ApiError extends CliFailure {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** Retries on network errors, 429 and 502/503/504; only for requests that are safe to repeat. */
  retries?: number;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function describeApiError(status: number, body: unknown): { code: string; message: string } {
  const err = (body as ApiErrorBody | null)?.error;
  if (!err) return { code: `http_${status}`, message: `HTTP ${status}` };
  const details = (err.details ?? [])
    .map((d) => [d.field, d.message].filter(Boolean).join(': '))
    .filter((s) => s !== '')
    .join('; ');
  return { code: err.code ?? `http_${status}`, message: `${err.message ?? `HTTP ${status}`}${details ? ` (${details})` : ''}` };
}

export class HttpClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly key: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  url(path: string, query?: Record<string, string | undefined>): string {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  /** Sends the request and returns the raw response once the status is a success. */
  async raw(path: string, opts: RequestOptions = {}): Promise<Response> {
    const attempts = 1 + (opts.retries ?? 0);
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.url(path, opts.query), {
          method: opts.method ?? 'GET',
          headers: {
            Authorization: `Bearer ${this.key}`,
            Accept: 'application/json',
            ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          },
          ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        });
      } catch (err) {
        if (attempt < attempts) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new CliFailure(`cannot reach ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
      }
      if (res.ok) return res;
      if (RETRYABLE.has(res.status) && attempt < attempts) {
        await res.body?.cancel();
        // The rate limiter says when the window reopens; waiting less would only burn attempts.
        const retryAfter = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) * 1000 : 250 * 2 ** attempt);
        continue;
      }
      const text = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        // Not our JSON error shape (a proxy page, say); the status alone still tells the story.
      }
      const { code, message } = describeApiError(res.status, body);
      throw new ApiError(res.status, code, `${opts.method ?? 'GET'} ${path} failed: ${message}`);
    }
  }

  async json<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(path, opts);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      // something else answers at that address (another service on the port, a proxy's page)
      const type = res.headers.get('content-type') ?? 'no content type';
      throw new CliFailure(`${opts.method ?? 'GET'} ${path}: the server at ${this.baseUrl} answered ${res.status} with something that is not JSON (${type}); is --url right?`);
    }
  }
}
