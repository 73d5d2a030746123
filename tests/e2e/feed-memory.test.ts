import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone, waitSettled } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The feed remembers its cards (and scroll) so that opening a document and coming back lands where the
// analyst was. What it remembers must belong to the key signed in and to a query that was answered.

const SECRET = '我在贵行的房贷提前还款被拒了三次，经办人周经理态度恶劣';

const e2e = useConsole();
let otherKey: string;

beforeAll(async () => {
  await waitDone(e2e.api, await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'mem-1', text: SECRET }));
  // an analyst of another tenant, which has no feedback at all
  const created = await e2e.api<{ key: string }>('POST', '/v1/api-keys', { name: '另一分行分析员', roles: ['analyst'], tenant: 'other-branch' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  otherKey = created.body.key;
}, 120_000);

/** The feed once its query has answered: its cards, or its empty state. */
async function settledFeed(page: Page): Promise<{ cards: number; text: string }> {
  await page.waitForSelector('.feed-card, .empty', { timeout: 20_000 });
  // a remembered feed shows at once: wait for the fresh query's answer to arrive and be drawn too
  await waitSettled(page);
  return { cards: await page.locator('.feed-card').count(), text: (await page.locator('main').textContent()) ?? '' };
}

describe('the remembered feed', () => {
  test('is forgotten on sign-out: the next key in the tab does not see the previous tenant’s feedback', async () => {
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
      await page.waitForSelector('.feed-card', { timeout: 20_000 });
      // a card shows its tag's clause until its document has loaded, then the whole text
      await waitSettled(page);
      expect(await page.locator('main').textContent()).toContain(SECRET);

      await page.click('[data-action=sign-out]');
      await page.fill('input[name=apiKey]', otherKey);
      await page.click('button[type=submit]');
      await page.waitForSelector('.topbar');
      expect(page.url()).toContain('#/feed');
      const feed = await settledFeed(page);
      expect(feed.text).not.toContain(SECRET);
      expect(feed.cards).toBe(0);
      expect(await page.locator('.empty').textContent()).toBe('还没有观点：提交的数据分析完成后会显示在这里。');
    } finally {
      await page.close();
    }
  });

  test('is not an unanswered query: leaving the feed before its first page came back, and returning, shows the cards', async () => {
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      // A slow network: the server's own answers to the tag list arrive 2 s late (nothing is made up here).
      await page.route('**/v1/tags?**', async (route) => {
        await new Promise((r) => setTimeout(r, 2000));
        await route.continue().catch(() => undefined);
      });
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
      // the analyst moves on before the feed answered …
      await page.click('[data-nav=dashboard]');
      await page.waitForSelector('.kpis', { timeout: 20_000 });
      // the feed's late answer is still a request in flight: settled means it has come back meanwhile
      await waitSettled(page);
      // … and comes back to it
      await page.click('[data-nav=feed]');
      await page.waitForSelector('.feed-card, .empty', { timeout: 20_000 });
      await waitSettled(page);
      expect(await page.locator('.empty').count()).toBe(0);
      expect(await page.locator('.feed-card').count()).toBe(1);
      expect(await page.locator('main').textContent()).toContain(SECRET);
    } finally {
      await page.close();
    }
  });
});
