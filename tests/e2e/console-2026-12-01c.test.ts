import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { squeezedTexts, waitSettled } from './console-helpers.js';
import { waitForPage } from './server-harness.js';
import { gotoSettled, loadDemoSample, openSignedIn, useConsole } from './console-fixture.js';

// Console checks of 2026-12-01 (third pass), against the real built service (dist/main.js) and Chromium, with the
// sample a trial loads (`guandian demo`, 118 documents), at a phone's size (390×844) and a laptop's (1366×768), in
// Chinese and English: each test is a defect met there, checked the way it was met.

const e2e = useConsole();
const pageErrors: string[] = [];

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
/** A chart's usual height (Chart's default): the first one should fit on the first screen below its top. */
const CHART_HEIGHT = 280;

interface Summary {
  byCategory: { category: string; positive: number; negative: number; neutral: number; total: number }[];
}

const openAs = (lang: 'zh' | 'en', viewport = PHONE): Promise<Page> => openSignedIn(e2e, lang, viewport, pageErrors);

const goSettled = (page: Page, hash: string): Promise<void> => gotoSettled(e2e, page, hash);

/** The top of the page's first chart, in the viewport. */
const firstChartTop = (page: Page) => page.evaluate(`document.querySelector('.chart-grid .chart-card .chart').getBoundingClientRect().top`) as Promise<number>;

/** What the first chart of the page draws: the sum of every series' data. */
const firstChartSum = (page: Page) =>
  page.evaluate(`document.querySelector('.chart-grid .chart-card .chart').chartOption.series.reduce((n, s) => n + s.data.reduce((m, v) => m + (typeof v === 'number' ? v : (v?.value ?? 0)), 0), 0)`) as Promise<number>;

describe('console 2026-12-01, third pass (real server, chromium, the demo sample)', () => {
  loadDemoSample(e2e);

  // On a phone the dashboard's filter form (channel, kind, two dates, 应用 重置) took 230 px above the KPIs and the
  // charts started at 572 px of 844: the first chart had most of itself below the fold. The form folds into the
  // drawer the feed's filters use, behind 筛选 (n).
  test('仪表盘 on a phone: filters behind 筛选 (n) in a drawer, the charts on the first screen, a filter chosen there changes them', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const L = lang === 'zh' ? { filters: '筛选', show: '查看结果' } : { filters: 'Filters', show: 'Show results' };
      const page = await openAs(lang);
      await goSettled(page, '#/dashboard');
      const toggle = page.locator('.dashboard [data-action=toggle-filters]');
      expect(await toggle.textContent(), lang).toBe(L.filters);
      expect(await page.locator('.dashboard form.filters').isVisible(), `${lang}: the form is folded away`).toBe(false);
      const top = await firstChartTop(page);
      expect(top + CHART_HEIGHT, `${lang}: the first chart starts at ${top} px`).toBeLessThanOrEqual(PHONE.height);
      const all = await firstChartSum(page);

      // 类型 问卷 at once (a select), 渠道 typed, then 应用: the drawer closes on it
      await toggle.click();
      const drawer = page.locator('#dashboard-filters');
      await drawer.locator('form.filters').waitFor({ state: 'visible' });
      expect(await drawer.locator('.drawer-head').innerText(), lang).toMatch(new RegExp(`^${L.filters}\\s+${L.show}$`));
      await drawer.locator('select[name=kind]').selectOption('survey');
      await drawer.locator('input[name=channel]').fill('nps-survey');
      await drawer.locator('button[type=submit]').click();
      await drawer.locator('form.filters').waitFor({ state: 'hidden' });
      await waitForPage(page, `location.hash.includes('channel=nps-survey') && location.hash.includes('kind=survey')`, 10_000);
      await waitSettled(page);
      expect(await toggle.textContent(), lang).toBe(`${L.filters} (2)`);
      expect(await page.evaluate('document.activeElement?.dataset?.action'), `${lang}: focus back on the toggle`).toBe('toggle-filters');
      // what the charts and KPIs show is the filtered scope's, as the API counts it
      const scoped = (await e2e.api<Summary>('GET', '/v1/stats/summary?kind=survey&channel=nps-survey')).body;
      const total = scoped.byCategory.reduce((n, c) => n + c.total, 0);
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThan(all);
      expect(await firstChartSum(page), lang).toBe(total);
      expect(Number(await page.locator('.kpis .kpi b').first().textContent()), lang).toBe(total);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  // NPS on a phone: the form (channel, two dates, 应用 重置) stood above the scales, and the trend began at 584 px of 844.
  test('NPS on a phone: filters behind 筛选 (n) beside the scales, the trend on the first screen, a date chosen there changes the numbers', async () => {
    const since = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const scoped = (await e2e.api<{ overall: { n: number } }>('GET', `/v1/stats/nps?scale=nps&from=${since}`)).body.overall.n;
    const all = (await e2e.api<{ overall: { n: number } }>('GET', '/v1/stats/nps?scale=nps')).body.overall.n;
    expect(scoped).toBeGreaterThan(0);
    expect(scoped).toBeLessThan(all);
    for (const lang of ['zh', 'en'] as const) {
      const L = lang === 'zh' ? { filters: '筛选' } : { filters: 'Filters' };
      const page = await openAs(lang);
      await goSettled(page, '#/nps');
      const toggle = page.locator('.nps-page [data-action=toggle-filters]');
      expect(await toggle.textContent(), lang).toBe(L.filters);
      expect(await page.locator('.nps-page form.filters').isVisible(), `${lang}: the form is folded away`).toBe(false);
      // 筛选 shares its row with the scales
      const [t, s] = (await page.evaluate(`[document.querySelector('.nps-page [data-action=toggle-filters]'), document.querySelector('.nps-controls .seg')].map((e) => { const b = e.getBoundingClientRect(); return { top: b.top, bottom: b.bottom }; })`)) as { top: number; bottom: number }[];
      expect(t!.top < s!.bottom && s!.top < t!.bottom, `${lang}: 筛选 beside the scales`).toBe(true);
      const top = await firstChartTop(page);
      expect(top + CHART_HEIGHT, `${lang}: the trend starts at ${top} px`).toBeLessThanOrEqual(PHONE.height);
      expect(Number(await page.locator('.nps-n').textContent())).toBe(all);

      await toggle.click();
      const drawer = page.locator('#nps-filters');
      await drawer.locator('form.filters').waitFor({ state: 'visible' });
      await drawer.locator('input[name=from]').fill(since);
      await waitForPage(page, `location.hash.includes('from=${since}')`, 10_000);
      await drawer.locator('button[type=submit]').click();
      await drawer.locator('form.filters').waitFor({ state: 'hidden' });
      await waitSettled(page);
      expect(await toggle.textContent(), lang).toBe(`${L.filters} (1)`);
      expect(Number(await page.locator('.nps-n').textContent()), lang).toBe(scoped);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  test('on a laptop the dashboard and NPS filters stay in the page, above the numbers, with no 筛选 button', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = await openAs(lang, LAPTOP);
      for (const [hash, root] of [
        ['#/dashboard?kind=survey', '.dashboard'],
        ['#/nps?channel=nps-survey', '.nps-page'],
      ] as const) {
        await goSettled(page, hash);
        expect(await page.locator(`${root} [data-action=toggle-filters]`).isVisible(), `${lang} ${hash}`).toBe(false);
        expect(await page.locator(`${root} .drawer-head`).isVisible(), `${lang} ${hash}`).toBe(false);
        const [form, kpis] = (await page.evaluate(`[document.querySelector('${root} form.filters'), document.querySelector('${root} .kpis')].map((e) => { const b = e.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, width: b.width }; })`)) as { top: number; bottom: number; width: number }[];
        expect(form!.width, `${lang} ${hash}: the form spans the page`).toBeGreaterThan(LAPTOP.width - 60);
        expect(form!.bottom, `${lang} ${hash}`).toBeLessThanOrEqual(kpis!.top);
        expect(form!.bottom - form!.top, `${lang} ${hash}: one row of fields`).toBeLessThan(80);
      }
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  // 各类别负面占比 on a phone squeezed its columns to the screen: a category read 等待 / 与办 / 理速 / 度 and a change
  // ▼ / -30.0 / 个百分 / 点 (in English ▼ / -30.0 / pp), a line each.
  test('仪表盘 on a phone: the KPI table keeps its categories and changes readable, and scrolls sideways instead', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = await openAs(lang);
      await goSettled(page, '#/dashboard');
      await page.waitForSelector('.kpi-table tbody tr');
      expect(await page.locator('.kpi-table tbody tr').count(), 'the demo fills the table').toBeGreaterThanOrEqual(5);
      expect(await squeezedTexts(page, '.kpi-table tbody td'), lang).toEqual([]);
      // each change on one line
      const changes = (await page.evaluate(`[...document.querySelectorAll('.kpi-table tbody td:nth-child(4)')].filter((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1;
      }).map((td) => td.textContent)`)) as string[];
      expect(changes, `${lang}: changes on more than one line`).toEqual([]);
      expect(await page.evaluate('document.documentElement.scrollWidth'), `${lang}: the page is no wider than the screen`).toBeLessThanOrEqual(PHONE.width);
      // the periods compared, in the title: no date broken over two lines (2026-12- over 01)
      const broken = (await page.evaluate(`(() => {
        const out = [];
        const title = document.querySelector('.kpi-table-card h2');
        const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (const m of n.data.matchAll(/\\d{4}-\\d{2}-\\d{2}/g)) {
            const range = document.createRange();
            range.setStart(n, m.index);
            range.setEnd(n, m.index + m[0].length);
            if (new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1) out.push(m[0]);
          }
        }
        return out;
      })()`)) as string[];
      expect(await page.locator('.kpi-table-card h2').textContent(), 'dates in the title').toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(broken, `${lang}: dates broken over lines in the title`).toEqual([]);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  // A chart's 数据表 on a phone squeezed its columns to the screen: NPS drivers' column names stood 答 / 卷 / 数 and a
  // driver's name 价格费 / 用（样 / 本不 / 足）, in English 价格 / (Low / sample).
  test('charts’ data tables on a phone keep names and column names readable (NPS, CSAT, dashboard)', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const page = await openAs(lang);
      for (const hash of ['#/nps', '#/nps?scale=csat', '#/dashboard']) {
        await goSettled(page, hash);
        const tables = page.locator('.chart-data');
        expect(await tables.count(), `${lang} ${hash}`).toBeGreaterThanOrEqual(3);
        for (let i = 0; i < (await tables.count()); i++) {
          await tables.nth(i).locator('summary').scrollIntoViewIfNeeded();
          await tables.nth(i).locator('summary').click();
        }
        await page.locator('.chart-data[open]').nth((await tables.count()) - 1).waitFor();
        expect(await squeezedTexts(page, '.chart-data th, .chart-data td'), `${lang} ${hash}`).toEqual([]);
        expect(await page.evaluate('document.documentElement.scrollWidth'), `${lang} ${hash}: the page is no wider than the screen`).toBeLessThanOrEqual(PHONE.width);
      }
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  // With the filters folded away behind 筛选 (n), a dashboard or NPS page narrowed to nothing showed four charts of
  // 暂无数据 and nothing said why: the feed names the filters in use and clears them, these pages now do too.
  test('仪表盘 and NPS on a phone narrowed to nothing name the filters in use and clear them in one tap', async () => {
    for (const [lang, hash, said, cleared] of [
      ['zh', '#/dashboard?channel=nowhere&kind=survey', '没有符合当前 2 个筛选条件的观点。', '#/dashboard'],
      ['en', '#/dashboard?channel=nowhere', 'No opinions match the 1 filter in use.', '#/dashboard'],
      ['zh', '#/nps?scale=csat&channel=nowhere', '没有符合当前 1 个筛选条件的答卷。', '#/nps?scale=csat'],
      ['en', '#/nps?channel=nowhere&from=2020-01-01', 'No answers match the 2 filters in use.', '#/nps'],
    ] as const) {
      const page = await openAs(lang);
      await goSettled(page, hash);
      const empty = page.locator('[data-empty=filtered]');
      expect(await empty.isVisible(), `${lang} ${hash}`).toBe(true);
      expect((await empty.textContent())?.startsWith(said), `${lang} ${hash}: ${await empty.textContent()}`).toBe(true);
      await empty.locator('[data-action=clear-filters]').click();
      await waitForPage(page, `location.hash === ${JSON.stringify(cleared)}`, 10_000);
      await waitSettled(page);
      expect(await empty.count(), `${lang} ${hash}`).toBe(0);
      // the page's numbers are back
      const shown = hash.startsWith('#/nps') ? await page.locator('.nps-n').textContent() : await page.locator('.kpis .kpi b').first().textContent();
      expect(Number(shown), `${lang} ${hash}`).toBeGreaterThan(0);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  // A filter drawer covers the page, but Tab walked on from its last button (重置, or the feed's 导出) into the KPIs
  // and cards hidden under it, and Escape did nothing: only 查看结果 closed it.
  test('filter drawers on a phone: Tab stays in the drawer and Escape closes it, giving focus back to 筛选', async () => {
    for (const [lang, hash, drawerId] of [
      ['zh', '#/dashboard', 'dashboard-filters'],
      ['en', '#/nps', 'nps-filters'],
      ['zh', '#/feed', 'feed-filters'],
    ] as const) {
      const page = await openAs(lang);
      await goSettled(page, hash);
      await page.focus('[data-action=toggle-filters]');
      await page.keyboard.press('Enter');
      await page.locator(`#${drawerId} form.filters`).waitFor({ state: 'visible' });
      const where = () => page.evaluate(`(() => { const a = document.activeElement; return (a.closest('#${drawerId}') ? 'drawer: ' : 'outside: ') + a.tagName + ' ' + (a.name || a.dataset.action || a.textContent.trim().slice(0, 20)); })()`) as Promise<string>;
      // more presses than the drawer has controls, forwards and back
      for (const key of ['Tab', 'Shift+Tab']) {
        for (let i = 0; i < 16; i++) {
          await page.keyboard.press(key);
          expect(await where(), `${lang} ${hash}: ${key} ${i + 1}`).toMatch(/^drawer: /);
        }
      }
      await page.keyboard.press('Escape');
      await page.locator(`#${drawerId} form.filters`).waitFor({ state: 'hidden' });
      expect(await where(), `${lang} ${hash}`).toBe('outside: BUTTON toggle-filters');
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });

  // The labeling queue folds into the same kind of drawer on a phone, with the same faults: Shift+Tab from its 关闭
  // left it for the page (and the top bar) behind, and Escape did nothing.
  test('标注队列 drawer on a phone: Tab stays in it and Escape closes it, giving focus back to 标注队列', async () => {
    const page = await openAs('zh');
    await goSettled(page, '#/label');
    await page.focus('[data-action=toggle-queue]');
    await page.keyboard.press('Enter');
    await page.locator('#label-queue .queue-item').first().waitFor({ state: 'visible' });
    await waitSettled(page);
    const where = () => page.evaluate(`(() => { const a = document.activeElement; return (a.closest('#label-queue') ? 'drawer: ' : 'outside: ') + a.tagName + ' ' + (a.dataset.action || a.className); })()`) as Promise<string>;
    expect(await where()).toBe('drawer: BUTTON close-queue');
    for (const key of ['Shift+Tab', 'Tab']) {
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press(key);
        expect(await where(), `${key} ${i + 1}`).toMatch(/^drawer: /);
      }
    }
    await page.keyboard.press('Escape');
    await page.locator('#label-queue .queue-item').first().waitFor({ state: 'hidden' });
    expect(await where()).toBe('outside: BUTTON toggle-queue');
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  // 工单 on a phone: its seven filter fields took the top 250 px above the first case, as the dashboard's did.
  test('工单 on a phone: filters behind 筛选 (n) in the drawer, the cases right under the top bar, a priority chosen there narrows them', async () => {
    const high = (await e2e.api<{ items: unknown[] }>('GET', '/v1/cases?priority=high&limit=100')).body.items.length;
    const open = (await e2e.api<{ items: unknown[] }>('GET', '/v1/cases?limit=100')).body.items.length;
    expect(high).toBeGreaterThan(0);
    expect(high).toBeLessThan(open);
    for (const lang of ['zh', 'en'] as const) {
      const L = lang === 'zh' ? { filters: '筛选', count: `共 ${high} 条工单` } : { filters: 'Filters', count: `${high} case${high === 1 ? '' : 's'}` };
      const page = await openAs(lang);
      await goSettled(page, '#/cases');
      await page.waitForSelector('.cases-table tbody tr');
      const toggle = page.locator('.cases-page [data-action=toggle-filters]');
      expect(await toggle.textContent(), lang).toBe(L.filters);
      expect(await page.locator('.cases-filters').isVisible(), `${lang}: the form is folded away`).toBe(false);
      // between the top bar and the first case only the toolbar (筛选, 工单, the count)
      const gap = (await page.evaluate(`document.querySelector('.cases-table tbody tr').getBoundingClientRect().top - document.querySelector('#main').getBoundingClientRect().top`)) as number;
      expect(gap, `${lang}: the first case starts ${gap} px under the top bar`).toBeLessThan(80);

      await toggle.click();
      const drawer = page.locator('#cases-filter-drawer');
      await drawer.locator('.cases-filters').waitFor({ state: 'visible' });
      await drawer.locator('select[name=priority]').selectOption('high');
      await waitForPage(page, `location.hash.includes('priority=high')`, 10_000);
      await drawer.locator('[data-action=apply-case-filters]').click();
      await drawer.locator('.cases-filters').waitFor({ state: 'hidden' });
      await waitSettled(page);
      expect(await toggle.textContent(), lang).toBe(`${L.filters} (1)`);
      expect(await page.locator('.cases-table tbody tr').count(), lang).toBe(high);
      expect(await page.locator('.cases-count').textContent(), lang).toBe(L.count);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
