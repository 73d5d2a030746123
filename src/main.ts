import http from 'node:http';
import { ConfigError, loadConfig, type Config } from './config/env.js';
import { createApp } from './api/app.js';
import { createLogger } from './logger.js';
import { createServices, startWorker } from './runtime.js';
import { Shutdown } from './shutdown.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`guandian: invalid configuration: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);

  // Signals are handled from here on, so a stop during start-up still closes what was opened.
  // Order matters: stop taking requests, stop taking jobs (letting in-flight ones finish), stop the
  // reconciler, then close the queue, the analyzer threads and the store.
  let server: http.Server | null = null;
  const shutdown = new Shutdown(logger, config.shutdownTimeoutMs);
  let draining = false;
  shutdown.add('http', () =>
    new Promise<void>((resolve) => {
      if (!server?.listening) return resolve();
      // Busy keep-alive connections keep bringing new requests after close(); answer them with
      // "Connection: close" so clients reconnect (elsewhere, or after the restart), and cut what is
      // left after a short grace period so the worker drain and store close still run.
      draining = true;
      server.close(() => resolve());
      server.closeIdleConnections();
      const grace = setTimeout(() => server!.closeAllConnections(), Math.min(5000, config.shutdownTimeoutMs / 3));
      grace.unref();
    }),
  );
  shutdown.add('worker', () => services.queue.stopWorker());
  // Timers and webhook deliveries stop before the store closes under them.
  shutdown.add('actions', () => services.actions.stop());
  shutdown.add('models', () => services.models.stop());
  shutdown.add('reconciler', () => {
    services.privacy.stopRetention();
    return services.reconciler.stop();
  });
  shutdown.add('queue', () => services.queue.close());
  shutdown.add('analyzer', () => services.pool?.close());
  shutdown.add('store', () => services.store.close());
  shutdown.installSignalHandlers(() => process.exit(0));

  if (config.role !== 'api') await startWorker(services);
  if (shutdown.stopping) return;
  if (config.role !== 'worker') {
    server = http.createServer(createApp(services));
    server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      if (draining) res.setHeader('Connection', 'close');
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(config.port, config.host, resolve);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ host: config.host, port, role: config.role, store: services.store.engine.kind, queue: services.queue.kind }, 'listening');
    if (services.generatedAdminKey) {
      process.stdout.write(
        `\n  No admin key was configured, so one was generated. It is shown only this once:\n\n    ${services.generatedAdminKey}\n\n  Only its hash is stored. Set GUANDIAN_ADMIN_KEY to choose your own.\n\n`,
      );
    }
    // Machine-readable line for scripts and tests that start the service on port 0.
    process.stdout.write(`GUANDIAN_LISTENING http://${config.host}:${port}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`guandian: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
