import { describe, expect, test } from 'vitest';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// A key can stop working while the console is open (an admin revokes it, it expires). The next request
// answers 401 and the console goes back to its sign-in form; the analyst must be told why.

const e2e = useConsole();

async function analystKey(name: string): Promise<{ id: string; key: string }> {
  const created = await e2e.api<{ id: string; key: string }>('POST', '/v1/api-keys', { name, roles: ['analyst'] });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

describe('a key revoked while in use', () => {
  test('the sign-in form says the session ended and why, in the reader’s language; signing in again returns to the page', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const { id, key } = await analystKey(`客服分析-${lang}`);
      const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
      try {
        await page.goto(`${e2e.server.base}/#/dashboard`);
        await page.evaluate(`localStorage.setItem('guandian.lang', '${lang}')`);
        await page.reload();
        await page.fill('input[name=apiKey]', key);
        await page.click('button[type=submit]');
        await page.waitForSelector('.kpis', { timeout: 20_000 });

        expect((await e2e.api('DELETE', `/v1/api-keys/${id}`)).status).toBe(204);
        await page.click('[data-nav=feed]');
        await page.waitForSelector('input[name=apiKey]', { timeout: 20_000 });
        const alert = page.locator('.signin [role=alert]');
        expect(await alert.count()).toBe(1);
        expect(await alert.textContent()).toBe(lang === 'zh' ? '已退出登录: API 密钥无效、已过期或已被吊销' : 'Signed out: The API key is invalid, expired or revoked');

        // another key: back where the analyst was
        await page.fill('input[name=apiKey]', e2e.server.adminKey);
        await page.click('button[type=submit]');
        await page.waitForSelector('.topbar');
        expect(page.url()).toContain('#/feed');
      } finally {
        await page.close();
      }
    }
  });

  test('a wrong key typed at sign-in still reads as a failed sign-in', async () => {
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      await page.goto(`${e2e.server.base}/`);
      // the test before left the file's browser context in English
      await page.evaluate(`localStorage.setItem('guandian.lang', 'zh')`);
      await page.reload();
      await page.fill('input[name=apiKey]', 'gdk_not_a_key');
      await page.click('button[type=submit]');
      await page.waitForSelector('.signin [role=alert]', { timeout: 20_000 });
      expect(await page.locator('.signin [role=alert]').textContent()).toBe('登录失败: API 密钥无效、已过期或已被吊销');
    } finally {
      await page.close();
    }
  });
});
