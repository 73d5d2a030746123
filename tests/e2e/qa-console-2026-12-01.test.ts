import type { Page, Route } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { type DrawnText, drawnChart, signIn, trainingRefusal, waitNonePending } from './console-helpers.js';
import { openPage, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// A QA pass over the console on 2026-12-01, as a CX analyst and a labeler would use it: each test is a
// defect found in a real browser against the real service, checked the way it was met. One server and one
// browser serve every test here (each e2e file costs the suite a server's and a browser's start-up).

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];

/** Days of history the seeded feedback covers, one comment or more on each, up to today (UTC, the service's TIME_ZONE). */
const HISTORY_DAYS = 70;
const TEXTS = ['网络很卡，经常断线，套餐价格太贵了。', '快递太慢了，包装也破了。', '客服态度很好，办理很快。', 'App老是闪退，更新以后更严重了。', '套餐很实惠，推荐。'];

const LONG_CHANNEL = 'partner-integration-wechat-mini-program-feedback-channel-000064'.padEnd(64, 'x');

const DAY_MS = 86_400_000;
/** Today as the file started (the seeded days and the days asked for stay the same past a midnight). */
const NOW = Date.now();
/** The UTC day `n` days before today, as YYYY-MM-DD. */
const daysAgo = (n: number) => new Date(NOW - n * DAY_MS).toISOString().slice(0, 10);

/** Sends documents in batches and waits until none is queued or in analysis. */
async function seed(documents: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < documents.length; i += 200) {
    const res = await e2e.api<{ items: { status: string }[] }>('POST', '/v1/documents/batch', { documents: documents.slice(i, i + 200) });
    expect(res.status).toBe(207);
    expect(res.body.items.filter((d) => d.status !== 'accepted')).toEqual([]);
  }
  await waitNonePending(e2e.api, 90_000, 'the seeded documents analyzed');
}

const TREND = '.chart-grid > section:nth-child(2) .chart';
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

describe('console QA pass 2026-12-01 (real server, chromium)', () => {
  beforeAll(async () => {
    // One comment at noon on each of the last HISTORY_DAYS days (today's noon may be a few hours ahead: the
    // API takes up to a day ahead), a second on every third day.
    const docs: Record<string, unknown>[] = [];
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const occurredAt = `${daysAgo(d)}T12:00:00Z`;
      docs.push({ kind: 'comment', source: 'app', externalId: `hist-${d}`, text: `${TEXTS[d % TEXTS.length]}（${d}）`, occurredAt });
      if (d % 3 === 0) docs.push({ kind: 'comment', source: 'web', externalId: `hist-${d}-b`, text: `${TEXTS[(d + 1) % TEXTS.length]}（${d}b）`, occurredAt });
    }
    // three NPS answers, one of each band, with comments (their cards are in the feed)
    for (const [i, score] of [0, 7, 10].entries()) {
      docs.push({ kind: 'survey', source: 'nps-survey', externalId: `nps-${i}`, scale: 'nps', score, question: '您向朋友推荐我们的可能性有多大？', text: TEXTS[i]!, occurredAt: `${daysAgo(1)}T09:00:00Z` });
    }
    // a channel name as long as the API takes (64 characters), as a partner integration may send
    docs.push({ kind: 'comment', source: LONG_CHANNEL, externalId: 'long-channel', text: TEXTS[0]!, occurredAt: `${daysAgo(2)}T10:00:00Z` });
    await seed(docs);
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/dashboard');
  }, 180_000);

  /**
   * Opens the dashboard over the last `days` days and returns the trend chart's date names once it shows
   * the first of those days (the axis starts on it: every day has feedback).
   */
  async function trendDates(days: number): Promise<{ width: number; dates: DrawnText[] }> {
    const from = daysAgo(days - 1);
    await page.goto(`${e2e.server.base}/#/dashboard?from=${from}`);
    const drawn = await waitFor(`the trend chart from ${from}`, async () => {
      const c = await drawnChart(page, TREND);
      return c && c.texts.some((t) => t.text === from) ? c : null;
    });
    return { width: drawn.width, dates: drawn.texts.filter((t) => isDay(t.text)).sort((a, b) => a.left - b.left) };
  }

  // First: nothing the tests below do (reading, a refused training) writes to the audit log, but go first anyway.
  test('audit log: an empty log says there is nothing yet, not that nothing matches a filter nobody chose', async () => {
    expect((await e2e.api<{ items: unknown[] }>('GET', '/v1/audit')).body.items).toEqual([]);
    await page.goto(`${e2e.server.base}/#/admin/audit`);
    const empty = page.locator('[data-admin-section=audit] .adm-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('还没有审计记录');
    // with an action chosen, it is the filter that matched nothing
    await page.selectOption('[data-admin-section=audit] select[name=action]', 'api_key.create');
    await waitFor('the filtered list', async () => (await page.evaluate('location.hash')) === '#/admin/audit?action=api_key.create' && (await empty.textContent()) === '没有符合条件的记录');
    expect(pageErrors).toEqual([]);
  });

  test('dashboard trend: with about 60 days the last date on the x axis stays inside the chart (1366×768 and 390×844)', async () => {
    const summary = await e2e.api<{ byDay: { day: string }[] }>('GET', `/v1/stats/summary?from=${daysAgo(HISTORY_DAYS - 1)}`);
    expect(summary.body.byDay).toHaveLength(HISTORY_DAYS);
    for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      // Where the last date lands depends on how ECharts thins the names out, which depends on the number of
      // days: every span from 50 to 66 days, each of which an analyst gets by picking a start date.
      for (let days = 50; days <= 66; days++) {
        const { width, dates } = await trendDates(days);
        expect(dates.length, `${days} days: dates drawn`).toBeGreaterThan(2);
        const last = dates[dates.length - 1]!;
        // at 1366 px the last name drawn is one of the last days, near the edge (a phone's fewer names may stop further off)
        if (viewport.width === 1366) expect(last.text >= daysAgo(10), `${days} days: last date drawn ${last.text}`).toBe(true);
        for (const d of dates) {
          expect(d.left, `${days} days at ${viewport.width}px: ${d.text} starts left of the chart`).toBeGreaterThanOrEqual(0);
          expect(d.right, `${days} days at ${viewport.width}px: ${d.text} runs past the chart's right edge (${width}px)`).toBeLessThanOrEqual(width);
        }
      }
    }
    await page.setViewportSize({ width: 1366, height: 768 });
    expect(pageErrors).toEqual([]);
  });
  test('models: training with no corrections yet is refused in the page\'s language, not in the API\'s English', async () => {
    const refused = await e2e.api<{ error: { code: string; message: string } }>('POST', '/v1/models/train', {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('nothing_to_learn');
    for (const [lang, says] of [['zh', '还没有可用于训练的纠正'], ['en', 'No corrections to learn from yet']] as const) {
      const notice = await trainingRefusal(page, e2e.server.base, lang);
      const text = (await notice.textContent()) ?? '';
      expect(text).toContain(says);
      // said once, in the page's words: neither the HTTP status nor the server's sentence instead of a reason
      expect(text).not.toContain('HTTP 409');
      if (lang === 'zh') expect(text, 'English in the Chinese page').not.toMatch(/[A-Za-z]{3,}/);
    }
    await page.evaluate(`localStorage.setItem('guandian.lang', 'zh')`);
    expect(pageErrors).toEqual([]);
  });
  test('a survey card\'s score badge names its one answer\'s band in the singular in English (0/10 Detractor, not Detractors)', async () => {
    await page.goto(`${e2e.server.base}/#/feed?kind=survey`);
    await page.evaluate(`localStorage.setItem('guandian.lang', 'en')`);
    await page.reload();
    await waitFor('the three survey cards', async () => (await page.locator('.score[data-band]').count()) === 3);
    const badges = (await page.evaluate(
      `[...document.querySelectorAll('.score[data-band]')].map((b) => [b.dataset.score, b.querySelector('.score-band').textContent, b.title])`,
    )) as [string, string, string][];
    expect(badges.sort()).toEqual([
      ['0', 'Detractor', 'NPS · Detractor'],
      ['10', 'Promoter', 'NPS · Promoter'],
      ['7', 'Passive', 'NPS · Passive'],
    ]);
    // back to Chinese with the top bar's switch, as the tests after this one read the console in it
    await page.click('.topbar button:has-text("中文")');
    await page.waitForSelector('.topbar button:has-text("English")');
    expect(pageErrors).toEqual([]);
  });
  test('dashboard by channel: a 64-character channel name leaves the bars their room, on a phone too', async () => {
    expect(LONG_CHANNEL).toHaveLength(64);
    const chart = '.chart-grid > section:nth-child(4) .chart';
    for (const viewport of [{ width: 390, height: 844 }, { width: 1366, height: 768 }]) {
      await page.setViewportSize(viewport);
      await page.goto(`${e2e.server.base}/#/dashboard`);
      const drawn = await waitFor('the channel chart', async () => {
        const c = await drawnChart(page, chart);
        return c && c.texts.some((t) => t.text.startsWith('partner-')) ? c : null;
      });
      const name = drawn.texts.find((t) => t.text.startsWith('partner-'))!;
      // the name is shown from its start, and takes at most half the chart
      expect(name.left, `${viewport.width}px: the name starts off the chart's left edge`).toBeGreaterThanOrEqual(0);
      expect(name.right - name.left, `${viewport.width}px: the name takes ${Math.round(name.right - name.left)} of ${drawn.width}px`).toBeLessThanOrEqual(drawn.width / 2);
      // the count axis below the bars is readable: its numbers do not run into each other ("0300")
      const ticks = drawn.texts.filter((t) => /^\d+$/.test(t.text) && t.top > name.top).sort((a, b) => a.left - b.left);
      expect(ticks.length, `${viewport.width}px: count axis numbers`).toBeGreaterThan(2);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.left, `${viewport.width}px: ${ticks[i - 1]!.text} and ${ticks[i]!.text} overlap`).toBeGreaterThan(ticks[i - 1]!.right);
      // the data table keeps the name whole
      expect(await page.locator('.chart-grid > section:nth-child(4) .chart-data tbody th').allTextContents()).toContain(LONG_CHANNEL);
    }
    expect(pageErrors).toEqual([]);
  });
  test('dashboard: a KPI comparison that fails to load says so where its table goes, and 重试 brings the table', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    const kpiPath = (u: URL) => u.pathname === '/v1/stats/kpi';
    const down = (r: Route) => r.abort('connectionrefused');
    await page.route(kpiPath, down);
    const failed = page.waitForEvent('requestfailed', (r) => new URL(r.url()).pathname === '/v1/stats/kpi');
    await page.goto(`${e2e.server.base}/#/dashboard?kind=comment`);
    await failed;
    // the charts came (their request answered), and the comparison that did not is not left out in silence
    await page.waitForSelector('.dashboard .kpis');
    await waitFor('the KPI table\'s place to say it failed', async () => (await page.locator('.kpi-table-card .error-panel').count()) === 1, 10_000);
    const panel = page.locator('.kpi-table-card');
    expect(await panel.locator('h2').textContent()).toBe('各类别负面占比：本期对比上期');
    expect(await panel.locator('.error-panel').textContent()).toContain('无法连接到服务器');
    expect(await page.locator('.kpi-table').count()).toBe(0);
    await page.unroute(kpiPath, down);
    await panel.locator('[data-action=retry]').click();
    await page.waitForSelector('.kpi-table tbody tr');
    expect(await page.locator('.kpi-table-card .error-panel').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
  test('a filter the server refuses (400) offers no 重试, which would only repeat the refusal; a failure that may pass does', async () => {
    // in Chinese whatever an earlier test of this page left (run alone with -t, the refusal test left English)
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.evaluate(`localStorage.setItem('guandian.lang', 'zh')`);
    await page.reload();
    for (const [hash, field] of [
      ['#/feed?minConfidence=abc', '最低置信度'],
      ['#/dashboard?from=2026-11-20&to=2026-11-01', '开始日期不能晚于结束日期'],
    ] as const) {
      await page.goto(`${e2e.server.base}/${hash}`);
      const panel = page.locator('main .error-panel');
      await panel.waitFor();
      expect(await panel.textContent(), hash).toContain(field);
      expect(await panel.locator('[data-action=retry]').count(), hash).toBe(0);
    }
    // the same page unable to reach the server keeps its 重试
    await page.route('**/v1/stats/summary*', (r) => r.abort('connectionrefused'));
    await page.goto(`${e2e.server.base}/#/dashboard?from=${daysAgo(6)}`);
    await page.locator('main .error-panel [data-action=retry]').waitFor();
    await page.unroute('**/v1/stats/summary*');
    expect(pageErrors).toEqual([]);
  });

  test('labeling: a document asked for (在标注队列中打开) that cannot be loaded is said to be missing, not swapped for another in silence', async () => {
    // erased meanwhile, or a link from another tenant's console: the API knows no such document
    const gone = '01M8ZZZZZZZZZZZZZZZZZZZZZZ';
    expect((await e2e.api('GET', `/v1/documents/${gone}`)).status).toBe(404);
    await page.goto(`${e2e.server.base}/#/label?doc=${gone}`);
    // the queue's first document shows, with its status line
    await page.waitForSelector('.save-state', { state: 'attached' });
    const notice = page.locator('.save-state');
    await waitFor('a notice naming the document', async () => ((await notice.textContent()) ?? '').includes(gone), 10_000);
    expect(await notice.textContent()).toContain(`未能打开文档 ${gone}`);
    expect(await notice.getAttribute('class')).toContain('err');
    // the queue is there to go on with, from its first document
    const first = (await e2e.api<{ items: { id: string }[] }>('GET', '/v1/labeling/queue?limit=1')).body.items[0]!;
    expect(await page.locator('main .mono', { hasText: first.id }).count()).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });
});
