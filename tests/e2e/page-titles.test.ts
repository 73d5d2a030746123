import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { apiClient, closeBrowserAndServer, launchChromium, openPage, startServer, waitFor, type RunningServer } from './server-harness.js';

// The browser tab, its history list and a screen reader arriving on a page read the document title: it
// names the page (as the page's h1 does), in the console's language, with the product after it.

let server: RunningServer;
let browser: Browser;
let docId: string;

beforeAll(async () => {
  server = await startServer();
  const api = apiClient(server.base, server.adminKey);
  docId = await ingest(api, { kind: 'comment', source: 'app', externalId: 't-1', text: '手机银行转账一直失败，太失望了' });
  await waitDone(api, docId);
  browser = await launchChromium();
}, 120_000);

afterAll(() => closeBrowserAndServer(browser, server));

describe('document title', () => {
  test('names the page in the reader’s language, and only the product when signed out', async () => {
    const { context, page } = await openPage(browser, { width: 1366, height: 800 });
    try {
      const titleIs = (want: string) => waitFor(`title ${want}`, async () => ((await page.title()) === want ? true : null), 10_000).catch(async () => {
        throw new Error(`title is ${await page.title()}, not ${want}`);
      });
      await signIn(page, server.base, server.adminKey, '#/feed');
      await titleIs('观点流 · 观点 Guandian');
      await page.click('[data-nav=dashboard]');
      await titleIs('仪表盘 · 观点 Guandian');
      await page.goto(`${server.base}/#/doc/${docId}`);
      await titleIs('文档详情 · 观点 Guandian');
      await page.goto(`${server.base}/#/admin/audit`);
      await titleIs('管理 · 审计日志 · 观点 Guandian');

      await page.click('[data-action=lang]');
      await titleIs('Admin · Audit log · 观点 Guandian');
      await page.click('[data-nav=label]');
      await titleIs('Labeling · 观点 Guandian');

      await page.click('[data-action=sign-out]');
      await page.waitForSelector('input[name=apiKey]');
      await titleIs('观点 Guandian');
    } finally {
      await context.close();
    }
  });
});
