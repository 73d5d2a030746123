import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// In the labeling queue the arrow keys and Tab step through a document's tags, and 1/2/3, c and x act on
// the selected one. A call transcript of many turns holds far more tags than the text panel and the tag
// list show at once: the selected tag must be brought into view in both.

const COMPLAINTS = ['信用卡年费扣得莫名其妙，没有任何提醒', '手机银行转账一直失败，太失望了', '网点排队两个小时，柜员态度很差', '短信验证码老是收不到'];

const e2e = useConsole();
let callId: string;

beforeAll(async () => {
  callId = await ingest(e2e.api, {
    kind: 'transcript',
    source: 'call-center',
    externalId: 'long-call',
    turns: Array.from({ length: 80 }, (_, i) =>
      i % 2 ? { speaker: 'agent', text: '好的，您稍等，我帮您查询一下。' } : { speaker: 'customer', text: `${COMPLAINTS[(i / 2) % COMPLAINTS.length]}（${i}）` },
    ),
  });
  const doc = await waitDone(e2e.api, callId);
  expect(doc.tags.length).toBeGreaterThan(45);
}, 120_000);

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
    const { page } = await openPage(e2e.browser, { width: 1366, height: 800 });
    try {
      await signIn(page, e2e.server.base, e2e.server.adminKey, `#/label?doc=${callId}`);
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
      await page.close();
    }
  });
});
