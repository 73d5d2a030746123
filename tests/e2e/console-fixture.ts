import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';
import { signedInAs, waitSettled, type Api } from './console-helpers.js';
import { apiClient, closeContextsAndServer, openPage, sharedChromium, startServer, type RunningServer } from './server-harness.js';

export interface ConsoleFixture {
  /** The built service (dist/main.js) on the embedded store in a throwaway data dir. */
  readonly server: RunningServer;
  readonly browser: Browser;
  /** The admin API client of `server`. */
  readonly api: Api;
}

/**
 * A browser test's server and Chromium, for the scope it is called in (a file, or a describe): both start at
 * once in a beforeAll (a server takes 1.5-4 s; Chromium is the process's shared one, launched by its first
 * browser file) and, in an afterAll, the server stops and the scope's browser contexts close. A test's
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
    const [s, b] = await Promise.allSettled([startServer(env), sharedChromium()]);
    // Kept even when the other one failed, so that the afterAll closes it.
    if (s.status === 'fulfilled') server = s.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (s.status === 'rejected') throw s.reason;
    if (b.status === 'rejected') throw b.reason;
    api = apiClient(s.value.base, s.value.adminKey);
  }, 120_000);
  afterAll(() => closeContextsAndServer(browser, server));
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

/**
 * Loads the sample a trial loads (`guandian demo`: 118 documents) into the fixture's server and waits for its tags,
 * in a beforeAll of the scope it is called in (after useConsole's): the console as a trial first sees it.
 */
export function loadDemoSample(e2e: ConsoleFixture): void {
  beforeAll(async () => {
    const demo = await runBuiltCli(['demo', '--wait', '150'], { env: { GUANDIAN_URL: e2e.server.base, GUANDIAN_KEY: e2e.server.adminKey }, timeoutMs: 170_000 });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/^accepted 118,/);
  }, 180_000);
}

/** A page of the fixture's console signed in with the admin key, in `lang`, at `viewport`; its uncaught errors go to `errors`. */
export async function openSignedIn(e2e: ConsoleFixture, lang: 'zh' | 'en', viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  const { page } = await openPage(e2e.browser, viewport, { errors });
  await signedInAs(page, e2e.server.base, e2e.server.adminKey, lang);
  return page;
}

/** Opens `hash` of the fixture's console and waits for the page to settle. */
export async function gotoSettled(e2e: ConsoleFixture, page: Page, hash: string): Promise<void> {
  await page.goto(`${e2e.server.base}/${hash}`);
  await waitSettled(page);
}
