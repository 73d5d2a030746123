import { beforeAll, describe, expect, test } from 'vitest';
import { getDoc, signIn } from './console-helpers.js';
import { openPage, waitFor, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The feed loads tags a page (50) at a time and folds them into one card per document. A call-centre
// transcript of many turns holds more tags than a page, so a whole page can join the card already shown.

const COMPLAINTS = [
  '手机银行转账一直失败，客服电话打了半小时都没人接',
  '网点排队两个小时，柜员态度还很差',
  '年费扣得莫名其妙，没有任何提醒',
  '短信验证码老是收不到，耽误我付款',
  '跨行转账手续费太贵了',
];

const e2e = useConsole();

beforeAll(async () => {
  // three calls of 200 turns, each turn of the customer a complaint: well over a page of tags per call
  const documents = Array.from({ length: 3 }, (_, d) => ({
    kind: 'transcript',
    source: 'paging-e2e',
    externalId: `call-${d}`,
    turns: Array.from({ length: 200 }, (_, i) =>
      i % 2 ? { speaker: 'agent', text: '好的，您稍等，我帮您查询一下。' } : { speaker: 'customer', text: `${COMPLAINTS[(i / 2 + d) % COMPLAINTS.length]}（${d}-${i}）` },
    ),
  }));
  const res = await e2e.api('POST', '/v1/documents/batch', { documents });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(207);
  await waitFor('the calls analyzed', async () => {
    const r = await e2e.api<{ total: number }>('GET', '/v1/documents?channel=paging-e2e&status=done&limit=1&withTotal=true');
    return r.body.total === 3 ? true : null;
  }, 120_000);
}, 180_000);

describe('feed paging', () => {
  test('keeps loading while a page only adds tags to the card already shown: every call gets its card', async () => {
    const calls = await e2e.api<{ total: number }>('GET', '/v1/tags?channel=paging-e2e&limit=1&withTotal=true');
    const docs = await e2e.api<{ items: { id: string }[] }>('GET', '/v1/documents?channel=paging-e2e&limit=10');
    const perCall = await Promise.all(docs.body.items.map(async (d) => (await getDoc(e2e.api, d.id)).tags.length));
    expect(perCall).toHaveLength(3);
    // the case at hand: a call holds more tags than one page of the feed
    expect(Math.min(...perCall)).toBeGreaterThan(100);
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed?channel=paging-e2e');
      await page.waitForSelector('.feed-card', { timeout: 20_000 });
      // Nothing is scrolled: the end of the list is in view all along, so the feed must go on by itself.
      await waitForPage(page, `document.querySelector('.feed-count')?.getAttribute('data-complete') === 'true'`, 30_000);
      expect(await page.locator('.feed-card').count()).toBe(3);
      expect(await page.locator('.feed-count').textContent()).toBe(`${calls.body.total} 条匹配 · 3 文档`);
      expect(await page.locator('.list-footer').textContent()).toBe('已到底部');
    } finally {
      await page.close();
    }
  });
});
