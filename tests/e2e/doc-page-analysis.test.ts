import { describe, expect, test } from 'vitest';
import { ingest, signIn } from './console-helpers.js';
import { openPage, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// A document opened while it waits for analysis (the ingest form links to it at once; a busy service has a
// backlog) shows 排队中 and no tags. Once analyzed, the page must show its status and tags without a reload.

const e2e = useConsole({ WORKER_CONCURRENCY: '1' });

describe('document page of a document in analysis', () => {
  test('follows the analysis: 排队中 becomes 已完成 with its tags, without a reload', async () => {
    const documents = Array.from({ length: 1000 }, (_, i) => ({ kind: 'comment', source: 'backlog', externalId: `b-${i}`, text: `信用卡额度提升很快，但是短信验证码老是收不到（${i}）` }));
    expect((await e2e.api('POST', '/v1/documents/batch', { documents })).status).toBe(207);
    const id = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'behind-backlog', text: '客服电话永远占线，投诉无门，太失望了' });

    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      await signIn(page, e2e.server.base, e2e.server.adminKey, `#/doc/${id}`);
      await page.waitForSelector('.doc-page .meta', { timeout: 20_000 });
      const status = page.locator('.meta div', { hasText: '状态' }).locator('dd');
      // the case at hand: the page opened before the analysis
      expect(['排队中', '处理中']).toContain(await status.textContent());

      await waitFor(
        'the document analyzed',
        async () => ((await e2e.api<{ status: string }>('GET', `/v1/documents/${id}`)).body.status === 'done' ? true : null),
        90_000,
      );
      await page.waitForSelector('.doc-page table.grid tr[data-tag-id]', { timeout: 10_000 });
      expect(await status.textContent()).toBe('已完成');
      expect(await page.locator('.doc-page').textContent()).toContain('太失望');
    } finally {
      await page.close();
    }
  }, 150_000);
});
