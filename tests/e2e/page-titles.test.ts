import { beforeAll, describe, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { openPage, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The browser tab, its history list and a screen reader arriving on a page read the document title: it
// names the page (as the page's h1 does), in the console's language, with the product after it.

const e2e = useConsole();
let docId: string;

beforeAll(async () => {
  const api = e2e.api;
  docId = await ingest(api, { kind: 'comment', source: 'app', externalId: 't-1', text: '手机银行转账一直失败，太失望了' });
  await waitDone(api, docId);
}, 120_000);

describe('document title', () => {
  test('names the page in the reader’s language, and only the product when signed out', async () => {
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      const titleIs = (want: string) => waitFor(`title ${want}`, async () => ((await page.title()) === want ? true : null), 10_000).catch(async () => {
        throw new Error(`title is ${await page.title()}, not ${want}`);
      });
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
      await titleIs('观点流 · 观点 Guandian');
      await page.click('[data-nav=dashboard]');
      await titleIs('仪表盘 · 观点 Guandian');
      await page.goto(`${e2e.server.base}/#/doc/${docId}`);
      await titleIs('文档详情 · 观点 Guandian');
      await page.goto(`${e2e.server.base}/#/admin/audit`);
      await titleIs('管理 · 审计日志 · 观点 Guandian');

      await page.click('[data-action=lang]');
      await titleIs('Admin · Audit log · 观点 Guandian');
      await page.click('[data-nav=label]');
      await titleIs('Labeling · 观点 Guandian');

      await page.click('[data-action=sign-out]');
      await page.waitForSelector('input[name=apiKey]');
      await titleIs('观点 Guandian');
    } finally {
      await page.close();
    }
  });
});
