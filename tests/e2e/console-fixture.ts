import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Api } from './console-helpers.js';
import { apiClient, closeBrowserAndServer, launchChromium, startServer, type RunningServer } from './server-harness.js';

export interface ConsoleFixture {
  /** The built service (dist/main.js) on the embedded store in a throwaway data dir. */
  readonly server: RunningServer;
  readonly browser: Browser;
  /** The admin API client of `server`. */
  readonly api: Api;
}

/**
 * A browser test's server and Chromium, for the scope it is called in (a file, or a describe): both start at
 * once in a beforeAll (a server takes 1.5-4 s, Chromium about 1 s) and close at once in an afterAll. A test's
 * own seeding goes in a beforeAll registered after this call, which runs once both are up.
 *
 * The fields are read in tests and hooks, not at module level: before the beforeAll has run (or when it
 * failed) they throw, naming what is missing, rather than hand out undefined.
 */
export function useConsole(env: Record<string, string> = {}): ConsoleFixture {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let api: Api | undefined;
  beforeAll(async () => {
    const [s, b] = await Promise.allSettled([startServer(env), launchChromium()]);
    // Kept even when the other one failed, so that the afterAll closes it.
    if (s.status === 'fulfilled') server = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (s.status === 'rejected') throw s.reason;
    if (b.status === 'rejected') throw b.reason;
    api = apiClient(s.value.base, s.value.adminKey);
  }, 120_000);
  afterAll(() => closeBrowserAndServer(browser, server));
  const started = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`${what} is not started: read it in a test or a hook after useConsole's beforeAll (did it fail?)`);
    return value;
  };
  return {
    get server() {
      return started('the server', server);
    },
    get browser() {
      return started('Chromium', browser);
    },
    get api() {
      return started('the API client', api);
    },
  };
}
