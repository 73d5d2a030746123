import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signIn } from './console-helpers.js';
import { CHROMIUM_ARGS, startServer, waitForPage, type RunningServer } from './server-harness.js';

// What the dashboard and NPS charts draw, read back from the canvas: a driver's value label must fit
// inside the chart even when its bar reaches the axis maximum (it was cut off at "+25.0 (n=").

let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const driver = (category: string, npsImpact: number, n: number) => ({
  category,
  n,
  detractorShare: 0.5,
  promoterShare: 0.2,
  meanScoreWith: 4.1,
  meanScoreWithout: 7.9,
  npsImpact,
  csatImpact: null,
  lowSample: n < 30,
});

/**
 * How many painted pixels the chart's canvas has in its rightmost `cols` columns: a label running past
 * the canvas' edge leaves part of a glyph there; a chart that fits leaves them empty.
 */
async function paintedAtRightEdge(selector: string, cols: number): Promise<number> {
  return (await page.evaluate(`(() => {
    const canvas = document.querySelector(${JSON.stringify(`${selector} canvas`)});
    const ctx = canvas.getContext('2d');
    const data = ctx.getImageData(canvas.width - ${cols}, 0, ${cols}, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 64) n++;
    return n;
  })()`)) as number;
}

describe('chart labels (real server, chromium)', () => {
  beforeAll(async () => {
    server = await startServer();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(page, server.base, server.adminKey, '#/feed');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('NPS drivers: the value label of the longest bar stays inside the chart', async () => {
    // The server's answer with drivers whose largest impact is a round 25.0, so the axis ends exactly
    // at the longest bar, as QA found with real data.
    await page.route('**/v1/stats/drivers*', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as Record<string, unknown>;
      const categories = [driver('network', 25, 12), driver('price', 10, 48), driver('service', 5, 31)];
      await route.fulfill({ response: res, json: { ...body, minCount: 30, categories, aspects: [] } });
    });
    await page.goto(`${server.base}/#/nps`);
    await page.waitForSelector('.drivers-category .chart canvas');
    await waitForPage(page, `!!document.querySelector('.drivers-category .chart').chartOption`);
    // the chart is drawn (animation is off), and its longest bar's label is there to be read
    await page.waitForTimeout(300);
    const cols = 6;
    const width = (await page.evaluate(`document.querySelector('.drivers-category .chart canvas').width`)) as number;
    expect(width).toBeGreaterThan(100);
    expect(await paintedAtRightEdge('.drivers-category', cols), 'the value label runs past the right edge').toBe(0);
    // and the labels are drawn at all: the columns just inside the edge hold the end of the longest one
    expect(await paintedAtRightEdge('.drivers-category', 40)).toBeGreaterThan(0);
    await page.unroute('**/v1/stats/drivers*');
    expect(pageErrors).toEqual([]);
  });
});
