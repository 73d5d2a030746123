import { describe, expect, test } from 'vitest';
import { signIn, waitSettled } from './console-helpers.js';
import { openPage, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The admin's 提交数据 form names each document console-<time>, so the service cannot tell a second press
// from a second document: the form itself must send one document per submission.

const e2e = useConsole();

describe('ingest form', () => {
  test('a double click on 提交 sends the document once', async () => {
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      // a slow network: the request reaches the real server 500 ms after it was sent
      await page.route('**/v1/documents', async (route) => {
        await new Promise((r) => setTimeout(r, 500));
        await route.continue().catch(() => undefined);
      });
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/ingest');
      await page.waitForSelector('.ingest-form');
      await page.fill('input[name=source]', 'double-click');
      await page.fill('.ingest-form textarea', '信用卡账单分期的手续费没有提前说明，感觉被坑了');
      await page.dblclick('.ingest-form button[type=submit]');
      await page.waitForSelector('.ingest-form a[href^="#/doc/"]', { timeout: 20_000 });
      // whatever else the double click sent is in flight until it has arrived
      await waitSettled(page);
      const docs = await waitFor('the list', async () => (await e2e.api<{ items: { externalId: string }[]; total: number }>('GET', '/v1/documents?channel=double-click&limit=10&withTotal=true')).body);
      expect(docs.items.map((d) => d.externalId)).toHaveLength(1);
      expect(docs.total).toBe(1);
      // the button kept the keyboard's focus
      expect(await page.evaluate(`document.activeElement && document.activeElement.getAttribute('type')`)).toBe('submit');
    } finally {
      await page.close();
    }
  });
});
