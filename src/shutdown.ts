import type { Logger } from './logger.js';

type Step = { name: string; run: () => Promise<void> | void };

/**
 * Ordered graceful shutdown: steps run one after another (stop intake, drain work, close queue and
 * store), and a force timer exits the process if any of them hangs.
 *
 * Start-up is ordered with it: a stop that begins while the service is still starting (store loading,
 * analyzer threads spawning) waits for the start-up step in progress to settle before the first
 * shutdown step runs, and start-up checks `stopping` between its steps and goes no further. Closing
 * the store or the pool under a start-up that was still opening them made start-up fail on a closed
 * resource and the process exit 1 half-way through the shutdown.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private started: Promise<void> | null = null;
  private startup: Promise<unknown> | null = null;
  /** Why the process is stopping (e.g. "SIGTERM"), from the moment the stop begins; null before. */
  reason: string | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  /** True once a stop has begun (a signal may arrive while the service is still starting). */
  get stopping(): boolean {
    return this.reason !== null;
  }

  add(name: string, run: Step['run']): void {
    this.steps.push({ name, run });
  }

  /** Registers the start-up in progress, which a stop lets settle before closing anything. */
  starting<T>(startup: Promise<T>): Promise<T> {
    this.startup = startup;
    return startup;
  }

  run(reason: string): Promise<void> {
    if (this.started) return this.started;
    this.reason = reason;
    this.logger.info({ reason }, 'shutting down');
    // The budget counts from the signal, as the orchestrator's grace period does, start-up wait included.
    const force = setTimeout(() => {
      this.logger.error({ timeoutMs: this.timeoutMs }, 'shutdown timed out; forcing exit');
      process.exit(1);
    }, this.timeoutMs);
    force.unref();
    this.started = (async () => {
      // A start-up that failed is reported (exit 1) by whoever awaited it; the steps still close what it opened.
      await this.startup?.catch(() => undefined);
      for (const step of this.steps) {
        try {
          await step.run();
        } catch (err) {
          this.logger.error({ step: step.name, err: String(err) }, 'shutdown step failed');
        }
      }
      clearTimeout(force);
    })();
    return this.started;
  }
}
