import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { signIn } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The feed's confidence range comes from the URL too (a shared or hand-edited link). An inverted one used
// to be answered with an empty feed, as if nothing matched; the service now refuses it (400 naming
// minConfidence, as from after to) and the feed says which filter is wrong, in the reader's language.

const e2e = useConsole();
let page: Page;

beforeAll(async () => {
  ({ page } = await openPage(e2e.browser, { width: 1280, height: 800 }));
  await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
}, 90_000);

test('an inverted confidence range in the URL names 最低置信度 and why, in Chinese and in English', async () => {
  await page.goto(`${e2e.server.base}/#/feed?minConfidence=0.9&maxConfidence=0.2`);
  await page.waitForSelector('.error-panel');
  expect(await page.textContent('.error-panel .error-text')).toBe('请求内容无效：最低置信度不能高于最高置信度');
  await page.getByRole('button', { name: 'English' }).click();
  expect(await page.evaluate('document.documentElement.lang')).toBe('en');
  expect(await page.textContent('.error-panel .error-text')).toContain('Min confidence must not be above the maximum confidence');
});
