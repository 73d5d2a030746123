import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { dropPrefix, redisUrl, stopPrivateRedis } from '../helpers/redis.js';
import { settle } from './receiver.js';
import { ACTIONS_ENV } from './setup.js';

// QA audit 2026-11-29, finding 6: one tenant's slow receivers held every delivery slot of the worker
// (WEBHOOK_CONCURRENCY, shared by all tenants) and delayed another tenant's alerts by ~30 s. A tenant
// now holds at most ceil(concurrency / 2) slots per worker; its other deliveries wait without using
// an attempt.

/** A receiver that answers /fast at once and holds every /slow request until release(). */
class GateReceiver {
  url = '';
  readonly held: http.ServerResponse[] = [];
  /** Every request as it arrived: its delivery id, path, and how many /slow requests were held then. */
  readonly log: { id: string; path: string; heldSlow: number; abortedSlow: number }[] = [];
  maxHeld = 0;
  abortedSlow = 0;
  private open = false;
  private server!: http.Server;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        this.log.push({ id: String(req.headers['x-guandian-delivery']), path, heldSlow: this.held.length, abortedSlow: this.abortedSlow });
        if (!path.startsWith('/slow') || this.open) {
          res.writeHead(200).end('ok');
          return;
        }
        this.held.push(res);
        this.maxHeld = Math.max(this.maxHeld, this.held.length);
        res.on('close', () => {
          if (!res.writableEnded) this.abortedSlow++;
          this.held.splice(this.held.indexOf(res), 1);
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  release(): void {
    this.open = true;
    for (const res of [...this.held]) res.writeHead(200).end('ok');
  }

  async waitFor(pred: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`gate receiver: ${what}; log ${JSON.stringify(this.log)}`);
      await settle(20);
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let redis: string | undefined;
afterAll(() => {
  if (redis) stopPrivateRedis();
});

describe.each(['embedded', 'bullmq'] as const)('on the %s queue', (kind) => {
  let rt: TestRuntime;
  let gate: GateReceiver;
  const prefix = `gdtest-fair-${randomUUID()}`;

  beforeAll(async () => {
    gate = await new GateReceiver().start();
    if (kind === 'bullmq') redis = await redisUrl();
    rt = await startRuntime({ ...ACTIONS_ENV, WEBHOOK_CONCURRENCY: '4', ...(kind === 'bullmq' ? { REDIS_URL: redis!, QUEUE_PREFIX: prefix } : {}) });
  });
  afterAll(async () => {
    gate?.release();
    await rt?.close();
    await gate?.close();
    if (kind === 'bullmq' && redis) await dropPrefix(redis, prefix);
  });

  test("one tenant's slow receiver holds at most half the slots; another tenant's delivery goes through meanwhile", async () => {
    expect(rt.services.actions.queue.kind).toBe(kind);
    const adminA = await createKey(rt, ['admin'], `fair-a-${kind}`);
    const adminB = await createKey(rt, ['admin'], `fair-b-${kind}`);
    const hookA = (await rt.http.post('/v1/webhooks').set(bearer(adminA)).send({ url: `${gate.url}/fast` }).expect(201)).body.id as string;
    const hookB = (await rt.http.post('/v1/webhooks').set(bearer(adminB)).send({ url: `${gate.url}/slow` }).expect(201)).body.id as string;

    const sentB: string[] = [];
    for (let i = 0; i < 6; i++) sentB.push((await rt.http.post(`/v1/webhooks/${hookB}/test`).set(bearer(adminB)).expect(202)).body.deliveryId);
    await gate.waitFor(() => gate.held.length >= 2, 'tenant B never reached its receiver');
    // Give a wrongly admitted third or fourth attempt of B the chance to arrive before A's event.
    await settle(300);
    const sentA = (await rt.http.post(`/v1/webhooks/${hookA}/test`).set(bearer(adminA)).expect(202)).body.deliveryId as string;
    await gate.waitFor(() => gate.log.some((r) => r.id === sentA), "tenant A's delivery did not arrive while B's receiver held its slots");

    const arrivedA = gate.log.find((r) => r.id === sentA)!;
    // A went through while B's first attempts were still held: not after they timed out and freed the slots.
    expect(arrivedA.heldSlow).toBeGreaterThan(0);
    expect(arrivedA.abortedSlow).toBe(0);
    expect(gate.held.length).toBeGreaterThan(0);
    expect(gate.maxHeld).toBe(2);
    expect(gate.log.filter((r) => r.path === '/slow')).toHaveLength(2);
    // The receiver logs the request before the worker has its answer and records it: wait for the record.
    const deadline = Date.now() + 10_000;
    let storedA = await rt.services.store.actions.deliveries.findById(sentA);
    while (storedA?.status === 'pending' && Date.now() < deadline) {
      await settle(25);
      storedA = await rt.services.store.actions.deliveries.findById(sentA);
    }
    expect(storedA).toMatchObject({ status: 'delivered', attempts: 1 });
    // B's waiting deliveries have not used an attempt.
    const waitingB = await Promise.all(sentB.map((id) => rt.services.store.actions.deliveries.findById(id)));
    expect(waitingB.filter((d) => d!.attempts === 0)).toHaveLength(4);

    gate.release();
    for (const id of sentB) {
      const deadline = Date.now() + 30_000;
      while ((await rt.services.store.actions.deliveries.findById(id))?.status !== 'delivered' && Date.now() < deadline) await settle(50);
    }
    const doneB = await Promise.all(sentB.map((id) => rt.services.store.actions.deliveries.findById(id)));
    expect(doneB.map((d) => [d!.status, d!.attempts])).toEqual(sentB.map(() => ['delivered', 1]));
    // Each of B's deliveries reached the receiver once, and never more than two at a time.
    expect(gate.log.filter((r) => r.path === '/slow').map((r) => r.id).sort()).toEqual([...sentB].sort());
    expect(gate.maxHeld).toBe(2);
  });
});
