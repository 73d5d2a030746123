import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The document page and the customer journey have a ← 返回 link. It goes back in the tab's history only
// over a page of the console's own; a document opened from a pasted link in a tab that showed something
// else before must go to the feed, not out of the console.

const e2e = useConsole();
let docId: string;

beforeAll(async () => {
  const api = e2e.api;
  docId = await ingest(api, { kind: 'comment', source: 'app', externalId: 'b-1', customerId: 'VIP-001', text: '手机银行转账一直失败，太失望了' });
  await waitDone(api, docId);
}, 120_000);

const BACK = '.toolbar a.btn:first-child';

describe('← 返回', () => {
  test('on a document opened from a pasted link goes to the feed, not to the page the tab showed before', async () => {
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      // the tab showed another page first (a new tab's start page, a chat's web client)
      await page.goto('about:blank');
      await page.goto(`${e2e.server.base}/#/doc/${docId}`);
      await page.fill('input[name=apiKey]', e2e.server.adminKey);
      await page.click('button[type=submit]');
      await page.waitForSelector('.doc-page');
      await page.click(`.doc-page ${BACK}`);
      await page.waitForSelector('.feed-card', { timeout: 20_000 });
      expect(page.url()).toBe(`${e2e.server.base}/#/feed`);

      // the same from a customer journey opened so
      await page.goto('about:blank');
      await page.goto(`${e2e.server.base}/#/customers/VIP-001`);
      await page.waitForSelector('.topbar');
      await page.click(BACK);
      await page.waitForSelector('.feed-card', { timeout: 20_000 });
      expect(page.url()).toBe(`${e2e.server.base}/#/feed`);
    } finally {
      await page.close();
    }
  });

  test('after opening a document from the feed goes back to that feed, filters and all', async () => {
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed?polarity=negative');
      await page.waitForSelector('.feed-card .card-link', { timeout: 20_000 });
      await page.click('.feed-card .card-link');
      await page.waitForSelector('.doc-page');
      // a reload keeps where the console came from
      await page.reload();
      await page.waitForSelector('.doc-page');
      await page.click(`.doc-page ${BACK}`);
      await page.waitForSelector('.feed-card', { timeout: 20_000 });
      expect(page.url()).toBe(`${e2e.server.base}/#/feed?polarity=negative`);
    } finally {
      await page.close();
    }
  });
});
