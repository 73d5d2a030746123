import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, any>;
  verified: boolean;
  answered: number;
}

/**
 * A real webhook receiver on 127.0.0.1 that checks signatures the way docs/actions.md tells
 * integrators to: HMAC-SHA256 over "<timestamp>.<raw body>", constant-time compare, and a
 * timestamp no older than five minutes. Written against the recipe, not against our signer.
 */
export class Receiver {
  readonly received: Received[] = [];
  /** Status codes to answer in turn; 200 once the list is used up. */
  script: number[] = [];
  secrets = new Map<string, string>();
  /** While true, requests are recorded (answered: 0) and never answered: a receiver that hangs. */
  hold = false;
  /** Answers each request this long after it arrived (a receiver that takes its time but does answer). */
  answerAfterMs = 0;
  /** Held or delayed requests whose connection the sender closed before the answer. */
  abandoned = 0;
  private server!: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(raw) as Record<string, any>;
        const secret = this.secrets.get(req.url ?? '') ?? '';
        if (this.hold) {
          this.received.push({ headers: req.headers, raw, body, verified: verify(this.secrets.get(req.url ?? '') ?? '', req.headers, raw), answered: 0 });
          res.on('close', () => this.abandoned++);
          return;
        }
        const answered = this.script.shift() ?? 200;
        this.received.push({ headers: req.headers, raw, body, verified: verify(secret, req.headers, raw), answered });
        const answer = () => {
          if (res.destroyed) this.abandoned++;
          else res.writeHead(answered, { 'content-type': 'text/plain' }).end('ok');
        };
        if (this.answerAfterMs > 0) setTimeout(answer, this.answerAfterMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  ofType(type: string): Received[] {
    return this.received.filter((r) => r.body.type === type);
  }

  async waitFor(pred: (r: Received[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.received)) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met; got ${JSON.stringify(this.received.map((r) => r.body.type))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function verify(secret: string, headers: http.IncomingHttpHeaders, raw: string, now = Date.now()): boolean {
  const ts = String(headers['x-guandian-timestamp'] ?? '');
  const sig = String(headers['x-guandian-signature'] ?? '');
  if (!/^\d+$/.test(ts) || Math.abs(now / 1000 - Number(ts)) > 300) return false;
  const expected = 'sha256=' + createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex');
  return sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
}

/** Sleeps briefly so that anything wrongly sent twice has had the chance to arrive. */
export const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));
