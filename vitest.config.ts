import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests start servers, Redis queues and worker threads; forks keep them apart from the runner.
    pool: 'forks',
    // Vitest's default is one fork fewer than the cores: a single fork on CI's 2-core machine. Most of a
    // file's time is spent waiting on a browser, a server or a queue, so one fork per core (at least two)
    // overlaps those waits: the whole suite took 606 s with one fork and 366 s with two on the 2-core box
    // (2026-11-29). Three forks: 331 s there, but 719 s against 596 s on 2026-11-30's slower host, where a
    // start-up timing test also failed under the load. On 2026-12-02, with 296 files, two forks took 1216 s;
    // three had finished 74 files after 16 minutes, two of them failed on timeouts, and were stopped. On the next
    // 2-core host that day, 1430 s with two forks; the run is CPU-bound there, Chromium taking most of it (a
    // browser file alone kept more than one core busy), so a third fork cannot help. Later that day, with the
    // browser files' pages sharing a context and a renderer per file (tests/e2e/server-harness.ts), a clean-clone
    // run took 1501 s against 1541 s before on that host; the browser files' summed time fell from 1310 to 1195 s.
    maxWorkers: Math.max(2, os.availableParallelism()),
    // One module registry per fork, not one per file. A fresh registry cost every file ~1.3 s of imports
    // (express, bullmq, class-validator, mongodb …): 220 s of the suite's 818 s on 2026-11-30's host; shared,
    // the suite took 635 s with no result cache (as on CI) and 596 s with one, all green. Kept apart in two
    // projects, the child-process files (browser, service, CLI) no longer overlapped the in-process ones
    // (Vitest's default order sends one project's files before the other's): 691 s. The module state a file
    // can leave behind (the time zone, the native-call guard) is reset before every file.
    isolate: false,
    setupFiles: ['tests/setup/reset-process-state.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/report.json' }]],
  },
});
