import { beforeAll, describe, expect, test } from 'vitest';
import { signIn, waitSettled } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The audit log loads 50 entries at a time (加载更多). A page asked for one action's list must not land in
// another's: 加载更多, then another action chosen before that page answered.

const e2e = useConsole();

beforeAll(async () => {
  const api = e2e.api;
  // 55 api_key.create entries (more than a page) and 2 tags.export ones
  for (let i = 0; i < 55; i++) expect((await api('POST', '/v1/api-keys', { name: `分行分析员-${i}`, roles: ['analyst'] })).status).toBe(201);
  for (let i = 0; i < 2; i++) expect((await api('GET', '/v1/tags/export?format=csv')).status).toBe(200);
}, 120_000);

describe('audit log: 加载更多 and another action', () => {
  test('a page of the previous action answering late is not added to the new action’s list', async () => {
    const { page } = await openPage(e2e.browser, { width: 1280, height: 800 });
    try {
      // the next page of the log is slow to come (the server's own answer, 1.5 s late)
      await page.route('**/v1/audit?*cursor=*', async (route) => {
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue().catch(() => undefined);
      });
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/admin/audit');
      await page.waitForSelector('[data-action=more-audit]', { timeout: 20_000 });
      expect(await page.locator('.audit-table tr[data-action]').count()).toBe(50);

      await page.click('[data-action=more-audit]');
      await page.selectOption('select[name=action]', 'tags.export');
      await page.waitForSelector('.audit-table tr[data-action="tags.export"]', { timeout: 20_000 });
      // settled: the slow page (a request in flight until it answers) has come back and been handled
      await waitSettled(page);
      const shown = (await page.evaluate(`[...document.querySelectorAll('.audit-table tr[data-action]')].map((r) => r.dataset.action)`)) as string[];
      expect(shown).toEqual(['tags.export', 'tags.export']);
      expect(await page.locator('.adm-footer').textContent()).toBe('已到底部');
    } finally {
      await page.close();
    }
  });
});
