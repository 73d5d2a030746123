import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn } from './console-helpers.js';
import { apiClient, closeBrowserAndServer, launchChromium, openPage, startServer, waitFor, type RunningServer } from './server-harness.js';

// A document opened while it waits for analysis (the ingest form links to it at once; a busy service has a
// backlog) shows 排队中 and no tags. Once analyzed, the page must show its status and tags without a reload.

let server: RunningServer;
let browser: Browser;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  // one worker, so a backlog takes a while
  server = await startServer({ WORKER_CONCURRENCY: '1' });
  api = apiClient(server.base, server.adminKey);
  browser = await launchChromium();
}, 120_000);

afterAll(() => closeBrowserAndServer(browser, server));

describe('document page of a document in analysis', () => {
  test('follows the analysis: 排队中 becomes 已完成 with its tags, without a reload', async () => {
    const documents = Array.from({ length: 1000 }, (_, i) => ({ kind: 'comment', source: 'backlog', externalId: `b-${i}`, text: `信用卡额度提升很快，但是短信验证码老是收不到（${i}）` }));
    expect((await api('POST', '/v1/documents/batch', { documents })).status).toBe(207);
    const id = await ingest(api, { kind: 'comment', source: 'app', externalId: 'behind-backlog', text: '客服电话永远占线，投诉无门，太失望了' });

    const { context, page } = await openPage(browser, { width: 1366, height: 800 });
    try {
      await signIn(page, server.base, server.adminKey, `#/doc/${id}`);
      await page.waitForSelector('.doc-page .meta', { timeout: 20_000 });
      const status = page.locator('.meta div', { hasText: '状态' }).locator('dd');
      // the case at hand: the page opened before the analysis
      expect(['排队中', '处理中']).toContain(await status.textContent());

      await waitFor(
        'the document analyzed',
        async () => ((await api<{ status: string }>('GET', `/v1/documents/${id}`)).body.status === 'done' ? true : null),
        90_000,
      );
      await page.waitForSelector('.doc-page table.grid tr[data-tag-id]', { timeout: 10_000 });
      expect(await status.textContent()).toBe('已完成');
      expect(await page.locator('.doc-page').textContent()).toContain('太失望');
    } finally {
      await context.close();
    }
  }, 150_000);
});
