import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signedInAs, waitDone } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The dashboard's 类别 × 情感 chart names each category under its bar. It slanted the names only when more than
// six categories were counted, so five English names ("Waiting & processing speed", "System & app experience")
// stood upright, wider than their bars, and ran into each other at 1280 px. Whether the names fit depends on
// how long they are (the language) and on the chart's width: a name wider than its bar must be slanted.

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];
// the grid's first card: 类别 × 情感 (Category × polarity)
const CHART = '.chart-grid > .chart-card:first-child .chart';

describe('dashboard category axis (real server, chromium)', () => {
  beforeAll(async () => {
    const api = e2e.api;
    const texts = ['网络很顺畅，但是App老是闪退', '退款申请一个星期了还没到账，客服一直推脱', '客服态度非常好，问题十分钟就解决了'];
    for (const [i, text] of texts.entries()) await waitDone(api, await ingest(api, { kind: 'comment', source: 'app', externalId: `axis-${i}`, text }));
    ({ page } = await openPage(e2e.browser, { width: 1280, height: 800 }, { errors: pageErrors }));
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
  }, 120_000);

  /** The names under the bars, the widest one's width in the chart's label font, the room each has, and the slant drawn. */
  async function axis(): Promise<{ names: string[]; widest: number; room: number; rotate: number }> {
    await waitForPage(page, `!!document.querySelector(${JSON.stringify(CHART)})?.chartOption`);
    await page.waitForTimeout(300);
    return (await page.evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(CHART)});
      const x = el.chartOption.xAxis;
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = '12px "WenQuanYi Zen Hei", sans-serif';
      const widest = Math.max(...x.data.map((s) => ctx.measureText(s).width));
      // at most the whole chart's width shared among the bars (the plot is narrower still)
      return { names: x.data, widest, room: el.clientWidth / x.data.length, rotate: x.axisLabel.rotate ?? 0 };
    })()`)) as { names: string[]; widest: number; room: number; rotate: number };
  }

  test('English names wider than their bars are slanted, not drawn over each other', async () => {
    await page.goto(`${e2e.server.base}/#/dashboard`);
    const a = await axis();
    expect(a.names).toContain('Waiting & processing speed');
    expect(a.names.length).toBeLessThanOrEqual(6);
    expect(a.widest, 'this case needs a name wider than its bar').toBeGreaterThan(a.room);
    expect(a.rotate, `upright names overlap: ${a.names.join(' | ')}`).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  test('the same few categories in Chinese fit upright and stay so', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await page.goto(`${e2e.server.base}/#/dashboard`);
    const a = await axis();
    expect(a.widest).toBeLessThan(a.room);
    expect(a.rotate).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
