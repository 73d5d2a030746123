import http from 'node:http';
import type { Config } from './config/env.js';
import type { Services } from './runtime.js';
import type { AnalyzerPool } from './worker/analyzer-pool.js';
import { Shutdown } from './shutdown.js';

// Signals are handled before the service's modules load (they take a moment): a SIGTERM at any point
// of start-up is a clean stop with exit 0, never the default action or a half-closed start-up. They stay
// handled for the whole stop: a signal often comes twice (Ctrl-C or systemd signal the process group and
// npm passes its own copy on), and a one-shot handler left the second to the default action, which
// killed the process mid-stop. A repeat joins the stop under way; SHUTDOWN_TIMEOUT_MS still bounds it.
let shutdown: Shutdown | null = null;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // nothing has been opened yet
    if (!shutdown) process.exit(0);
    void shutdown.run(signal).then(() => process.exit(0));
  });
}

const { ConfigError, checkDirectories, loadConfig } = await import('./config/env.js');
const { createLogger } = await import('./logger.js');

function configOrExit(): Config {
  try {
    const config = loadConfig();
    checkDirectories(config);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`guandian: invalid configuration: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

const MAX_HEADER_BYTES = 64 * 1024;
/** How long an idle keep-alive connection stays open: past the 60 s proxies and load balancers keep theirs. */
const KEEP_ALIVE_MS = 65_000;
const REFUSED_WHILE_STOPPING = JSON.stringify({
  error: { code: 'shutting_down', message: 'this instance is shutting down; retry the request (another instance, or this one after its restart)', details: [] },
});

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const stop = new Shutdown(logger, config.shutdownTimeoutMs);
  let services: Services | null = null;
  let server: http.Server | null = null;
  let analyzerThreads: Promise<AnalyzerPool> | null = null;

  // Order matters: stop taking requests, stop taking jobs (letting in-flight ones finish), stop the
  // reconciler, then close the queue, the analyzer threads and the store. Every step copes with a
  // start-up that stopped before opening what it closes.
  let draining = false;
  let inflight = 0;
  let whenIdle: (() => void) | null = null;
  stop.add('http', () =>
    new Promise<void>((resolve) => {
      const srv = server;
      if (!srv?.listening) return resolve();
      draining = true;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        srv.close(() => resolve());
        srv.closeIdleConnections();
      };
      // The listener stays open while requests are in flight, so a load balancer's probe gets /readyz's
      // 503 (and any new request a 503 to retry elsewhere) instead of a refused connection; once the
      // last one is answered it closes. A request that outlasts the grace period is cut, so the worker
      // drain and store close still run.
      whenIdle = close;
      if (inflight === 0) close();
      const grace = setTimeout(() => {
        close();
        srv.closeAllConnections();
      }, Math.min(5000, config.shutdownTimeoutMs / 3));
      grace.unref();
    }),
  );
  stop.add('worker', () => services?.queue.stopWorker());
  // Timers and webhook deliveries stop before the store closes under them.
  stop.add('actions', () => services?.actions.stop());
  stop.add('models', () => services?.models.stop());
  stop.add('reconciler', () => {
    services?.privacy.stopRetention();
    return services?.reconciler.stop();
  });
  stop.add('queue', () => services?.queue.close());
  // the threads main started early, when the start-up stopped before the worker took them
  stop.add('analyzer', async () => (services?.pool ?? (await analyzerThreads?.catch(() => null)))?.close());
  stop.add('store', () => services?.store.close());
  shutdown = stop;

  // The analyzer threads load the lexicons and the model (about two seconds) while this thread loads the
  // API's modules and opens the store: started one after the other, a start took a second longer. A failure
  // is reported where the worker takes them (startWorker), after the store's own start-up errors.
  if (config.role !== 'api') {
    analyzerThreads = import('./worker/analyzer-pool.js').then(({ AnalyzerPool }) => AnalyzerPool.forConfig(config, logger));
    analyzerThreads.catch(() => undefined);
  }

  await stop.starting(
    (async () => {
      // in this order: the app's modules load reflect-metadata, which decorated classes elsewhere need first
      const { createApp } = await import('./api/app.js');
      const { createServices, startWorker } = await import('./runtime.js');
      if (stop.stopping) return;
      logger.debug({ role: config.role }, 'opening store and queue');
      const s = await createServices(config, logger);
      services = s;
      s.stopping = () => stop.reason;
      if (stop.stopping) return;
      if (config.role !== 'api') {
        logger.debug({ threads: config.analyzerThreads }, 'starting analyzer threads and worker');
        await startWorker(s, analyzerThreads ?? undefined);
      }
      if (stop.stopping || config.role === 'worker') return;
      const app = createApp(s);
      // 64 KB of request line and headers rather than Node's 16 KB: a long search (q) or filter list then
      // reaches the API and gets its 400 naming the parameter instead of a bare 431.
      const srv = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
        inflight++;
        res.once('close', () => {
          inflight--;
          if (inflight === 0) whenIdle?.();
        });
        if (draining) {
          // Clients on a kept-alive connection reconnect, to another instance or after the restart.
          res.setHeader('Connection', 'close');
          const path = req.url?.split('?')[0];
          const probe = path === '/healthz' || path === '/readyz';
          if (!probe) {
            res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '1' }).end(REFUSED_WHILE_STOPPING);
            return;
          }
        }
        app(req, res);
      });
      // Errors Node answers before the app sees the request: the same JSON error shape as every other.
      srv.on('clientError', (err: NodeJS.ErrnoException, socket) => {
        if (!socket.writable) return socket.destroy();
        const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
        const status = tooLarge ? 431 : 400;
        const body = JSON.stringify({
          error: tooLarge
            ? { code: 'headers_too_large', message: `request line and headers exceed ${MAX_HEADER_BYTES / 1024} KB`, details: [{ field: '(headers)', message: 'too large' }] }
            : { code: 'bad_request', message: 'malformed HTTP request', details: [] },
        });
        socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      });
      server = srv;
      // Idle keep-alive connections stay open longer than the proxies and clients in front of the API keep
      // theirs (nginx's upstream keepalive_timeout and cloud load balancers: 60 s): with Node's 5 s, a proxy
      // reused a connection the server had just closed and its request failed with a reset (seen as
      // ECONNRESET from fetch on a loaded machine). The stop closes idle connections first, so this does
      // not slow it down.
      srv.keepAliveTimeout = KEEP_ALIVE_MS;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(config.port, config.host, resolve);
      });
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      logger.info({ host: config.host, port, role: config.role, store: s.store.engine.kind, queue: s.queue.kind }, 'listening');
      if (s.generatedAdminKey) {
        process.stdout.write(
          `\n  No admin key was configured, so one was generated. It is shown only this once:\n\n    ${s.generatedAdminKey}\n\n  Only its hash is stored. Set GUANDIAN_ADMIN_KEY to choose your own.\n\n`,
        );
      }
      // Machine-readable line for scripts and tests that start the service on port 0.
      process.stdout.write(`GUANDIAN_LISTENING http://${config.host}:${port}\n`);
    })(),
  );
}

/**
 * An operator's problem (the address is taken or not this machine's, DATA_DIR is in use, the model or
 * lexicons cannot be loaded) is said in one line; anything else is a bug, shown with its stack.
 */
const OPERATOR_ERROR_NAMES = new Set(['DataDirInUseError', 'AnalyzerStartError']);
const MONGODB_CONNECTION_ERRORS = new Set(['MongoServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoParseError']);
const OPERATOR_ERRORS = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN']);
function startFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  if (OPERATOR_ERROR_NAMES.has(err.name) || (code && OPERATOR_ERRORS.has(code))) return err.message;
  // the driver's connection errors: the database is down, unreachable or the URL wrong (never printed: it may hold a password)
  if (MONGODB_CONNECTION_ERRORS.has(err.name)) return `MongoDB at MONGODB_URL: ${err.message}`;
  return err.stack ?? err.message;
}

main().catch(async (err: unknown) => {
  process.stderr.write(`guandian: failed to start: ${startFailure(err)}\n`);
  // What the start-up opened is closed as a stop would (the store releases DATA_DIR's lock): exiting
  // at once left the lock naming a dead pid, which the next start refuses if that pid is reused.
  await shutdown?.run('failed start');
  process.exit(1);
});
