import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The labeling queue's ‹ 上一篇 / 下一篇 › buttons were disabled on the first and last document, so a
// keyboard user who pressed 下一篇 onto the last one lost focus to the page. They stay focusable now
// (aria-disabled) and do nothing there. Real server, Chromium.

const e2e = useConsole();
let page: Page;

beforeAll(async () => {
  const api = e2e.api;
  for (const [i, text] of ['宽带又断网了，修了三次都没修好', '客服态度很好，问题当场解决了'].entries()) await waitDone(api, await ingest(api, { kind: 'comment', source: 'app', externalId: `step-${i}`, text }));
  ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }));
  await signIn(page, e2e.server.base, e2e.server.adminKey, '#/label');
  await page.waitForSelector('.label-main .toolbar .mono');
}, 120_000);

const focused = () => page.evaluate(`document.activeElement?.getAttribute('data-action') ?? document.activeElement?.tagName`);
const shown = () => page.textContent('.label-main .toolbar .mono');

test('下一篇 onto the last document keeps the focus; pressed there it stays; 上一篇 likewise on the first', async () => {
  const first = await shown();
  await page.focus('[data-action=next]');
  await page.keyboard.press('Enter');
  await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent !== ${JSON.stringify(first)}`);
  const last = await shown();
  expect(await focused()).toBe('next');
  expect(await page.getAttribute('[data-action=next]', 'aria-disabled')).toBe('true');
  await page.keyboard.press('Enter');
  expect(await shown()).toBe(last);
  expect(await focused()).toBe('next');

  await page.focus('[data-action=prev]');
  await page.keyboard.press('Enter');
  await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(first)}`);
  expect(await focused()).toBe('prev');
  expect(await page.getAttribute('[data-action=prev]', 'aria-disabled')).toBe('true');
  expect(await page.getAttribute('[data-action=next]', 'aria-disabled')).toBeNull();
});
