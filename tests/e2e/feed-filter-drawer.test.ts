import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// On a phone the feed's filters fold into a drawer that covers the page. Opened from the keyboard, focus stayed
// on 筛选 (under the drawer) and Tab walked through the feed cards hidden behind it, the drawer's own fields
// being before the button in the page; 查看结果 then hid itself with the focus, which fell to <body>.

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];

const inDrawer = () => page.evaluate(`!!document.activeElement?.closest('#feed-filters')`) as Promise<boolean>;
const focusedAction = () => page.evaluate(`document.activeElement?.dataset?.action ?? document.activeElement?.tagName`) as Promise<string>;

describe('feed filter drawer on a phone, from the keyboard (real server, chromium)', () => {
  beforeAll(async () => {
    const api = e2e.api;
    for (const [i, text] of ['宽带老是断网，客服电话也打不通', '快递三天就到了，包装完好'].entries()) {
      await waitDone(api, await ingest(api, { kind: 'comment', source: 'app', externalId: `drawer-${i}`, text }));
    }
    ({ page } = await openPage(e2e.browser, { width: 390, height: 844 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
  }, 120_000);

  test('opening moves focus into the drawer, Tab stays on its fields, closing gives it back to the toggle', async () => {
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.waitForSelector('.feed-card');
    await page.focus('[data-action=toggle-filters]');
    await page.keyboard.press('Enter');
    await page.locator('.side form.filters').waitFor({ state: 'visible' });
    expect(await inDrawer(), `focus on ${await focusedAction()}, under the drawer`).toBe(true);
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      expect(await inDrawer(), `Tab ${i + 1} left the drawer for ${await focusedAction()}`).toBe(true);
    }
    // a filter chosen from the keyboard, then 查看结果
    await page.focus('#feed-filters .seg-btn.seg-negative');
    await page.keyboard.press('Enter');
    await waitForPage(page, 'location.hash.includes("polarity=negative")', 10_000);
    await page.focus('[data-action=close-filters]');
    await page.keyboard.press('Enter');
    await page.locator('.side form.filters').waitFor({ state: 'hidden' });
    expect(await focusedAction()).toBe('toggle-filters');
    expect(pageErrors).toEqual([]);
  });

  // The labeling queue folds into the same kind of drawer, with the same fault: focus stayed on 标注队列 under it.
  test('labeling: the queue drawer takes focus when opened and gives it back to its toggle when a document is chosen', async () => {
    await page.goto(`${e2e.server.base}/#/label`);
    await page.waitForSelector('[data-action=toggle-queue]');
    await page.focus('[data-action=toggle-queue]');
    await page.keyboard.press('Enter');
    await page.locator('#label-queue .queue-item').first().waitFor({ state: 'visible' });
    expect(await page.evaluate(`!!document.activeElement?.closest('#label-queue')`), `focus on ${await focusedAction()}, under the drawer`).toBe(true);
    await page.locator('#label-queue .queue-item').nth(1).focus();
    await page.keyboard.press('Enter');
    await page.locator('#label-queue .queue-item').first().waitFor({ state: 'hidden' });
    expect(await focusedAction()).toBe('toggle-queue');
    expect(await page.textContent('.doc-of')).toMatch(/^第 2 /);
    expect(pageErrors).toEqual([]);
  });
});
