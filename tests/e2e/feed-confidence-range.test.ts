import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { signIn } from './console-helpers.js';
import { closeBrowserAndServer, launchChromium, openPage, startServer, type RunningServer } from './server-harness.js';

// The feed's confidence range comes from the URL too (a shared or hand-edited link). An inverted one used
// to be answered with an empty feed, as if nothing matched; the service now refuses it (400 naming
// minConfidence, as from after to) and the feed says which filter is wrong, in the reader's language.

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  ({ page } = await openPage(browser, { width: 1280, height: 800 }));
  await signIn(page, server.base, server.adminKey, '#/feed');
}, 90_000);
afterAll(() => closeBrowserAndServer(browser, server));

test('an inverted confidence range in the URL names 最低置信度 and why, in Chinese and in English', async () => {
  await page.goto(`${server.base}/#/feed?minConfidence=0.9&maxConfidence=0.2`);
  await page.waitForSelector('.error-panel');
  expect(await page.textContent('.error-panel .error-text')).toBe('请求内容无效：最低置信度不能高于最高置信度');
  await page.getByRole('button', { name: 'English' }).click();
  expect(await page.evaluate('document.documentElement.lang')).toBe('en');
  expect(await page.textContent('.error-panel .error-text')).toContain('Min confidence must not be above the maximum confidence');
});
