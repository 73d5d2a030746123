import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// What the dashboard and NPS charts draw, read back from the canvas: a driver's value label must fit
// inside the chart even when its bar reaches the axis maximum (it was cut off at "+25.0 (n="). And their
// data tables ("数据表"), the keyboard's way to a chart: a cell whose bar or point a click opens is a link
// to the same filtered feed (they were plain text). Everything drawn comes from real documents sent to
// the real service: no answer of ours is replaced in the browser.

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];

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

describe('chart labels and data tables (real server, chromium)', () => {
  beforeAll(async () => {
    const texts = ['网络很卡，经常断线，套餐价格太贵了。', '快递太慢了，包装也破了。', '信号很差，客服态度也不好。'];
    for (const [i, text] of texts.entries()) await waitDone(e2e.api, await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: `chart-${i}`, text }));
    // NPS answers whose one driver has a round impact: a detractor complaining about the network and three
    // promoters make NPS 50, and 100 without the network answer, so the network bar (+50.0) ends exactly at
    // the axis maximum, where QA found its label cut off.
    const answers: [number, string][] = [[0, '网络信号太差了，经常断线'], [10, '客服态度很好，办理很快'], [10, '营业厅服务很周到'], [10, '套餐很实惠，推荐']];
    for (const [i, [score, text]] of answers.entries()) {
      await waitDone(e2e.api, await ingest(e2e.api, { kind: 'survey', source: 'nps-survey', externalId: `chart-nps-${i}`, text, score, scale: 'nps', question: '您向朋友推荐我们的可能性有多大？' }));
    }
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
  }, 120_000);

  test('NPS drivers: the value label of the longest bar stays inside the chart', async () => {
    const drivers = (await e2e.api<{ categories: { category: string; npsImpact: number | null }[] }>('GET', '/v1/stats/drivers?scale=nps')).body;
    expect(drivers.categories.map((c) => [c.category, c.npsImpact])).toEqual([['network', 50]]);
    await page.goto(`${e2e.server.base}/#/nps`);
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
    expect(pageErrors).toEqual([]);
  });

  test('NPS trend with a single period draws its 95% interval as a bar (a band needs two periods to show)', async () => {
    const trend = (await e2e.api<{ series: { period: string; ci95: [number, number] | null }[] }>('GET', '/v1/stats/nps?scale=nps')).body;
    expect(trend.series).toHaveLength(1);
    const [lo, hi] = trend.series[0]!.ci95!;
    await page.goto(`${e2e.server.base}/#/nps`);
    const chart = '.chart-wide .chart';
    await waitForPage(page, `!!document.querySelector('${chart}')?.chartOption`);
    const marks = (await page.evaluate(`JSON.stringify(document.querySelector('${chart}').chartOption.series.map((x) => x.markLine?.data ?? []))`)) as string;
    const segments = (JSON.parse(marks) as unknown[][]).flat().filter((d): d is { coord: [string, number] }[] => Array.isArray(d));
    expect(segments.map((seg) => [seg[0]!.coord[1], seg[1]!.coord[1]])).toEqual([[lo, hi]]);
    expect(pageErrors).toEqual([]);
  });

  /** Opens the data table under `section`'s chart, focuses the link `link` in it and presses Enter; returns the hash it led to. */
  async function followTableLink(section: string, link: string): Promise<string> {
    await page.click(`${section} .chart-data summary`);
    const a = page.locator(`${section} .chart-data ${link}`).first();
    await a.focus();
    expect(await page.evaluate('document.activeElement.tagName')).toBe('A');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.feed-page, .feed-card, .main .toolbar');
    return (await page.evaluate('location.hash')) as string;
  }

  test('dashboard data tables: Enter on a count or a row name opens the feed a click on that bar or point opens', async () => {
    const summary = (await e2e.api<{ byCategory: { category: string; total: number; negative: number }[]; byDay: { day: string }[] }>('GET', '/v1/stats/summary')).body;
    const first = [...summary.byCategory].sort((a, b) => b.total - a.total)[0]!;
    expect(first.negative, 'the top category has no negative tags').toBeGreaterThan(0);
    const section = (h: string) => `.chart-card:has(h2:text-is("${h}"))`;

    await page.goto(`${e2e.server.base}/#/dashboard`);
    await page.waitForSelector('.chart canvas');
    // the first row's 负向 count: category and polarity, as a click on that bar segment
    expect(await followTableLink(section('类别 × 情感'), 'tbody tr:first-child td:nth-of-type(2) a')).toBe(`#/feed?category=${first.category}&polarity=negative`);

    await page.goto(`${e2e.server.base}/#/dashboard`);
    await page.waitForSelector('.chart canvas');
    const day = [...summary.byDay].sort((a, b) => a.day.localeCompare(b.day))[0]!.day;
    // a day's row: that day's negative tags, as a click on its point
    expect(await followTableLink(section('每日负面率'), 'tbody tr:first-child th a')).toBe(`#/feed?from=${day}&to=${day}&polarity=negative`);
  });

  test('NPS driver table: Enter on a driver opens its negative scored answers, as a click on its bar does', async () => {
    await page.goto(`${e2e.server.base}/#/nps`);
    await page.waitForSelector('.drivers-category .chart canvas');
    expect(await followTableLink('.drivers-category', 'tbody th a')).toBe('#/feed?category=network&scale=nps&polarity=negative');
    expect(pageErrors).toEqual([]);
  });
});
