import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingest, openRoute, signedInAs, waitDone } from './console-helpers.js';
import { apiClient, closeBrowserAndServer, launchChromium, openPage, startServer, type RunningServer } from './server-harness.js';

// Most survey respondents give a score and leave the comment box empty. Such an answer is stored with
// no text and counted in NPS; its document page must say so, not show an empty box that reads as text
// that failed to load, nor offer to tag words that are not there. Real server, Chromium.

let server: RunningServer;
let browser: Browser;
let page: Page;
let api: ReturnType<typeof apiClient>;

describe('a survey answer of its score alone (real server, chromium)', () => {
  beforeAll(async () => {
    server = await startServer();
    api = apiClient(server.base, server.adminKey);
    browser = await launchChromium();
    ({ page } = await openPage(browser, { width: 1366, height: 768 }));
  }, 120_000);

  afterAll(() => closeBrowserAndServer(browser, server));

  test('its page shows the score and says there is no comment, in either language, and offers no tagging', async () => {
    const id = await ingest(api, { kind: 'survey', source: 'nps-survey', externalId: 'score-only-1', score: 2, scale: 'nps', question: '您有多大可能向朋友推荐我们？', text: '' });
    const doc = await waitDone(api, id);
    expect(doc.tags).toEqual([]);

    await signedInAs(page, server.base, server.adminKey, 'zh');
    await openRoute(page, server.base, `#/doc/${id}`, '.doc-page .survey-head');
    expect(await page.locator('.doc-page .score').getAttribute('data-score')).toBe('2');
    expect(await page.locator('.doc-card .no-comment').textContent()).toContain('只有评分');
    expect(await page.locator('.doc-page [data-action=new-tag]').count()).toBe(0);

    await signedInAs(page, server.base, server.adminKey, 'en');
    await openRoute(page, server.base, `#/doc/${id}`, '.doc-page .survey-head');
    expect(await page.locator('.doc-card .no-comment').textContent()).toContain('no comment was written');
    expect(await page.locator('.doc-page [data-action=new-tag]').count()).toBe(0);
  });

  test('an answer with a comment still shows its text and can be tagged', async () => {
    const id = await ingest(api, { kind: 'survey', source: 'nps-survey', externalId: 'score-only-2', score: 3, scale: 'nps', text: '信号太差了，经常掉线' });
    await waitDone(api, id);
    await signedInAs(page, server.base, server.adminKey, 'zh');
    await openRoute(page, server.base, `#/doc/${id}`, '.doc-page .doc-text');
    expect(await page.locator('.doc-page .doc-text').textContent()).toContain('信号太差了');
    expect(await page.locator('.doc-card .no-comment').count()).toBe(0);
    expect(await page.locator('.doc-page [data-action=new-tag]').count()).toBe(1);
  });

  test('the NPS page counts both answers and says how many carry a comment', async () => {
    await signedInAs(page, server.base, server.adminKey, 'zh');
    await openRoute(page, server.base, '#/nps', '.nps-kpis .nps-n');
    expect(await page.locator('.nps-kpis .nps-n').textContent()).toBe('2');
    expect(await page.locator('.nps-kpis .nps-commented').textContent()).toBe('其中 1 份写了评论');
  });

  test("the customer's journey shows the score of each scored touchpoint", async () => {
    await waitDone(api, await ingest(api, { kind: 'comment', source: 'app', externalId: 'jr-c1', customerId: 'c-score-only', text: '转账一直失败，客服也联系不上', occurredAt: '2026-11-20T10:00:00+08:00' }));
    const answer = await ingest(api, { kind: 'survey', source: 'nps-survey', externalId: 'jr-c2', customerId: 'c-score-only', score: 1, scale: 'nps', occurredAt: '2026-11-21T10:00:00+08:00' });
    await waitDone(api, answer);
    await signedInAs(page, server.base, server.adminKey, 'zh');
    await openRoute(page, server.base, '#/customers/c-score-only', '.journey-table tbody tr');
    expect(await page.locator('.journey-table tbody tr').count()).toBe(2);
    expect(await page.locator(`.journey-table tr[data-doc-id="${answer}"] .score`).getAttribute('data-score')).toBe('1');
    expect(await page.locator('.journey-table .score').count()).toBe(1);
  });
});
