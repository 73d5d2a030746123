import type { Logger } from './logger.js';

type Step = { name: string; run: () => Promise<void> | void };

/**
 * Ordered graceful shutdown: steps run one after another (stop intake, drain work, close queue and
 * store), and a force timer exits the process if any of them hangs.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private started: Promise<void> | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  /** True once a stop has begun (a signal may arrive while the service is still starting). */
  get stopping(): boolean {
    return this.started !== null;
  }

  add(name: string, run: Step['run']): void {
    this.steps.push({ name, run });
  }

  run(reason: string): Promise<void> {
    if (this.started) return this.started;
    this.logger.info({ reason }, 'shutting down');
    const force = setTimeout(() => {
      this.logger.error({ timeoutMs: this.timeoutMs }, 'shutdown timed out; forcing exit');
      process.exit(1);
    }, this.timeoutMs);
    force.unref();
    this.started = (async () => {
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

  installSignalHandlers(onDone: () => void): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void this.run(signal).then(onDone);
      });
    }
  }
}
