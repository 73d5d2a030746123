import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { apiClient, closeBrowserAndServer, launchChromium, openPage, startServer, type RunningServer } from './server-harness.js';

// In the labeling queue the arrow keys and Tab step through a document's tags, and 1/2/3, c and x act on
// the selected one. A call transcript of many turns holds far more tags than the text panel and the tag
// list show at once: the selected tag must be brought into view in both.

const COMPLAINTS = ['信用卡年费扣得莫名其妙，没有任何提醒', '手机银行转账一直失败，太失望了', '网点排队两个小时，柜员态度很差', '短信验证码老是收不到'];

let server: RunningServer;
let browser: Browser;
let api: ReturnType<typeof apiClient>;
let callId: string;

beforeAll(async () => {
  server = await startServer();
  api = apiClient(server.base, server.adminKey);
  callId = await ingest(api, {
    kind: 'transcript',
    source: 'call-center',
    externalId: 'long-call',
    turns: Array.from({ length: 80 }, (_, i) =>
      i % 2 ? { speaker: 'agent', text: '好的，您稍等，我帮您查询一下。' } : { speaker: 'customer', text: `${COMPLAINTS[(i / 2) % COMPLAINTS.length]}（${i}）` },
    ),
  });
  const doc = await waitDone(api, callId);
  expect(doc.tags.length).toBeGreaterThan(45);
  browser = await launchChromium();
}, 120_000);

afterAll(() => closeBrowserAndServer(browser, server));

/** Where the selected tag is against its panel, in the text and in the tag list: true when in view. */
async function selectedInView(page: Page): Promise<{ text: boolean; list: boolean }> {
  return (await page.evaluate(`(() => {
    const inside = (boxSel, elSel) => {
      const box = document.querySelector(boxSel);
      const el = box && box.querySelector(elSel);
      if (!el) return false;
      const b = box.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
    };
    return { text: inside('.label-text', '.hl-selected'), list: inside('.label-tags', '.tag-row.selected') };
  })()`)) as { text: boolean; list: boolean };
}

describe('labeling a long call with the keyboard', () => {
  test('the tag the arrow keys select is scrolled into view in the text and in the tag list', async () => {
    const { context, page } = await openPage(browser, { width: 1366, height: 800 });
    try {
      await signIn(page, server.base, server.adminKey, `#/label?doc=${callId}`);
      await page.waitForSelector('.label-text .hl-selected', { timeout: 20_000 });
      // the shortcuts act while nothing has focus
      await page.evaluate(`document.activeElement && document.activeElement.blur()`);
      expect(await selectedInView(page)).toEqual({ text: true, list: true });

      for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(300);
      const chosen = await page.locator('.tag-row.selected').getAttribute('data-tag-id');
      expect(await page.locator('.label-text .hl-selected').getAttribute('data-tag-id')).toBe(chosen);
      expect(await selectedInView(page)).toEqual({ text: true, list: true });

      // and back to the first
      for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowLeft');
      await page.waitForTimeout(300);
      expect(await selectedInView(page)).toEqual({ text: true, list: true });
    } finally {
      await context.close();
    }
  });
});
