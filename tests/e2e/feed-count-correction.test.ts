import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { signIn } from './console-helpers.js';
import { openPage, waitFor, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// QA stats audit 2026-11-30: the feed's "N 条匹配" follows inline corrections by counting the chips that left
// or joined a card, so a correction that moves a tag out of the query without removing it (a negative tag
// made positive on a polarity=negative feed, a category changed under a category filter) left the count
// one too high: the console said 112 matches where the API, and the same feed reloaded, said 111. After a
// correction the count is the query's total as the API counts it.

const e2e = useConsole();
let page: Page;

const COMPLAINTS = ['宽带老是断网，报修两次了还没修好', '信用卡年费太贵了', '外卖送得太慢了，饭都凉了', '客服态度很差，问什么都说不知道', 'App老是闪退，转账都转不了'];

async function seed(source: string, n: number): Promise<void> {
  const documents = Array.from({ length: n }, (_, i) => ({ kind: 'comment', source, externalId: `${source}-${i}`, text: `${COMPLAINTS[i % COMPLAINTS.length]}（第${i}单）` }));
  expect((await e2e.api('POST', '/v1/documents/batch', { documents })).status).toBe(207);
  await waitFor(`${n} documents tagged`, async () => {
    const r = await e2e.api<{ total: number }>('GET', `/v1/documents?channel=${source}&status=done&limit=1&withTotal=true`);
    return r.body.total === n ? true : null;
  }, 120_000);
}

const apiTotal = async (query: string) => (await e2e.api<{ total: number }>('GET', `/v1/tags?${query}&limit=1&withTotal=true`)).body.total;

beforeAll(async () => {
  await seed('flip-many', 60); // more negative tags than the feed's page of 50
  await seed('flip-few', 3);
  ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }));
  await signIn(page, e2e.server.base, e2e.server.adminKey);
}, 180_000);

/** Makes the first card's first chip positive, as a labeler does, and waits for the API to have it. */
async function flipFirstToPositive(query: string, before: number): Promise<number> {
  await page.locator('.feed-card').first().locator('.chip-open').first().click();
  await page.locator('[data-action=polarity][data-polarity=positive]').first().click();
  return waitFor('the correction stored', async () => {
    const now = await apiTotal(query);
    return now === before - 1 ? now : null;
  });
}

describe('the feed count after an inline correction is the API total', () => {
  test('while more pages remain: a tag made positive leaves a polarity=negative count', async () => {
    const query = 'channel=flip-many&polarity=negative';
    const total = await apiTotal(query);
    expect(total).toBeGreaterThan(50);
    await page.goto(`${e2e.server.base}/#/feed?${query}`);
    await page.reload();
    await waitForPage(page, `document.querySelector('.feed-count')?.getAttribute('data-complete') === 'false' && document.querySelector('.feed-count')?.getAttribute('data-total') === '${total}'`);
    const now = await flipFirstToPositive(query, total);
    await waitForPage(page, `document.querySelector('.feed-count')?.getAttribute('data-total') === '${now}'`);
    expect((await page.locator('.feed-count').textContent()) ?? '').toContain(`共 ${now} 条匹配`);
  });

  test('with every match loaded: the count is the matches, not the chips on screen', async () => {
    const query = 'channel=flip-few&polarity=negative';
    const total = await apiTotal(query);
    expect(total).toBeGreaterThan(1);
    expect(total).toBeLessThan(50);
    await page.goto(`${e2e.server.base}/#/feed?${query}`);
    await page.reload();
    await waitForPage(page, `document.querySelector('.feed-count')?.getAttribute('data-complete') === 'true' && document.querySelector('.feed-count')?.textContent.startsWith('${total} 条匹配')`);
    const now = await flipFirstToPositive(query, total);
    await waitForPage(page, `document.querySelector('.feed-count')?.textContent.startsWith('${now} 条匹配')`);
  });
});
