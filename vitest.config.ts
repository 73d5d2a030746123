import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests start servers, Redis queues and worker threads; forks keep them isolated.
    pool: 'forks',
    // Vitest's default is one fork fewer than the cores: a single fork on CI's 2-core machine. Most of a
    // file's time is spent waiting on a browser, a server or a queue, so one fork per core (at least two)
    // overlaps those waits: the whole suite took 606 s with one fork and 366 s with two on the 2-core box
    // (2026-11-29, both green; three forks gave 331 s and more contention, so not taken).
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/report.json' }]],
  },
});
