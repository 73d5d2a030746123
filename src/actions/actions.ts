import type { ActionsSettings, Config } from '../config/env.js';
import type { Logger } from '../logger.js';
import type { JobQueue, QueueFactory } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';
import type { AfterTaggedHook } from '../worker/process-document.js';
import { InsightsService } from './insights.js';
import { RoutingService } from './routing-service.js';
import { RulesService } from './rules-service.js';
import { WebhookService } from './webhook-service.js';

export type { ActionsSettings } from '../config/env.js';

/** Alert rules, webhooks, complaint routing, journeys and KPIs: built once per process like the other services. */
export class Actions {
  readonly webhooks: WebhookService;
  readonly rules: RulesService;
  readonly routing: RoutingService;
  readonly insights: InsightsService;
  /** Routing first, so a case exists by the time a rule's webhook reaches its receiver. */
  readonly hooks: AfterTaggedHook[];
  private timer: NodeJS.Timeout | null = null;
  private tick: Promise<void> | null = null;
  private started = false;

  constructor(
    store: Store,
    readonly queue: JobQueue,
    private readonly logger: Logger,
    readonly settings: ActionsSettings,
  ) {
    this.webhooks = new WebhookService(store.actions, queue, settings.urlPolicy, logger, settings.webhookAttempts, settings.webhookConcurrency);
    this.rules = new RulesService(store.actions, this.webhooks, logger);
    this.routing = new RoutingService(store.actions);
    this.insights = new InsightsService(store);
    this.hooks = [this.routing.afterTagged, this.rules.afterTagged];
  }

  static create(config: Config, store: Store, logger: Logger, createQueue: QueueFactory): Actions {
    const settings = config.actions;
    // Webhook receivers are often down for minutes, so deliveries get their own, longer retry budget.
    const queue = createQueue({ ...config, jobAttempts: settings.webhookAttempts }, logger, 'webhooks');
    return new Actions(store, queue, logger, settings);
  }

  /**
   * After a labeler's correction (POST /v1/documents/:id/corrections, PATCH /v1/tags/:id): the case and
   * the document rules follow the reviewed tags as they follow a re-tag, routing first as in `hooks`.
   */
  async afterCorrection(tenant: string, documentId: string): Promise<void> {
    await this.routing.reroute(tenant, documentId);
    await this.rules.reevaluate(tenant, documentId);
  }

  /** Worker side: deliver webhooks, and run threshold rules and the SLA check on an interval. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.queue.startWorker((id, ctx) => this.webhooks.deliver(id, ctx), this.settings.webhookConcurrency);
    // A start during a Redis outage must not fail for want of queueing them (the service exited 1 whenever a
    // delivery was pending); they stay pending, and the periodic pass queues them once untouched ten minutes.
    await this.webhooks.requeuePending().catch((err: unknown) => {
      this.logger.error({ err: String(err) }, 'could not queue pending webhook deliveries at start; the periodic pass queues them again');
    });
    this.timer = setInterval(() => {
      if (!this.tick) this.tick = this.runPeriodic().finally(() => (this.tick = null));
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  /** One pass of the periodic work; exposed so tests and operators can run it on demand. */
  async runPeriodic(now = new Date()): Promise<void> {
    try {
      await this.rules.evaluateThresholds(now);
      await this.rules.checkSla(now);
      // A delivery untouched for ten minutes lost its job (BullMQ eviction, a crash between insert and enqueue).
      await this.webhooks.requeuePending(10 * 60_000);
    } catch (err) {
      this.logger.error({ err: String(err) }, 'periodic actions run failed');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tick;
    await this.webhooks.stop();
    await this.queue.stopWorker();
    await this.queue.close();
  }
}
