import type { Config } from '../config/env.js';
import type { Logger } from '../logger.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';
import type { AfterTaggedHook } from '../worker/process-document.js';
import { InsightsService } from './insights.js';
import { RoutingService } from './routing-service.js';
import { RulesService } from './rules-service.js';
import { policyFromEnv, type UrlPolicy } from './url-guard.js';
import { WebhookService } from './webhook-service.js';

type Env = Record<string, string | undefined>;

export interface ActionsSettings {
  urlPolicy: UrlPolicy;
  /** Delivery attempts before a delivery is marked failed (backoff 1 s, 2 s, 4 s … capped at 60 s). */
  webhookAttempts: number;
  /** How often threshold rules and the SLA check run. */
  intervalMs: number;
  webhookConcurrency: number;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) throw new Error(`${name}: must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

// Read here rather than in src/config/env.ts so the actions module stays self-contained; see docs/actions.md.
export function actionsSettingsFromEnv(env: Env = process.env): ActionsSettings {
  return {
    urlPolicy: policyFromEnv(env),
    webhookAttempts: int(env, 'WEBHOOK_ATTEMPTS', 8, 1, 50),
    intervalMs: int(env, 'ACTIONS_INTERVAL_MS', 60_000, 100, 86_400_000),
    webhookConcurrency: int(env, 'WEBHOOK_CONCURRENCY', 4, 1, 64),
  };
}

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
    this.webhooks = new WebhookService(store.actions, queue, settings.urlPolicy, logger);
    this.rules = new RulesService(store.actions, this.webhooks, logger);
    this.routing = new RoutingService(store.actions);
    this.insights = new InsightsService(store);
    this.hooks = [this.routing.afterTagged, this.rules.afterTagged];
  }

  static create(config: Config, store: Store, logger: Logger, createQueue: (config: Config, logger: Logger, name: string) => JobQueue, env: Env = process.env): Actions {
    const settings = actionsSettingsFromEnv(env);
    // Webhook receivers are often down for minutes, so deliveries get their own, longer retry budget.
    const queue = createQueue({ ...config, jobAttempts: settings.webhookAttempts }, logger, 'webhooks');
    return new Actions(store, queue, logger, settings);
  }

  /** Worker side: deliver webhooks, and run threshold rules and the SLA check on an interval. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.queue.startWorker((id, ctx) => this.webhooks.deliver(id, ctx), this.settings.webhookConcurrency);
    await this.webhooks.requeuePending();
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
    await this.queue.stopWorker();
    await this.queue.close();
  }
}
