import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AppError, badRequest, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobContext, JobQueue } from '../queue/job-queue.js';
import { ulid } from '../ids.js';
import type { AlertRuleRecord, WebhookDeliveryRecord, WebhookEndpointRecord } from '../store/records.js';
import type { ActionsStore } from './actions-store.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, newWebhookSecret, signPayload } from './signature.js';
import { checkWebhookUrl, guardedLookup, hostAllowed, isBlockedAddress, portOf, type UrlPolicy } from './url-guard.js';

export type DeliveryEvent = WebhookDeliveryRecord['event'];

/** Ids are hashes of what the delivery is about, so the same trigger seen twice is one delivery. */
export function deliveryId(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0001')).digest('hex').slice(0, 32);
}

export interface WebhookView {
  id: string;
  url: string;
  description: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const presentWebhook = (e: WebhookEndpointRecord): WebhookView => ({
  id: e._id,
  url: e.url,
  description: e.description,
  active: e.active,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

export const presentDelivery = (d: WebhookDeliveryRecord) => ({
  id: d._id,
  endpointId: d.endpointId,
  ruleId: d.ruleId,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  responseCode: d.responseCode,
  lastError: d.lastError,
  createdAt: d.createdAt,
  lastAttemptAt: d.lastAttemptAt,
  deliveredAt: d.deliveredAt,
});

const RESPONSE_TIMEOUT_MS = 10_000;
const STOPPING = 'ESTOPPING';
// Short against SHUTDOWN_TIMEOUT_MS (10 s by default): a receiver answering normally takes milliseconds, and
// the worker drain and store close still have to run after it.
const STOP_GRACE_MS = 1500;
const stoppingError = () => Object.assign(new Error('the service is stopping'), { code: STOPPING });
/** How often a tenant's parked deliveries are offered its free slots, besides whenever one of its attempts ends. */
const PARKED_RECHECK_MS = 1000;
/** lastError of the deliveries an endpoint's deactivation or deletion failed. */
const INACTIVE = 'webhook is inactive';
const DELETED = 'webhook was deleted';

function decodeDeliveryCursor(raw: string): { createdAt: Date; id: string } {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { c?: unknown; i?: unknown };
    if (typeof c.c === 'string' && typeof c.i === 'string' && !Number.isNaN(Date.parse(c.c))) return { createdAt: new Date(c.c), id: c.i };
  } catch {
    /* fall through */
  }
  throw badRequest('cursor is not valid; pass the nextCursor of a previous page', [{ field: 'cursor', message: 'invalid cursor' }]);
}

class RetryableDeliveryError extends Error {}

export class WebhookService {
  constructor(
    private readonly store: ActionsStore,
    private readonly queue: JobQueue,
    private readonly policy: UrlPolicy,
    private readonly logger: Logger,
    /** WEBHOOK_ATTEMPTS: attempts per delivery in total, across restarts (the stored count decides, not the queue's). */
    private readonly maxAttempts: number,
    /** WEBHOOK_CONCURRENCY: the worker's delivery slots, of which one tenant may hold at most half (rounded up). */
    concurrency: number,
  ) {
    this.tenantSlots = Math.max(1, Math.ceil(concurrency / 2));
  }

  private readonly tenantSlots: number;
  /** Attempts in flight in this process, per tenant, and the deliveries they are for. */
  private readonly slots = new Map<string, number>();
  private readonly running = new Set<string>();
  // Requests on the wire, cut off by stop(): an attempt may wait RESPONSE_TIMEOUT_MS for a slow receiver,
  // as long as the whole shutdown is allowed (SHUTDOWN_TIMEOUT_MS), which then ended in a forced exit 1.
  private readonly onTheWire = new Set<http.ClientRequest>();
  /** Deliveries whose job found their tenant's slots taken, per tenant, in arrival order. */
  private readonly parked = new Map<string, Set<string>>();
  private readonly recheck = new Map<string, NodeJS.Timeout>();
  private releaseSeq = 0;
  private stopped = false;
  private cutOff = false;

  async create(tenant: string, input: { url: string; description?: string; active?: boolean }): Promise<WebhookView & { secret: string }> {
    checkWebhookUrl(input.url, this.policy);
    const now = new Date();
    const record: WebhookEndpointRecord = {
      _id: ulid(),
      tenant,
      url: input.url,
      description: input.description ?? null,
      secret: newWebhookSecret(),
      active: input.active ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.webhooks.insert(record);
    return { ...presentWebhook(record), secret: record.secret };
  }

  async list(tenant: string): Promise<WebhookView[]> {
    return (await this.store.webhooks.list(tenant)).map(presentWebhook);
  }

  async get(tenant: string, id: string): Promise<WebhookEndpointRecord> {
    const e = await this.store.webhooks.find(tenant, id);
    if (!e) throw notFound('webhook');
    return e;
  }

  async update(tenant: string, id: string, input: { url?: string; description?: string | null; active?: boolean; rotateSecret?: boolean }) {
    await this.get(tenant, id);
    if (input.url !== undefined) checkWebhookUrl(input.url, this.policy);
    const secret = input.rotateSecret ? newWebhookSecret() : undefined;
    await this.store.webhooks.update(tenant, id, {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      ...(secret ? { secret } : {}),
      updatedAt: new Date(),
    });
    // Deactivating fails what is waiting for a retry now, not when its next attempt comes up: a client
    // reading the delivery log right after the PATCH sees the outcome (docs/actions.md). An attempt in
    // flight still records a 2xx as delivered; its retry finds the delivery failed and stops.
    if (input.active === false) await this.store.deliveries.failPending(tenant, id, INACTIVE);
    return { ...presentWebhook(await this.get(tenant, id)), ...(secret ? { secret } : {}) };
  }

  /**
   * Refused while a rule sends to it: removing the id from the rule instead could leave a rule that
   * notifies nobody without anyone deciding so, and keeping it made the rule unsaveable (its PUT then
   * failed on the unknown webhook).
   */
  async delete(tenant: string, id: string): Promise<void> {
    await this.get(tenant, id);
    const using = (await this.store.rules.list(tenant)).filter((r) => r.webhookIds.includes(id));
    if (using.length > 0) {
      throw new AppError(
        409,
        'webhook_in_use',
        `webhook ${id} is used by ${using.length} alert rule(s); remove it from them (PUT /v1/rules/:id) or delete them first`,
        using.map((r) => ({ field: 'rules', message: `${r._id} (${r.name})` })),
      );
    }
    if (!(await this.store.webhooks.delete(tenant, id))) throw notFound('webhook');
    await this.store.deliveries.failPending(tenant, id, DELETED);
  }

  /**
   * One page of the delivery log. Deliveries for one endpoint are often created in the same
   * millisecond (one document matching two rules, a batch tagged at once), so paging by createdAt
   * alone skips some: nextCursor carries the id too.
   */
  async deliveries(tenant: string, id: string, q: { limit: number; before?: Date; cursor?: string }) {
    await this.get(tenant, id);
    const rows = await this.store.deliveries.list(tenant, id, q.limit + 1, q.before, q.cursor ? decodeDeliveryCursor(q.cursor) : undefined);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(presentDelivery),
      nextCursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify({ c: new Date(last.createdAt).toISOString(), i: last._id })).toString('base64url') : null,
    };
  }

  async sendTest(tenant: string, id: string): Promise<string> {
    const endpoint = await this.get(tenant, id);
    // The delivery job would only record it as failed ('webhook is inactive'): refuse up front, so the
    // admin learns why at once and the log does not fill with deliveries that were never attempted.
    if (!endpoint.active) {
      throw new AppError(409, 'webhook_inactive', 'this webhook is inactive; activate it (PATCH active: true) to send a test event', [
        { field: 'active', message: 'endpoint inactive' },
      ]);
    }
    // Each test is a new event on purpose: the admin pressed the button again.
    const did = deliveryId('test', endpoint._id, randomUUID());
    await this.record(tenant, endpoint._id, null, 'test', did, { message: 'test event from Guandian', webhookId: endpoint._id });
    return did;
  }

  /**
   * Sends a failed delivery again, the same event under the same id, with WEBHOOK_ATTEMPTS more attempts: a
   * receiver down for longer than the retries last (about two minutes with the defaults) otherwise lost those
   * alerts for good. A delivery that is pending or delivered is a 409 naming `status`; an inactive endpoint a
   * 409 as for a test event.
   */
  async redeliver(tenant: string, endpointId: string, deliveryId: string): Promise<void> {
    const endpoint = await this.get(tenant, endpointId);
    const delivery = await this.store.deliveries.findById(deliveryId);
    if (!delivery || delivery.tenant !== tenant || delivery.endpointId !== endpoint._id) throw notFound('delivery');
    if (!endpoint.active) {
      throw new AppError(409, 'webhook_inactive', 'this webhook is inactive; activate it (PATCH active: true) to send the delivery again', [
        { field: 'active', message: 'endpoint inactive' },
      ]);
    }
    if (!(await this.store.deliveries.reopenFailed(deliveryId))) {
      throw new AppError(409, 'delivery_not_failed', `only a failed delivery is sent again; this one is ${delivery.status === 'failed' ? 'pending again' : delivery.status}`, [
        { field: 'status', message: `is ${delivery.status === 'failed' ? 'pending' : delivery.status}` },
      ]);
    }
    // a job under this id finished (failed) long ago: it must not swallow the add
    await this.enqueueStored(deliveryId, true);
  }

  /**
   * Queues a delivery already stored as pending. When the queue does not answer (Redis down), it stays
   * pending and requeuePending queues it again once it has been untouched for ten minutes (and at the
   * worker's start): a test event or a redelivery answered a 500 for a delivery it had stored, and sent.
   */
  private async enqueueStored(id: string, replaceFinished: boolean): Promise<void> {
    try {
      await this.queue.enqueue([{ documentId: id, generation: 0 }], { replaceFinished });
    } catch (err) {
      this.logger.error({ deliveryId: id, err: String(err) }, 'could not queue a webhook delivery; it stays pending and is queued again within ten minutes');
    }
  }

  /** Creates one delivery per active endpoint of the rule; an id seen before is skipped, so re-runs never re-send. */
  async fire(rule: AlertRuleRecord, subject: string, event: DeliveryEvent, data: Record<string, unknown>): Promise<number> {
    const endpoints = await this.store.webhooks.manyActive(rule.tenant, rule.webhookIds);
    let created = 0;
    for (const e of endpoints) {
      if (await this.record(rule.tenant, e._id, rule, event, deliveryId(rule._id, subject, e._id), data)) created++;
    }
    return created;
  }

  private async record(tenant: string, endpointId: string, rule: AlertRuleRecord | null, event: DeliveryEvent, id: string, data: Record<string, unknown>): Promise<boolean> {
    const now = new Date();
    const fresh = await this.store.deliveries.insertIfAbsent({
      _id: id,
      tenant,
      endpointId,
      ruleId: rule?._id ?? null,
      event,
      payload: {
        id,
        type: event,
        createdAt: now.toISOString(),
        tenant,
        rule: rule ? { id: rule._id, name: rule.name, type: rule.type } : null,
        data,
      },
      status: 'pending',
      attempts: 0,
      responseCode: null,
      lastError: null,
      createdAt: now,
      lastAttemptAt: null,
      deliveredAt: null,
    });
    // A job that read its document before an erasure deleted it (and the deliveries about it) stores its
    // delivery afterwards: look again now that it is stored, so the erased customer's words neither stay
    // on disk nor go out. Erasure deletes deliveries again after the documents (privacy-service.ts), which
    // covers the other order: stored here, then the document deleted.
    if (fresh && (await this.aboutErasedDocument(data))) {
      await this.store.deliveries.erase(id);
      return false;
    }
    // Enqueued even when not fresh: a delivery stored before a crash may never have reached the queue,
    // and a pending job with this id is a no-op to add again.
    const existing = fresh ? null : await this.store.deliveries.findById(id);
    if (fresh || existing?.status === 'pending') await this.enqueueStored(id, !fresh);
    return fresh;
  }

  /** Re-enqueues pending deliveries: the in-process queue forgets its jobs on exit, BullMQ may have lost some. */
  async requeuePending(olderThanMs = 0): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    const pending = (await this.store.deliveries.pending(1000)).filter((d) => (d.lastAttemptAt ?? d.createdAt).getTime() <= cutoff);
    // The store says these are unfinished, so a job BullMQ already finished under the same id (failed
    // after its worker stalled out, without our handler recording anything) must not swallow the add.
    if (pending.length > 0) await this.queue.enqueue(pending.map((d) => ({ documentId: d._id, generation: 0 })), { replaceFinished: true });
    return pending.length;
  }

  /** Whether an event's data names a document (document and SLA events do) that no longer exists. */
  private async aboutErasedDocument(data: unknown): Promise<boolean> {
    const subject = (data as { document?: { id?: unknown } } | undefined)?.document?.id;
    return typeof subject === 'string' && (await this.store.queries.findDocuments({ _id: subject }, { _id: 1 }, 1)).length === 0;
  }

  /** The webhooks queue's job: one attempt at one delivery. Throws to make the queue retry with backoff. */
  async deliver(id: string, ctx: JobContext): Promise<void> {
    const current = await this.store.deliveries.findById(id);
    // stopping: it stays pending, queued again at the next start
    if (!current || current.status !== 'pending' || this.stopped) return;
    const tenant = current.tenant;
    // No await between these checks and taking the slot: jobs run concurrently.
    // A second job for a delivery already being attempted here (a re-queue) must not send it twice.
    if (this.running.has(id)) return;
    const inFlight = this.slots.get(tenant) ?? 0;
    if (inFlight >= this.tenantSlots) {
      this.park(tenant, id);
      return;
    }
    this.running.add(id);
    this.slots.set(tenant, inFlight + 1);
    try {
      await this.attempt(id, current, ctx);
    } finally {
      this.running.delete(id);
      const left = (this.slots.get(tenant) ?? 1) - 1;
      if (left > 0) this.slots.set(tenant, left);
      else this.slots.delete(tenant);
      this.releaseParked(tenant);
    }
  }

  /**
   * Per-tenant fairness. Every tenant shares the worker's WEBHOOK_CONCURRENCY slots, and one attempt may
   * hold a slot for RESPONSE_TIMEOUT_MS, so one tenant's slow receivers could delay every other tenant's
   * alerts. A tenant gets at most ceil(concurrency / 2) attempts in flight per worker; a delivery over
   * that is parked (its job ends without an attempt, nothing stored changes) and queued again under a
   * fresh job id when one of its tenant's slots frees, or on the next recheck. Parked ids live in
   * memory only: after a stop they are pending deliveries like any other, queued again at start.
   */
  private park(tenant: string, id: string): void {
    let ids = this.parked.get(tenant);
    if (!ids) this.parked.set(tenant, (ids = new Set()));
    ids.add(id);
    if (!this.recheck.has(tenant) && !this.stopped) {
      const timer = setInterval(() => this.releaseParked(tenant), PARKED_RECHECK_MS);
      timer.unref();
      this.recheck.set(tenant, timer);
    }
  }

  /** Queues as many of the tenant's parked deliveries as it has free slots (a job that lands over the cap parks again). */
  private releaseParked(tenant: string): void {
    const ids = this.parked.get(tenant);
    if (this.stopped || !ids) return;
    const free = this.tenantSlots - (this.slots.get(tenant) ?? 0);
    const take = [...ids].slice(0, Math.max(0, free));
    for (const id of take) ids.delete(id);
    if (ids.size === 0) {
      this.parked.delete(tenant);
      clearInterval(this.recheck.get(tenant));
      this.recheck.delete(tenant);
    }
    if (take.length === 0) return;
    // A fresh job id: the parked job may not be gone from the queue yet (BullMQ removes it as it completes).
    const jobs = take.map((id) => ({ documentId: id, generation: ++this.releaseSeq }));
    this.queue.enqueue(jobs, { replaceFinished: true }).catch((err: unknown) => {
      // Still pending in the store: requeuePending picks them up after ten minutes, or at the next start.
      this.logger.warn({ tenant, deliveries: take.length, err: String(err) }, 'could not queue parked webhook deliveries again');
    });
  }

  /**
   * Stops re-queueing parked deliveries (before the worker stops); they stay pending in the store. Requests
   * already on the wire get STOP_GRACE_MS to be answered, so an answer that is on its way counts as the
   * attempt the receiver saw; one still waiting then is cut off and does not count.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.recheck.values()) clearInterval(timer);
    this.recheck.clear();
    this.parked.clear();
    const deadline = Date.now() + STOP_GRACE_MS;
    while (this.onTheWire.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    this.cutOff = true;
    for (const req of this.onTheWire) req.destroy(stoppingError());
  }

  private async attempt(id: string, current: WebhookDeliveryRecord, ctx: JobContext): Promise<void> {
    // Erasure deletes a document's deliveries, but one created after it (the document's job or a
    // correction's re-evaluation was already running with a copy of it) or queued for a retry must
    // not send the erased customer's words either: no document, no delivery, and no record of it.
    if (await this.aboutErasedDocument(current.payload.data)) {
      await this.store.deliveries.erase(id);
      return;
    }
    const endpoint = await this.store.webhooks.findById(current.endpointId);
    if (!endpoint || !endpoint.active) {
      await this.store.deliveries.update(id, { status: 'failed', lastError: endpoint ? INACTIVE : DELETED });
      return;
    }
    // The stored count, not the queue job's: a restart enqueues a fresh job (requeuePending) whose own
    // counter starts again at 1, and must not grant another WEBHOOK_ATTEMPTS against a failing receiver.
    if (current.attempts >= this.maxAttempts) {
      await this.store.deliveries.update(id, { status: 'failed', lastError: current.lastError ?? `gave up after ${current.attempts} attempts` });
      return;
    }
    const started = await this.store.deliveries.startAttempt(id, new Date());
    if (!started) return;
    const body = JSON.stringify(current.payload);
    let code: number | null = null;
    try {
      code = await this.post(endpoint, id, body);
      if (code >= 200 && code < 300) {
        await this.store.deliveries.update(id, { status: 'delivered', responseCode: code, lastError: null, deliveredAt: new Date() });
        return;
      }
      // 4xx other than 408/429 means the receiver rejected this event; repeating it will not help.
      if (code < 500 && code !== 408 && code !== 429) {
        await this.store.deliveries.update(id, { status: 'failed', responseCode: code, lastError: `receiver answered ${code}` });
        return;
      }
      throw new RetryableDeliveryError(`receiver answered ${code}`);
    } catch (err) {
      if ((err as { code?: string }).code === STOPPING) {
        // Cut off by a stop: not the receiver's failure, so the attempt does not count. The delivery stays
        // pending and is queued again at the next start (the receiver may have seen it: deliveries are at
        // least once, and X-Guandian-Delivery lets it drop the repeat).
        await this.store.deliveries.updateIfPending(id, { attempts: started.attempts - 1, lastError: 'interrupted by a service stop; sent again at the next start' });
        this.logger.info({ deliveryId: id }, 'webhook attempt interrupted by shutdown; delivery stays pending');
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      const blocked = (err as { code?: string }).code === 'EADDRBLOCKED';
      const final = started.attempts >= this.maxAttempts || blocked;
      const outcome = { responseCode: code, lastError: message.slice(0, 300) };
      // a retry only while nobody failed the delivery meanwhile (its endpoint deactivated or deleted)
      let retry = !final;
      if (final) await this.store.deliveries.update(id, { status: 'failed', ...outcome });
      else retry = await this.store.deliveries.updateIfPending(id, { status: 'pending', ...outcome });
      this.logger.warn({ deliveryId: id, attempt: started.attempts, queueAttempt: ctx.attempt, final: !retry, err: message }, 'webhook delivery failed');
      if (retry) throw err;
    }
  }

  private post(endpoint: WebhookEndpointRecord, id: string, body: string): Promise<number> {
    const url = new URL(endpoint.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = portOf(url);
    const allowlisted = hostAllowed(this.policy, host, port);
    // IP literals never go through lookup, so they are checked here; names are checked per resolved address.
    if (net.isIP(host) !== 0 && isBlockedAddress(host) && !allowlisted) {
      return Promise.reject(Object.assign(new Error(`refusing to connect to ${host}: not a public address`), { code: 'EADDRBLOCKED' }));
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<number>((resolve, reject) => {
      // `timeout` below is an idle timeout that every trickled byte resets; this bounds the whole
      // exchange, so a receiver cannot hold one of the few delivery slots for long.
      const deadline = setTimeout(() => req.destroy(new Error(`no response within ${RESPONSE_TIMEOUT_MS} ms`)), RESPONSE_TIMEOUT_MS);
      const req = client.request(
        url,
        {
          method: 'POST',
          lookup: guardedLookup(this.policy, host, port),
          timeout: RESPONSE_TIMEOUT_MS,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(body),
            'User-Agent': 'Guandian-Webhook/1',
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signPayload(endpoint.secret, timestamp, body),
            [DELIVERY_HEADER]: id,
          },
        },
        (res) => {
          // Only the status matters and it is final with the headers: answer now, and drain the body
          // only so the socket is released (the deadline cuts off a body that never ends).
          resolve(res.statusCode ?? 0);
          res.on('error', () => undefined);
          res.resume();
        },
      );
      this.onTheWire.add(req);
      // an attempt that started while the grace ran out is not sent at all
      if (this.cutOff) req.destroy(stoppingError());
      req.on('close', () => {
        clearTimeout(deadline);
        this.onTheWire.delete(req);
      });
      req.on('timeout', () => req.destroy(new Error(`no response within ${RESPONSE_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
