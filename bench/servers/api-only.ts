// DTO decorators need it before any DTO module loads; main.ts gets it via the app's import order.
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { ROOT } from '../lib/common.js';
import { benchTag } from '../lib/tags.js';

// The service's own API (built code: config, store, queue, auth, DTO validation, routes) without the
// worker side, as ROLE=api would run it. ROLE=api itself needs MongoDB; this keeps whatever store
// the environment selects, and lets the ingest benchmark measure HTTP intake without the analyzer
// competing for the two cores. It also seeds tags for the query benchmark, over IPC.

type Runtime = typeof import('../../src/runtime.js');
type AppModule = typeof import('../../src/api/app.js');
type EnvModule = typeof import('../../src/config/env.js');
type LoggerModule = typeof import('../../src/logger.js');

const dist = (p: string) => path.join(ROOT, 'dist', p);
const { createApp } = (await import(dist('api/app.js'))) as AppModule;
const { createServices } = (await import(dist('runtime.js'))) as Runtime;
const { loadConfig } = (await import(dist('config/env.js'))) as EnvModule;
const { createLogger } = (await import(dist('logger.js'))) as LoggerModule;

const config = loadConfig();
const services = await createServices(config, createLogger(config.logLevel));
const server = http.createServer(createApp(services));
server.keepAliveTimeout = 5000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address() as { port: number };

let seeded = 0;
let profiler: Session | null = null;
process.on('message', (msg: { seedTo?: number; stop?: boolean; profile?: 'start' | { stopTo: string } }) => {
  void (async () => {
    // profiling over IPC covers only the load window, not start-up and module loading
    if (msg.profile === 'start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      process.send!({ profiling: true });
    } else if (msg.profile && profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(msg.profile.stopTo, JSON.stringify(profile));
      profiler.disconnect();
      profiler = null;
      process.send!({ profiled: msg.profile.stopTo });
    }
    if (msg.seedTo !== undefined) {
      const t0 = Date.now();
      while (seeded < msg.seedTo) {
        const end = Math.min(msg.seedTo, seeded + 2000);
        const chunk: Promise<void>[] = [];
        for (let i = seeded; i < end; i++) chunk.push(services.store.tags.insert(benchTag(i)));
        await Promise.all(chunk);
        seeded = end;
      }
      process.send!({ seeded, seconds: (Date.now() - t0) / 1000, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
    }
    if (msg.stop) {
      server.close();
      server.closeAllConnections();
      // the store is not closed: its data dir is thrown away, and nedb would first compact it all
      await services.queue.close();
      process.exit(0);
    }
  })();
});

process.stdout.write(`GUANDIAN_LISTENING http://127.0.0.1:${address.port}\n`);
