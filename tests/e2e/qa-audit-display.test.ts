import type { BrowserContext, Page, Route } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { getDoc, ingest, signIn, waitDone, type Doc } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The QA audit's display defects: what the pages say and draw for a given API answer. Where the
// answer needs data a fresh server does not have (gaps between days, small-sample KPI rows, a gate's
// reasons), the API's answer is given by page.route, in the shape the API documents; the rest runs
// against the real server.

const e2e = useConsole();
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let doc: Doc;

/** Answers `pathname` with `body` (JSON) until the returned function is called. */
async function answer(pathname: string, body: unknown): Promise<() => Promise<void>> {
  const match = (u: URL) => u.pathname === pathname;
  const handler = (route: Route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  await page.route(match, handler);
  return () => page.unroute(match, handler);
}

/** Parts of the option a chart was drawn with (Chart keeps it on its element for these tests). */
function chartOption<T>(selector: string, pick: string): Promise<T> {
  return page.evaluate(`(() => { const o = document.querySelector(${JSON.stringify(selector)}).chartOption; return (${pick})(o); })()`) as Promise<T>;
}

const counts = (negative: number, total: number) => ({ positive: total - negative, negative, neutral: 0, total });

/** WCAG contrast of an element's text against the colour behind it. */
const CONTRAST = (selector: string) => `(() => {
  const el = document.querySelector(${JSON.stringify(selector)});
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let bg = null;
  for (let e = el; e && !bg; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) bg = c; }
  bg = bg || [255, 255, 255];
  const a = lum(parse(getComputedStyle(el).color)), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
})()`;

describe('QA audit: what the pages say and draw (real server, chromium)', () => {
  beforeAll(async () => {
    const id = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'qad-1', customerId: 'qad-cust', text: '外卖送得太慢了，骑手态度恶劣。', occurredAt: new Date().toISOString() });
    doc = await waitDone(e2e.api, id);
    ({ context, page } = await openPage(e2e.browser, { width: 1366, height: 860 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
  }, 120_000);

  test('feed ×: names the tag, removes it at once and offers 撤销, which puts the model\'s tag back', async () => {
    const tag = doc.tags.find((t) => t.opinion === '恶劣')!;
    const before = (await getDoc(e2e.api, doc.id)).tags.find((t) => t.id === tag.id)! as Doc['tags'][number] & { modelVersion: string; confidence: number };
    await page.goto(`${e2e.server.base}/#/feed`);
    const card = page.locator(`.feed-card[data-doc-id="${doc.id}"]`);
    const x = card.locator(`.chip[data-tag-id="${tag.id}"] .chip-x`);
    await x.waitFor();
    expect(await x.getAttribute('aria-label')).toMatch(/^删除标签：.*恶劣/);
    await x.click();
    const toast = card.locator('.undo-toast');
    await toast.waitFor();
    expect(await toast.getAttribute('role')).toBe('status');
    expect(await toast.textContent()).toContain('恶劣');
    expect((await getDoc(e2e.api, doc.id)).tags.some((t) => t.id === tag.id)).toBe(false);
    await toast.locator('[data-action=undo-remove]').click();
    await card.locator(`.chip[data-tag-id="${tag.id}"]`).waitFor();
    const back = (await getDoc(e2e.api, doc.id)).tags.find((t) => t.id === tag.id) as typeof before | undefined;
    expect(back).toMatchObject({ source: before.source, polarity: before.polarity, modelVersion: before.modelVersion, confidence: before.confidence });
    expect(await card.locator('.undo-toast').count()).toBe(0);
  });

  test('trend charts keep every day: a day without data is a gap, not skipped', async () => {
    const done = await answer('/v1/stats/summary', {
      byCategory: [{ category: 'logistics', ...counts(1, 2) }],
      byDay: [{ day: '2026-11-11', ...counts(1, 2) }, { day: '2026-11-13', ...counts(2, 2) }],
      byChannel: [{ channel: 'app', ...counts(3, 4) }],
      topNegativeAspects: [],
    });
    await page.goto(`${e2e.server.base}/#/dashboard`);
    await page.waitForSelector('.dashboard .kpis');
    const trend = '.chart-card:nth-child(2) .chart';
    await page.waitForSelector(trend);
    expect(await chartOption(trend, '(o) => o.xAxis.data')).toEqual(['2026-11-11', '2026-11-12', '2026-11-13']);
    expect(await chartOption(trend, '(o) => o.series[0].data')).toEqual([50, null, 100]);
    await done();

    const nps = await answer('/v1/stats/nps', {
      scale: 'csat',
      interval: 'day',
      overall: { n: 23, satisfied: 8, neutral: 6, dissatisfied: 9, csat: 34.8, mean: 3.1, ci95: [18.8, 54.6] },
      series: [
        { period: '2026-10-27', n: 3, satisfied: 1, csat: 33.3, mean: 3, ci95: [6.1, 79.2] },
        { period: '2026-11-03', n: 20, satisfied: 7, csat: 35, mean: 3.1, ci95: [18.1, 56.7] },
      ],
    });
    await page.goto(`${e2e.server.base}/#/nps?scale=csat&interval=day`);
    const line = '.nps-page .chart-wide .chart';
    await page.waitForSelector(line);
    const axis = await chartOption<string[]>(line, '(o) => o.xAxis.data');
    expect(axis).toHaveLength(8);
    expect(axis[0]).toBe('2026-10-27');
    expect(axis[7]).toBe('2026-11-03');
    expect(await chartOption(line, '(o) => o.series[2].data')).toEqual([33.3, null, null, null, null, null, null, 35]);

    // CSAT names its three groups with counts, like NPS's three: nothing is an unlabelled block
    const legends = await page.locator('.nps-split .split-legend').allTextContents();
    expect(legends).toEqual(['满意（4–5 分） 8（34.8%）', '一般（3 分） 6（26.1%）', '不满意（1–2 分） 9（39.1%）']);
    await nps();
  });

  test('KPI table names the test each row used; ★ and the reviewed badge reach 4.5:1', async () => {
    const row = (category: string, test: 'z' | 'fisher', pValue: number) => ({
      category,
      current: { negative: 3, total: 3, share: 1 },
      previous: { negative: 0, total: 3, share: 0 },
      change: 1,
      z: 2.45,
      pValue,
      significant: pValue < 0.05,
      test,
    });
    const done = await answer('/v1/stats/kpi', {
      period: { from: '2026-11-20T00:00:00.000Z', to: '2026-11-27T00:00:00.000Z' },
      previousPeriod: { from: '2026-11-13T00:00:00.000Z', to: '2026-11-20T00:00:00.000Z' },
      categories: [row('logistics', 'fisher', 0.04), row('network', 'z', 0.01)],
    });
    await page.goto(`${e2e.server.base}/#/dashboard`);
    await page.waitForSelector('.kpi-table tbody tr');
    expect(await page.textContent('.kpi-table tr[data-category=logistics] .kpi-test')).toBe('Fisher 精确检验');
    expect(await page.textContent('.kpi-table tr[data-category=network] .kpi-test')).toBe('双比例 z 检验');
    expect(await page.getAttribute('.kpi-table tr[data-category=logistics] .sig', 'title')).toContain('Fisher');
    expect(await page.textContent('.kpi-table-card > p')).not.toMatch(/^★ 显著变化（双比例 z 检验，p < 0.05）$/);
    expect(await page.evaluate(CONTRAST('.kpi-table .sig'))).toBeGreaterThanOrEqual(4.5);
    await done();

    await e2e.api('POST', `/v1/documents/${doc.id}/corrections`, { actions: [{ op: 'accept' }] });
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.reload();
    await page.waitForSelector(`.feed-card[data-doc-id="${doc.id}"] .badge-ok`);
    expect(await page.evaluate(CONTRAST(`.feed-card[data-doc-id="${doc.id}"] .badge-ok`))).toBeGreaterThanOrEqual(4.5);
    // every page has one main landmark with an h1 naming it
    for (const hash of ['#/feed', '#/dashboard', `#/doc/${doc.id}`]) {
      await page.goto(`${e2e.server.base}/${hash}`);
      await page.waitForSelector('main .page');
      expect(await page.locator('main').count(), hash).toBe(1);
      expect(await page.locator('h1').count(), hash).toBe(1);
    }
  });

  test('English counts take the singular for one', async () => {
    await page.goto(`${e2e.server.base}/#/feed?q=${encodeURIComponent('恶劣')}`);
    await page.evaluate("localStorage.setItem('guandian.lang', 'en')");
    await page.reload();
    await page.waitForSelector('.feed-card');
    await waitForPage(page, "document.querySelector('.feed-count')?.dataset.complete === 'true'");
    expect(await page.textContent('.feed-count')).toBe('1 match · 1 document');
    await page.evaluate("localStorage.setItem('guandian.lang', 'zh')");
    await page.reload();
    await page.waitForSelector('.feed-card');
    expect(await page.textContent('.feed-count')).toBe('1 条匹配 · 1 文档');
  });

  test('feed and queue counts say when more are still to load (a server that gives no total)', async () => {
    for (let i = 0; i < 4; i++) await waitDone(e2e.api, await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: `qad-more-${i}`, text: `网络太卡了，第${i}次断线。` }));
    // A first page of 2 and no further pages: the list is known to be incomplete. withTotal is dropped, as
    // an older server ignores it (tests/e2e/list-totals.test.ts has the counts with totals).
    const firstPageOf2 = async (pathname: string) =>
      page.route(
        (u) => u.pathname === pathname,
        async (route) => {
          const u = new URL(route.request().url());
          if (u.searchParams.has('cursor')) return route.abort('connectionrefused');
          u.searchParams.set('limit', '2');
          u.searchParams.delete('withTotal');
          return route.continue({ url: u.toString() });
        },
      );
    await firstPageOf2('/v1/tags');
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.waitForSelector('.feed-card');
    await waitForPage(page, "document.querySelector('.feed-count')?.dataset.complete === 'false'");
    expect(await page.textContent('.feed-count')).toMatch(/^已加载 2 条匹配 · \d+ 文档，还有更多$/);

    await firstPageOf2('/v1/labeling/queue');
    await page.goto(`${e2e.server.base}/#/label`);
    await page.waitForSelector('.label-text');
    expect(await page.textContent('.label-main .doc-of')).toBe('第 1 / 2+ 篇');
    expect(await page.textContent('.side-title .muted')).toBe('已加载 2 篇，还有更多');
    await page.unrouteAll();
  });

  test('models: the table and the gate reasons round alike; English leaves the gate column its width', async () => {
    const metrics = (overall: number, n = 38) => ({
      regression: { n: 200, sentimentAccuracy: overall, categoryAccuracy: overall, categoryMacroF1: overall, overall },
      corrections: { n, sentimentAccuracy: 0.5, categoryAccuracy: 0.5, overall: 0.5 },
      reviewed: { n: n * 2, sentimentAccuracy: 0.5, categoryAccuracy: 0.5, overall: 0.5 },
    });
    const done = await answer('/v1/models', {
      base: 'lexicon-base-2026.11.0',
      active: 'lexicon-base-2026.11.0',
      training: [],
      versions: [
        {
          version: 'lexicon-base-2026.11.0+r12',
          parent: 'lexicon-base-2026.11.0',
          active: false,
          status: 'candidate',
          createdAt: '2026-11-27T08:00:00.000Z',
          createdBy: 'admin',
          counts: { baseExamples: 1000, corrections: 38, sentimentExamples: 38, categoryExamples: 38 },
          metrics: metrics(0.7105),
          parentMetrics: metrics(0.5),
          gate: {
            passes: false,
            reasons: ['not better on the reviewed tags (corrections and confirmed tags, n=76): 50.0% vs 50.0% for the parent', 'reviewed tags (corrections and confirmed tags, n=38): categoryAccuracy fell from 71.1% to 50.0%'],
            details: [
              { field: 'metrics.reviewed.overall', code: 'reviewed_not_better', params: { candidate: 50, parent: 50, n: 76 } },
              { field: 'metrics.reviewed.categoryAccuracy', code: 'reviewed_fell', params: { task: 'categoryAccuracy', candidate: 50, parent: 71.1, n: 38 } },
            ],
          },
          promotedAt: null,
          promotedBy: null,
        },
      ],
    });
    await page.goto(`${e2e.server.base}/#/models`);
    await page.waitForSelector('.models-table tbody tr[data-version]');
    expect(await page.textContent('td[data-metric=regression]')).toBe('50.0% → 71.1% ▲');
    const reasons = await page.locator('.gate-reasons li').allTextContents();
    expect(reasons[0]).toContain('50.0%，父版本为 50.0%');
    expect(reasons[1]).toContain('从 71.1% 降到 50.0%');
    // the two counts are different things (judgments of both tasks, of one task), and say so
    expect(reasons[0]).toContain('76 项情感与类别判断');
    expect(reasons[1]).toContain('38 项判断');

    await page.evaluate("localStorage.setItem('guandian.lang', 'en')");
    await page.reload();
    await page.waitForSelector('.models-table tbody tr[data-version]');
    const width = (sel: string) => page.locator(`.models-table tbody tr[data-version] ${sel}`).evaluate((e) => (e as unknown as { offsetWidth: number }).offsetWidth);
    const gate = await width('td.gate-cell');
    expect(gate).toBeGreaterThan(await width('td:first-child'));
    expect(gate).toBeGreaterThan(await width('td:nth-child(2)'));
    expect(gate).toBeGreaterThanOrEqual(200);
    expect(await page.textContent('td[data-metric=regression]')).toBe('50.0% → 71.1% ▲');
    await page.evaluate("localStorage.setItem('guandian.lang', 'zh')");
    await page.reload();
    await done();
  });

  test('journey of an unknown customer says there are no touchpoints; scores are rounded', async () => {
    await page.goto(`${e2e.server.base}/#/customers/no-such-customer`);
    await page.waitForSelector('.journey-empty');
    expect(await page.textContent('.journey-empty')).toContain('没有这位客户的接触点');
    expect(await page.locator('[data-churn-risk]').count()).toBe(0);

    await page.goto(`${e2e.server.base}/#/customers/qad-cust`);
    await page.waitForSelector('.journey-table tbody tr');
    const cells = await page.locator('.journey-table tbody td.num').allTextContents();
    for (const c of cells) expect(c).toMatch(/^(—|-?\d+(\.\d{1,2})?)$/);
    expect(await page.textContent('[data-churn-risk]')).toMatch(/累积情绪值 -?\d+(\.\d{1,2})?$/);
  });

  test('ingest: a channel the API refuses is marked on the field with the reason beside it', async () => {
    await page.goto(`${e2e.server.base}/#/ingest`);
    await page.waitForSelector('.ingest-form');
    await page.fill('.ingest-form input[name=source]', '我的 渠道');
    await page.fill('.ingest-form textarea', '网速太慢');
    await page.click('.ingest-form button[type=submit]');
    await page.locator('.ingest-form [role=alert]').waitFor();
    expect(await page.getAttribute('.ingest-form input[name=source]', 'aria-invalid')).toBe('true');
    const id = await page.getAttribute('.ingest-form input[name=source]', 'aria-describedby');
    expect(await page.textContent(`[id="${id}"]`)).toMatch(/^渠道只能包含英文字母/);
    expect(await page.getAttribute('.ingest-form textarea', 'aria-invalid')).toBeNull();
  });

  test('document page: 否 when not reviewed, 点击 on a desktop, 人工 for a labeler\'s tag', async () => {
    const id = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'qad-doc', text: '客服态度很差，网络也很卡。' });
    await waitDone(e2e.api, id);
    await page.goto(`${e2e.server.base}/#/doc/${id}`);
    await page.waitForSelector('.doc-card');
    expect(await page.textContent('dd[data-reviewed]')).toBe('否');
    expect(await page.textContent('.tag-actions-empty')).toBe('点击一个标签即可修改它');
    await e2e.api('POST', `/v1/documents/${id}/corrections`, { actions: [{ op: 'add', span: { start: 0, end: 2 }, polarity: 'neutral', category: 'service_attitude' }] });
    await page.reload();
    await page.waitForSelector('.doc-card');
    const human = (await getDoc(e2e.api, id)).tags.find((t) => t.source === 'human')!;
    expect(await page.textContent(`tr[data-tag-id="${human.id}"] td:last-child`)).toBe('人工');
    expect(await page.textContent('dd[data-reviewed]')).toBe('✓ 是');
  });

  test('phones: category names stand one per row; low-sample driver labels stay at full strength', async () => {
    const phone = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await signIn(p, e2e.server.base, e2e.server.adminKey, '#/dashboard');
    await p.waitForSelector('.chart-card .chart');
    const axes = (await p.evaluate(`(() => { const o = document.querySelector('.chart-card .chart').chartOption; return [o.xAxis.type, o.yAxis.type]; })()`)) as string[];
    expect(axes).toEqual(['value', 'category']);
    await phone.close();

    const drivers = await answer('/v1/stats/drivers', {
      overall: { n: 12, promoters: 3, passives: 4, detractors: 5, nps: -16.7, ci95: [-50, 20] },
      minCount: 30,
      categories: [{ category: 'logistics', n: 4, detractorShare: 0.6, promoterShare: 0, meanScoreWith: 3, meanScoreWithout: 7, npsImpact: 12.5, lowSample: true }],
      aspects: [],
    });
    await page.goto(`${e2e.server.base}/#/nps`);
    await page.waitForSelector('.drivers-category .chart');
    const style = (await page.evaluate(`(() => { const o = document.querySelector('.drivers-category .chart').chartOption; const s = o.series[0]; return { item: s.data[0].itemStyle, label: s.label.color }; })()`)) as {
      item: { opacity?: number; borderType?: string };
      label: string;
    };
    expect(style.item.opacity).toBeUndefined();
    expect(style.item.borderType).toBe('dashed');
    expect(style.label).toBe('#374151');
    await drivers();
  });

  test('queue: Tab past the last tag goes to the document\'s buttons, not to the top bar', async () => {
    await page.goto(`${e2e.server.base}/#/label`);
    await page.waitForSelector('.label-text');
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    // step to the last tag, then once more
    for (let i = 0; i < 10; i++) {
      const last = await page.evaluate("(() => { const rows = [...document.querySelectorAll('.tag-row')]; return rows.length > 0 && rows[rows.length - 1].classList.contains('selected'); })()");
      if (last) break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Tab');
    expect(await page.evaluate("Boolean(document.activeElement && document.activeElement.closest('.label-actions'))")).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
