import { beforeAll, describe, expect, test } from 'vitest';
import { useConsole } from './console-fixture.js';
import { seedAnalyzed, signIn } from './console-helpers.js';
import { openPage } from './server-harness.js';

// The labeling queue asks for its next page (30 documents) as the labeler nears the end of the ones loaded.
// When that request fails (here the server stops while the labeler works), the page says so once; it must
// not ask again and again on its own, which loaded the browser and, with a server answering errors (a 429
// over the rate limit, a 503 behind a proxy), the server too.

const e2e = useConsole();

beforeAll(async () => {
  await seedAnalyzed(e2e.api, { prefix: 'more', n: 36, batch: 36, texts: ['转账到账太慢了，等了两天', '客服态度很好，问题一次就解决了'], timeoutMs: 90_000 });
}, 150_000);

describe('labeling queue: the next page fails', () => {
  test('is asked for once per step, not over and over', async () => {
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/label');
      await page.waitForSelector('.doc-of', { timeout: 20_000 });
      expect(await page.locator('.doc-of').textContent()).toBe('第 1 / 36 篇');
      await page.evaluate(`document.activeElement && document.activeElement.blur()`);

      // a network where a failure takes a moment to come back (a proxy's 503, a timeout): 300 ms here
      await page.route('**/v1/labeling/queue?*cursor=*', async (route) => {
        await new Promise((r) => setTimeout(r, 300));
        await route.continue().catch(() => undefined);
      });
      await e2e.server.stop();
      let asked = 0;
      page.on('request', (r) => {
        if (r.url().includes('/v1/labeling/queue') && r.url().includes('cursor=')) asked++;
      });
      // to the 28th of 30 loaded: the next page is asked for
      for (let i = 0; i < 27; i++) await page.keyboard.press('j');
      await page.waitForSelector('.save-state.err', { timeout: 10_000 });
      await page.waitForTimeout(4000);
      expect(await page.locator('.doc-of').textContent()).toBe('第 28 / 36 篇');
      expect(await page.locator('.save-state').first().textContent()).toBe('出错了: 无法连接到服务器，请检查网络');
      expect(asked).toBeLessThanOrEqual(2);

      // the next step asks once more
      const before = asked;
      await page.keyboard.press('j');
      await page.waitForTimeout(1500);
      expect(asked - before).toBe(1);
    } finally {
      await page.close();
    }
  });
});
