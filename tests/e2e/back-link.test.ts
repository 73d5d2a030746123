import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { apiClient, closeBrowserAndServer, launchChromium, openPage, startServer, type RunningServer } from './server-harness.js';

// The document page and the customer journey have a ← 返回 link. It goes back in the tab's history only
// over a page of the console's own; a document opened from a pasted link in a tab that showed something
// else before must go to the feed, not out of the console.

let server: RunningServer;
let browser: Browser;
let docId: string;

beforeAll(async () => {
  server = await startServer();
  const api = apiClient(server.base, server.adminKey);
  docId = await ingest(api, { kind: 'comment', source: 'app', externalId: 'b-1', customerId: 'VIP-001', text: '手机银行转账一直失败，太失望了' });
  await waitDone(api, docId);
  browser = await launchChromium();
}, 120_000);

afterAll(() => closeBrowserAndServer(browser, server));

const BACK = '.toolbar a.btn:first-child';

describe('← 返回', () => {
  test('on a document opened from a pasted link goes to the feed, not to the page the tab showed before', async () => {
    const { context, page } = await openPage(browser, { width: 1366, height: 800 });
    try {
      // the tab showed another page first (a new tab's start page, a chat's web client)
      await page.goto('about:blank');
      await page.goto(`${server.base}/#/doc/${docId}`);
      await page.fill('input[name=apiKey]', server.adminKey);
      await page.click('button[type=submit]');
      await page.waitForSelector('.doc-page');
      await page.click(`.doc-page ${BACK}`);
      await page.waitForSelector('.feed-card', { timeout: 20_000 });
      expect(page.url()).toBe(`${server.base}/#/feed`);

      // the same from a customer journey opened so
      await page.goto('about:blank');
      await page.goto(`${server.base}/#/customers/VIP-001`);
      await page.waitForSelector('.topbar');
      await page.click(BACK);
      await page.waitForSelector('.feed-card', { timeout: 20_000 });
      expect(page.url()).toBe(`${server.base}/#/feed`);
    } finally {
      await context.close();
    }
  });

  test('after opening a document from the feed goes back to that feed, filters and all', async () => {
    const { context, page } = await openPage(browser, { width: 1366, height: 800 });
    try {
      await signIn(page, server.base, server.adminKey, '#/feed?polarity=negative');
      await page.waitForSelector('.feed-card .card-link', { timeout: 20_000 });
      await page.click('.feed-card .card-link');
      await page.waitForSelector('.doc-page');
      // a reload keeps where the console came from
      await page.reload();
      await page.waitForSelector('.doc-page');
      await page.click(`.doc-page ${BACK}`);
      await page.waitForSelector('.feed-card', { timeout: 20_000 });
      expect(page.url()).toBe(`${server.base}/#/feed?polarity=negative`);
    } finally {
      await context.close();
    }
  });
});
