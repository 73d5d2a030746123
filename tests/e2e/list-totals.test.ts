import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { signIn } from './console-helpers.js';
import { openPage, waitFor, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// With more matches than one page, the feed and the labeling queue say how many there are in all
// (GET …?withTotal=true), where they could only say "more to load" / "n+". Checked against the API's own total.

const COMPLAINTS = ['宽带老是断网，报修两次了还没修好', '信用卡年费太贵了', '外卖送得太慢了，饭都凉了', '客服态度很差，问什么都说不知道', 'App老是闪退，转账都转不了'];
const PRAISE = ['理赔很快，三天就到账了', '酒店房间很干净，前台很热情', '快递员服务态度特别好'];

const e2e = useConsole();
let page: Page;

beforeAll(async () => {
  // 60 documents, about 70 tags: more than the feed's page of 50 tags and the queue's page of 30 documents
  const documents = Array.from({ length: 60 }, (_, i) => ({
    kind: 'comment',
    source: 'totals-e2e',
    externalId: `tot-${i}`,
    text: `${(i % 3 === 0 ? PRAISE : COMPLAINTS)[i % (i % 3 === 0 ? PRAISE.length : COMPLAINTS.length)]}（第${i}单）`,
  }));
  const res = await e2e.api<{ items: { status: string }[] }>('POST', '/v1/documents/batch', { documents });
  expect(res.status).toBe(207);
  await waitFor('all 60 documents tagged', async () => {
    const r = await e2e.api<{ total: number }>('GET', '/v1/documents?channel=totals-e2e&status=done&limit=1&withTotal=true');
    return r.body.total === 60 ? true : null;
  }, 120_000);
  ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }));
  await signIn(page, e2e.server.base, e2e.server.adminKey);
}, 180_000);

describe('list totals in the console', () => {
  test('the feed names the query’s total while more pages remain, in both languages', async () => {
    const total = (await e2e.api<{ total: number; items: unknown[] }>('GET', '/v1/tags?channel=totals-e2e&limit=1&withTotal=true')).body.total;
    expect(total).toBeGreaterThan(50);
    // The feed asks for pages of 50 tags, and a page holds whole documents (a re-tag between two pages can then
    // neither drop nor repeat a tag): 50 tags or a few fewer, as the order of the batch's documents falls. The
    // console says it loaded what the API's first page holds.
    const firstPage = (await e2e.api<{ items: unknown[] }>('GET', '/v1/tags?channel=totals-e2e&limit=50')).body.items.length;
    expect(firstPage).toBeGreaterThan(45);
    expect(firstPage).toBeLessThanOrEqual(50);
    // A hash-only goto would re-query the feed the sign-in opened, whose count shows until the new query
    // starts: reload, so only this query is ever on the page, and wait for its total.
    const loaded = `document.querySelector('.feed-count')?.getAttribute('data-complete') === 'false' && document.querySelector('.feed-count')?.getAttribute('data-total') === '${total}'`;
    await page.goto(`${e2e.server.base}/#/feed?channel=totals-e2e`);
    await page.reload();
    await waitForPage(page, loaded);
    const zh = (await page.locator('.feed-count').textContent()) ?? '';
    expect(zh).toContain(`共 ${total} 条匹配`);
    expect(zh).toContain(`已加载 ${firstPage} 条`);
    expect(await page.locator('.feed-count').getAttribute('data-total')).toBe(String(total));

    await page.evaluate(`localStorage.setItem('guandian.lang', 'en')`);
    await page.reload();
    await waitForPage(page, loaded);
    expect((await page.locator('.feed-count').textContent()) ?? '').toContain(`${total} matches in all; ${firstPage} loaded`);
    await page.evaluate(`localStorage.setItem('guandian.lang', 'zh')`);
  });

  test('the labeling queue counts the unreviewed documents, not "30+"', async () => {
    const total = (await e2e.api<{ total: number }>('GET', '/v1/labeling/queue?limit=1&withTotal=true')).body.total;
    expect(total).toBeGreaterThan(30);
    await page.goto(`${e2e.server.base}/#/label`);
    await page.reload();
    await page.waitForSelector('.doc-of', { timeout: 20_000 });
    expect((await page.locator('.doc-of').textContent()) ?? '').toBe(`第 1 / ${total} 篇`);
  });
});

describe('models page: what the gate left out', () => {
  test('a version trained only on added tags shows why it cannot be judged, in words, and cannot be promoted', async () => {
    // an opinion the rules miss (感人 said sarcastically), added by a labeler
    const text = '房间隔音感人，半夜被隔壁吵醒三次';
    const created = await e2e.api<{ id: string }>('POST', '/v1/documents', { kind: 'comment', source: 'models-e2e', externalId: 'added-only', text });
    expect(created.status).toBe(202);
    const doc = await waitFor('document tagged', async () => {
      const r = await e2e.api<{ status: string; tags: { opinion: string; span: { start: number; end: number } }[] }>('GET', `/v1/documents/${created.body.id}`);
      return r.body.status === 'done' ? r.body : null;
    });
    const at = text.indexOf('隔音感人');
    expect(doc.tags.some((t) => t.span.start < at + 4 && at < t.span.end)).toBe(false);
    const added = await e2e.api('POST', `/v1/documents/${created.body.id}/corrections`, {
      actions: [{ op: 'add', span: { start: at, end: at + 4 }, aspect: '隔音', polarity: 'negative', category: 'environment' }],
    });
    expect(added.status).toBe(200);
    const train = await e2e.api<{ id: string }>('POST', '/v1/models/train', {});
    expect(train.status, JSON.stringify(train.body)).toBe(202);
    const job = await waitFor('training job', async () => {
      const j = (await e2e.api<{ status: string; version: string | null; error: string | null }>('GET', `/v1/models/jobs/${encodeURIComponent(train.body.id)}`)).body;
      return j.status === 'done' || j.status === 'failed' ? j : null;
    }, 300_000);
    expect(job.status, job.error ?? '').toBe('done');

    await page.goto(`${e2e.server.base}/#/models`);
    const row = page.locator(`tr[data-version="${job.version}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-gate')).toBe('fail');
    expect(await row.locator('[data-reason-code="only_added"]').textContent()).toContain('都是新增标签');
    expect(await row.locator('[data-note="added-not-gated"]').textContent()).toContain('1 条新增标签参与了训练但未计入门槛');
    expect(await row.locator('[data-action="promote"]').isDisabled()).toBe(true);
  }, 360_000);
});
