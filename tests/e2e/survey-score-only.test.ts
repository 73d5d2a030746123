import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, openRoute, signedInAs, waitDone } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Most survey respondents give a score and leave the comment box empty. Such an answer is stored with
// no text and counted in NPS; its document page must say so, not show an empty box that reads as text
// that failed to load, nor offer to tag words that are not there. Real server, Chromium.

const e2e = useConsole();
let page: Page;

describe('a survey answer of its score alone (real server, chromium)', () => {
  beforeAll(async () => {
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }));
  }, 120_000);

  test('its page shows the score and says there is no comment, in either language, and offers no tagging', async () => {
    const id = await ingest(e2e.api, { kind: 'survey', source: 'nps-survey', externalId: 'score-only-1', score: 2, scale: 'nps', question: '您有多大可能向朋友推荐我们？', text: '' });
    const doc = await waitDone(e2e.api, id);
    expect(doc.tags).toEqual([]);

    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, `#/doc/${id}`, '.doc-page .survey-head');
    expect(await page.locator('.doc-page .score').getAttribute('data-score')).toBe('2');
    expect(await page.locator('.doc-card .no-comment').textContent()).toContain('只有评分');
    expect(await page.locator('.doc-page [data-action=new-tag]').count()).toBe(0);

    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
    await openRoute(page, e2e.server.base, `#/doc/${id}`, '.doc-page .survey-head');
    expect(await page.locator('.doc-card .no-comment').textContent()).toContain('no comment was written');
    expect(await page.locator('.doc-page [data-action=new-tag]').count()).toBe(0);
  });

  test('an answer with a comment still shows its text and can be tagged', async () => {
    const id = await ingest(e2e.api, { kind: 'survey', source: 'nps-survey', externalId: 'score-only-2', score: 3, scale: 'nps', text: '信号太差了，经常掉线' });
    await waitDone(e2e.api, id);
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, `#/doc/${id}`, '.doc-page .doc-text');
    expect(await page.locator('.doc-page .doc-text').textContent()).toContain('信号太差了');
    expect(await page.locator('.doc-card .no-comment').count()).toBe(0);
    expect(await page.locator('.doc-page [data-action=new-tag]').count()).toBe(1);
  });

  test('the NPS page counts both answers and says how many carry a comment', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/nps', '.nps-kpis .nps-n');
    expect(await page.locator('.nps-kpis .nps-n').textContent()).toBe('2');
    expect(await page.locator('.nps-kpis .nps-commented').textContent()).toBe('其中 1 份写了评论');
  });

  test("the customer's journey shows the score of each scored touchpoint", async () => {
    await waitDone(e2e.api, await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'jr-c1', customerId: 'c-score-only', text: '转账一直失败，客服也联系不上', occurredAt: '2026-11-20T10:00:00+08:00' }));
    const answer = await ingest(e2e.api, { kind: 'survey', source: 'nps-survey', externalId: 'jr-c2', customerId: 'c-score-only', score: 1, scale: 'nps', occurredAt: '2026-11-21T10:00:00+08:00' });
    await waitDone(e2e.api, answer);
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/customers/c-score-only', '.journey-table tbody tr');
    expect(await page.locator('.journey-table tbody tr').count()).toBe(2);
    expect(await page.locator(`.journey-table tr[data-doc-id="${answer}"] .score`).getAttribute('data-score')).toBe('1');
    expect(await page.locator('.journey-table .score').count()).toBe(1);
  });
});
