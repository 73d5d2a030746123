import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signedInAs, waitSettled } from './console-helpers.js';
import { openPage, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Console checks of 2026-12-01 (second pass), against the real built service (dist/main.js) and Chromium, at a
// phone's width (390 px) and a laptop's (1366 px), in Chinese and English: each test is a defect met there,
// checked the way it was met.

const e2e = useConsole();
const pageErrors: string[] = [];

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
const DAY = 86_400_000;
/** Noon (UTC, the service's zone here) `n` days ago: clear of any day's edge. */
const daysAgo = (n: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n, 12)).toISOString();
};

const CUSTOMER = 'cx-13800138000';
const JOURNEY = ['宽带老是断网，客服电话也打不通。', '退款申请一个星期了还没到账。', '安装师傅很专业，准时上门。', '账单又算错了，多扣了我五十块钱。'];
/** Days of nothing but complaints and days of nothing but praise, in turn: a rate going 100 %, 0 %, 100 % … */
const ZIGZAG = [26, 25, 24, 23, 22, 21];
const COMPLAINT = '外卖送餐太慢了，饭菜都凉了。';
const PRAISE = '服务很好，推荐。';
let docId = '';

async function phonePage(lang: 'zh' | 'en', viewport = PHONE): Promise<Page> {
  const { page } = await openPage(e2e.browser, viewport, { errors: pageErrors });
  await signedInAs(page, e2e.server.base, e2e.server.adminKey, lang);
  return page;
}

describe('console 2026-12-01, second pass (real server, chromium)', () => {
  beforeAll(async () => {
    const documents: Record<string, unknown>[] = JOURNEY.map((text, i) => ({ kind: 'comment', source: i % 2 ? 'wechat' : 'app', externalId: `j-${i}`, customerId: CUSTOMER, text, occurredAt: daysAgo(8 - 2 * i) }));
    documents.push({ kind: 'comment', source: 'dianping', externalId: 'hotel-1', text: '酒店房间干净整洁，前台服务热情，但是早餐太难吃了，停车位也不够，价格偏贵。' });
    for (const [i, n] of ZIGZAG.entries()) documents.push({ kind: 'comment', source: 'meituan', externalId: `z-${n}`, text: `${i % 2 ? PRAISE : COMPLAINT}（${i}）`, occurredAt: daysAgo(n) });
    const res = await e2e.api('POST', '/v1/documents/batch', { documents });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(207);
    docId = (res.body as { items: { id: string }[] }).items[JOURNEY.length]!.id;
    await waitFor(
      'the documents analyzed',
      async () => {
        const pending = await Promise.all(['queued', 'processing'].map((s) => e2e.api<{ items: unknown[] }>('GET', `/v1/documents?status=${s}&limit=1`)));
        return pending.every((p) => p.body.items.length === 0);
      },
      60_000,
    );
    // a complaint routed to a case, for the cases page
    expect((await e2e.api('PUT', '/v1/routing', { entries: [{ keywords: ['账单'], team: 'billing', slaHours: 4, priority: 'high' }], defaultTeam: 'customer-care', defaultSlaHours: 24 })).status).toBe(200);
    await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'case-1', text: '账单看不懂，客服也说不清楚，很失望。' });
  }, 120_000);

  // The journey's four touchpoints, two days apart, on a phone: each name on the time axis was a whole
  // 2026-11-25 11:32 (about 100 px) under a band of about 65 px, so the chart named every other one and an
  // analyst could not tell which point was which day without the table.
  test('客户旅程 on a phone names every touchpoint on the time axis, none over another or past the edge', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = await phonePage(lang);
      await page.goto(`${e2e.server.base}/#/customers/${CUSTOMER}`);
      await waitSettled(page);
      const times = (await page.locator('.journey-table tbody tr td:first-child').allTextContents()).map((s) => s.trim());
      expect(times).toHaveLength(JOURNEY.length);
      const drawn = (await page.evaluate(`(() => {
        const el = document.querySelector('.journey-page .chart');
        return { width: el.clientWidth, texts: el.chartTexts() };
      })()`)) as { width: number; texts: { text: string; left: number; right: number; top: number; bottom: number }[] };
      // the axis' names: the texts that hold a date
      const names = drawn.texts.filter((t) => /\d{2}-\d{2}/.test(t.text));
      const missing = times.filter((time) => !names.some((n) => n.text.includes(time.slice(5, 10))));
      expect(missing, `${lang}: touchpoints not named on the axis (drawn: ${names.map((n) => n.text).join(' | ')})`).toEqual([]);
      const sorted = [...names].sort((a, b) => a.left - b.left);
      const overlapping = sorted.flatMap((n, i) => sorted.slice(i + 1).filter((m) => m.left < n.right && m.top < n.bottom && n.top < m.bottom).map((m) => `${n.text}|${m.text}`));
      expect(overlapping, lang).toEqual([]);
      for (const n of names) {
        expect(n.left, `${lang}: ${n.text}`).toBeGreaterThanOrEqual(0);
        expect(n.right, `${lang}: ${n.text}`).toBeLessThanOrEqual(drawn.width);
      }
      await page.context().close();
    }
    expect(pageErrors).toEqual([]);
  });
  // A document's 观点标签 table on a phone: the opinion's button did not fit beside its polarity dot in the
  // column's 9em, so the button wrapped under it and the dot stood alone on a line above its tag.
  test('document page on a phone: each tag’s polarity dot sits on the first line of its tag, before it', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = await phonePage(lang);
      await page.goto(`${e2e.server.base}/#/doc/${docId}`);
      await waitSettled(page);
      const rows = (await page.evaluate(`[...document.querySelectorAll('.doc-tags tbody tr')].map((tr) => {
        const dot = tr.querySelector('.dot').getBoundingClientRect();
        const button = tr.querySelector('td:first-child button');
        const range = document.createRange();
        range.selectNodeContents(button);
        const line = [...range.getClientRects()].filter((r) => r.width > 0)[0];
        return { tag: button.textContent, dot: { left: dot.left, right: dot.right, top: dot.top, bottom: dot.bottom }, line: { left: line.left, top: line.top, bottom: line.bottom } };
      })`)) as { tag: string; dot: { left: number; right: number; top: number; bottom: number }; line: { left: number; top: number; bottom: number } }[];
      expect(rows.length, 'the document has tags').toBeGreaterThanOrEqual(3);
      const apart = rows.filter((r) => !(r.dot.top >= r.line.top && r.dot.bottom <= r.line.bottom && r.dot.right <= r.line.left && r.line.left - r.dot.right <= 12));
      expect(
        apart.map((r) => `${r.tag}: dot ${Math.round(r.dot.left)},${Math.round(r.dot.top)} line ${Math.round(r.line.left)},${Math.round(r.line.top)}-${Math.round(r.line.bottom)}`),
        lang,
      ).toEqual([]);
      await page.context().close();
    }
    expect(pageErrors).toEqual([]);
  });
});
