import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Api, ingest, seedCustomerHistory, signIn, waitDone } from './console-helpers.js';
import { apiClient, closeBrowserAndServer, launchChromium, openPage, startServer, waitFor, type RunningServer } from './server-harness.js';

// A QA pass over the console on 2026-12-02, at a phone's width (390 px) and a laptop's (1366 px), in Chinese
// and English: each test is a defect found in a real browser against the real service, checked the way it
// was met. One server and one browser serve every test here.

let server: RunningServer;
let browser: Browser;
let page: Page;
let api: Api;
const pageErrors: string[] = [];

const NOW = Date.now();
const DAY_MS = 86_400_000;
const MIXED = ['网络很卡，经常断线，套餐价格太贵了。', '客服态度很好，办理很快。', '快递太慢了，包装也破了。', '套餐很实惠，推荐。'];
/** 20 touchpoints that say nothing (emotion 0), then two complaints: the customer crosses the churn threshold at the last one. */
const CROSSING = 'c-crossing';
const MIXED_CUSTOMER = 'c-mixed';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
interface DrawnText extends Box {
  text: string;
}
interface DrawnSeries {
  name: string;
  type: string;
  points: ([number, number] | null)[];
  zeroY: number;
}

/** What the journey chart drew: its texts and series in CSS pixels from its corner (web/src/chart.tsx), and its width. */
async function journeyChart(): Promise<{ width: number; texts: DrawnText[]; series: DrawnSeries[] } | null> {
  return (await page.evaluate(`(() => {
    const el = document.querySelector('.journey-page .chart');
    if (!el || typeof el.chartTexts !== 'function' || typeof el.chartSeries !== 'function') return null;
    return { width: el.clientWidth, texts: el.chartTexts(), series: el.chartSeries() };
  })()`)) as { width: number; texts: DrawnText[]; series: DrawnSeries[] } | null;
}

/** Whether the segment from a to b crosses the box. */
function segmentCrosses(a: [number, number], b: [number, number], r: Box): boolean {
  // sampled every half pixel: the boxes are text lines, 12 px high
  const steps = Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) * 2) + 1;
  for (let i = 0; i <= steps; i++) {
    const x = a[0] + ((b[0] - a[0]) * i) / steps;
    const y = a[1] + ((b[1] - a[1]) * i) / steps;
    if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return true;
  }
  return false;
}

/** The journey's marks a box lies on: the emotion line's segments and points (10 px symbols) and the score bars (14 px wide). */
function marksUnder(series: DrawnSeries[], box: Box): string[] {
  const out: string[] = [];
  for (const s of series) {
    const pts = s.points.map((p, i) => [p, i] as const).filter((e): e is readonly [[number, number], number] => e[0] !== null);
    if (s.type === 'line') {
      for (const [[x, y], i] of pts) if (x + 5 >= box.left && x - 5 <= box.right && y + 5 >= box.top && y - 5 <= box.bottom) out.push(`${s.name} point ${i}`);
      for (let k = 1; k < pts.length; k++) if (segmentCrosses(pts[k - 1]![0], pts[k]![0], box)) out.push(`${s.name} line ${pts[k - 1]![1]}–${pts[k]![1]}`);
    } else if (s.type === 'bar') {
      for (const [[x, y], i] of pts) if (x + 7 >= box.left && x - 7 <= box.right && Math.max(y, s.zeroY) >= box.top && Math.min(y, s.zeroY) <= box.bottom) out.push(`${s.name} bar ${i}`);
    }
  }
  return out;
}

describe('console QA pass 2026-12-02 (real server, chromium)', () => {
  beforeAll(async () => {
    server = await startServer();
    api = apiClient(server.base, server.adminKey);
    const ids = await seedCustomerHistory(api, { prefix: 'mixed', customer: MIXED_CUSTOMER, comments: MIXED, n: 12, at: (i) => new Date(NOW - (24 - i) * DAY_MS).toISOString() });
    for (let i = 0; i < 22; i++) {
      const text = i < 20 ? `我想查询一下我的订单（${i}）。` : `网络很卡，经常断线（${i}）。`;
      ids.push(await ingest(api, { kind: 'comment', source: 'app', externalId: `crossing-${i}`, customerId: CROSSING, text, occurredAt: new Date(NOW - (30 - i) * DAY_MS).toISOString() }));
    }
    await Promise.all(ids.map((id) => waitDone(api, id)));
    browser = await launchChromium();
    ({ page } = await openPage(browser, LAPTOP, { errors: pageErrors }));
    await signIn(page, server.base, server.adminKey, '#/feed');
  }, 180_000);

  afterAll(() => closeBrowserAndServer(browser, server));

  test('journey chart: the newest touchpoint is named on the axis with no room left for a name never drawn, and 流失风险阈值 lies clear of the line (390 and 1366 px)', async () => {
    for (const customer of [CROSSING, MIXED_CUSTOMER]) {
      const journey = await api<{ touchpoints: unknown[] }>('GET', `/v1/customers/${customer}/journey`);
      const n = journey.body.touchpoints.length;
      expect(n, customer).toBeGreaterThanOrEqual(22);
      for (const viewport of [PHONE, LAPTOP]) {
        const where = `${customer} at ${viewport.width}px`;
        await page.setViewportSize(viewport);
        await page.goto(`${server.base}/#/customers/${customer}`);
        const chart = await waitFor(`the journey chart of ${where}`, async () => {
          const c = await journeyChart();
          return c && c.series[0]?.points.length === n && c.texts.some((t) => t.text.startsWith('流失风险阈值')) ? c : null;
        });
        const newest = ((await page.locator('.journey-table tbody tr').last().locator('td').first().textContent()) ?? '').trim();
        const names = chart.texts.filter((t) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(t.text));
        const last = names.find((t) => t.text === newest);
        expect(last, `${where}: the newest touchpoint (${newest}) is not named on the axis: ${names.map((t) => t.text).join(', ')}`).toBeDefined();
        expect(last!.right, `${where}: its name runs past the chart's edge`).toBeLessThanOrEqual(chart.width);
        // No strip on the right is left empty: the grid keeps its margin (24 px) from whatever is drawn last,
        // the line's end or a name.
        const line = chart.series[0]!.points.filter((p): p is [number, number] => p !== null);
        const plotEnd = line[line.length - 1]![0] + (line[1]![0] - line[0]![0]) / 2;
        const drawnTo = Math.max(plotEnd, ...chart.texts.map((t) => t.right));
        expect(chart.width - drawnTo, `${where}: ${Math.round(chart.width - drawnTo)} px empty right of the chart's last mark`).toBeLessThanOrEqual(30);
        // The threshold's name lies on none of the line, its points or the bars.
        const threshold = chart.texts.find((t) => t.text.startsWith('流失风险阈值'))!;
        expect(marksUnder(chart.series, threshold), `${where}: 流失风险阈值 at ${Math.round(threshold.left)},${Math.round(threshold.top)}`).toEqual([]);
        expect(threshold.left).toBeGreaterThanOrEqual(0);
        expect(threshold.right).toBeLessThanOrEqual(chart.width);
      }
    }
    await page.setViewportSize(LAPTOP);
    expect(pageErrors).toEqual([]);
  });
});
