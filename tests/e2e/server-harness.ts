import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'tests/screenshots');

/**
 * --process-per-site: the pages of a file, which share a context (openPage) and the server's one origin, share
 * one renderer process instead of starting one each. A new page's first load went from 495 to 203 ms (8 pages,
 * one context), and eight of the heaviest browser files run together from 269 to 248 s (2-core host, 2026-12-02).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--process-per-site',
];

/**
 * The browser binary: Debian's chromium unless E2E_CHROMIUM names another. Debian's chromium-headless-shell
 * (the same Chromium release, built as the old headless shell) ran console-2026-12-01c and csp together in
 * 69 s against 109 s for /usr/bin/chromium on 2026-12-02's 2-core host, all 14 tests passing with each
 * (`E2E_CHROMIUM=/usr/bin/chromium-headless-shell npx vitest run tests/e2e/console-2026-12-01c.test.ts
 * tests/e2e/csp.test.ts`, after `apt-get install chromium-headless-shell`). CI keeps /usr/bin/chromium, the
 * browser the project's rules name.
 */
const CHROMIUM_BIN = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

/** The system Chromium, headless, with CHROMIUM_ARGS: how every browser test launches it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_BIN, headless: true, args: CHROMIUM_ARGS });
}

let shared: Promise<Browser> | null = null;

/**
 * The Chromium of this test process, launched by the first browser file and reused by the next ones
 * (the pool runs a fork's files one after another, with one module registry: vitest.config.ts). A launch
 * and close per file cost about 0.6 s on a quiet machine and more under the suite's load. A browser that
 * crashed or was closed is replaced; playwright closes the last one when the process exits.
 */
export async function sharedChromium(): Promise<Browser> {
  const current = shared && (await shared.catch(() => null));
  if (current?.isConnected()) return current;
  shared = launchChromium();
  return shared;
}

/** For afterAll: closes every context a file opened in the shared browser, as closing its own browser did. */
async function closeContexts(browser: Browser | undefined): Promise<void> {
  if (!browser?.isConnected()) return;
  await Promise.all(browser.contexts().map((c) => c.close()));
}

/**
 * The contexts openPage hands pages out of, per browser and per context options (the viewport aside: it is set per
 * page). A new context cost far more than a new page in one that is open: on 2026-12-02's 2-core host, a new
 * context, a page signed in and the dashboard took 2.3 s and 3.9 CPU-seconds of Chromium, against 1.3–1.4 s and
 * 1.7 CPU-seconds for a new page in an open context (8 each; its HTTP cache and compiled scripts are warm).
 * closeContexts empties it at the end of a file: the next file's server has another origin anyway.
 */
const openContexts = new WeakMap<Browser, Map<string, Promise<BrowserContext>>>();

function contextFor(browser: Browser, viewport: { width: number; height: number }, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  let byOptions = openContexts.get(browser);
  if (!byOptions) openContexts.set(browser, (byOptions = new Map()));
  const key = JSON.stringify(options);
  let context = byOptions.get(key);
  if (!context) {
    const opening = browser.newContext({ viewport, locale: 'zh-CN', ...options });
    byOptions.set(key, opening);
    const forget = () => {
      if (byOptions.get(key) === opening) byOptions.delete(key);
    };
    opening.then((c) => c.once('close', forget), forget);
    context = opening;
  }
  return context;
}

/**
 * A zh-CN page at the given viewport. Pages of a file share a browser context per `options` (what it adds to, or
 * overrides in, the context's options): each tab has its own sessionStorage (the console's key), but the console's
 * language, kept in localStorage, is the context's; a test that needs a language says so (signedInAs). Close the page,
 * not its context, when done. `beforePage` prepares a context of the page's own before the page opens (permissions,
 * exposed functions, init scripts). The page's uncaught errors are pushed to `errors`, which most tests check is
 * empty at the end.
 */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
  opts: { errors?: string[]; options?: BrowserContextOptions; beforePage?: (context: BrowserContext) => Promise<void> } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  let context: BrowserContext;
  if (opts.beforePage) {
    context = await browser.newContext({ viewport, locale: 'zh-CN', ...opts.options });
    await opts.beforePage(context);
  } else {
    context = await contextFor(browser, viewport, opts.options);
  }
  const page = await context.newPage();
  const size = page.viewportSize();
  if (size?.width !== viewport.width || size.height !== viewport.height) await page.setViewportSize(viewport);
  const errors = opts.errors;
  if (errors) page.on('pageerror', (e) => errors.push(e.message));
  return { context, page };
}

/**
 * For afterAll: closes the file's contexts in the shared browser and stops the server, both at once (either
 * is missing when beforeAll failed before it).
 */
export async function closeContextsAndServer(browser: Browser | undefined, server: RunningServer | undefined): Promise<void> {
  const [closed, stopped] = await Promise.allSettled([closeContexts(browser), server?.stop()]);
  if (closed.status === 'rejected') throw closed.reason;
  if (stopped.status === 'rejected') throw stopped.reason;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  base: string;
  adminKey: string;
  dataDir: string;
  logs: () => string;
  stop: () => Promise<void>;
}

/** Starts the real built service (dist/main.js) with the embedded store and queue in a throwaway data dir. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const main = path.join(ROOT, 'dist/main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-e2e-'));
  const port = await freePort();
  const adminKey = `e2e-admin-${Math.random().toString(36).slice(2)}-key-000000`;
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      ...process.env,
      GUANDIAN_ADMIN_KEY: adminKey,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
      MONGODB_URL: '',
      ROLE: 'all',
      WORKER_CONCURRENCY: '2',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const base = `http://127.0.0.1:${port}`;

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If the test worker dies without running afterAll, do not leave a server behind.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  // Ready as soon as the line arrives (a 100 ms poll of the output cost every start 50 ms on average).
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (!out.includes('GUANDIAN_LISTENING')) return;
      settle();
      resolve();
    };
    const timer = setTimeout(() => {
      settle();
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 45s:\n${out}`));
    }, 45_000);
    const onExit = (code: number | null) => {
      settle();
      reject(new Error(`server exited early (${code}):\n${out}`));
    };
    function settle() {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
    }
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });

  return {
    base,
    adminKey,
    dataDir,
    logs: () => out,
    stop: async () => {
      process.off('exit', reap);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function apiClient(base: string, key: string) {
  return async function call<T = unknown>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(base + route, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // export and other non-JSON bodies stay text
    }
    return { status: res.status, body: parsed as T };
  };
}

/**
 * Waits until a page expression is truthy, polling it from Node. Not page.waitForFunction: that
 * re-evaluates its predicate inside the page with eval whenever the first check is false, which the
 * app's CSP (script-src 'self', no unsafe-eval) rightly blocks: a flaky failure under load.
 */
export async function waitForPage(page: { evaluate(expression: string): Promise<unknown> }, expression: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(expression, async () => Boolean(await page.evaluate(expression)), timeoutMs);
}

/**
 * How long waitFor sleeps between checks. Each check is an HTTP request or a page.evaluate, a few
 * milliseconds; at 250 ms every wait overshot its state by 125 ms on average and every analysis waited
 * at least 250 ms, which over the browser files' thousands of waits was minutes of the suite.
 */
export const POLL_MS = 40;

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
