import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The customer journey's touchpoint table on a phone (390 px, Chinese): squeezed to the screen's width, its
// cells broke anywhere, a time into "2026-11-" and "23 04:08", 评论 one character per line, 文档详情 → over
// three lines. Its cells stay on one line; the table scrolls sideways in its box, as it does in English.

const e2e = useConsole({ TIME_ZONE: 'Asia/Shanghai' });
let page: Page;
const pageErrors: string[] = [];
const CUSTOMER = 'journey-phone-1';

describe('journey table on a phone (real server, chromium)', () => {
  beforeAll(async () => {
    const api = e2e.api;
    const texts = ['宽带老是断网，客服电话也打不通', '退款申请一个星期了还没到账', '安装师傅很专业，准时上门'];
    for (const [i, text] of texts.entries()) {
      const occurredAt = new Date(Date.now() - (3 - i) * 86_400_000).toISOString();
      await waitDone(api, await ingest(api, { kind: 'comment', source: i % 2 ? 'wechat-survey' : 'app-review', externalId: `jp-${i}`, customerId: CUSTOMER, text, occurredAt }));
    }
    ({ page } = await openPage(e2e.browser, { width: 390, height: 844 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, `#/customers/${CUSTOMER}`);
  }, 120_000);

  test('every cell stays on one line and the page is no wider than the screen', async () => {
    await page.goto(`${e2e.server.base}/#/customers/${CUSTOMER}`);
    await page.waitForSelector('.journey-table tbody tr');
    // the lines each cell's visible text takes: distinct tops of its line boxes (screen-reader-only words aside)
    const broken = (await page.evaluate(`(() => {
      const out = [];
      for (const cell of document.querySelectorAll('.journey-table th, .journey-table td')) {
        const tops = new Set();
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (n.parentElement.closest('.sr-only')) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
        }
        if (tops.size > 1) out.push(cell.textContent.trim() + ' (' + tops.size + ' lines)');
      }
      return out;
    })()`)) as string[];
    expect(broken).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(pageErrors).toEqual([]);
  });
});
