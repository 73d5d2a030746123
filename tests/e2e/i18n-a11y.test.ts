import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { openRoute, seedCustomerHistory, signedInAs, signIn, waitDone, waitSettled } from './console-helpers.js';
import { ADMIN_PAGES } from './admin-helpers.js';
import { openPage, waitFor, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';
import { LOW_CONTRAST } from './a11y-checks.js';

// Language and accessibility audit of the console against a real server with analysed data:
// English shows no Chinese but the customers' words (which carry lang="zh-CN" for screen readers),
// Chinese shows no stray English, and the controls a CX team uses daily work by keyboard and read
// by contrast, with the charts' numbers also given as tables.

const COMMENTS = ['网络很卡，经常断线，客服态度很好。', '快递太慢了，等了一个星期，价格还贵。', '这个手机质量很差，用了两天就坏了。', '资费太贵了，套餐不透明。', '信号很好，网速很快，非常满意。'];
const CUSTOMER = 'a11y-cust-1';

const e2e = useConsole();
let page: Page;
const ids: string[] = [];
const pageErrors: string[] = [];

// Browser code as strings: the test tsconfig has no DOM lib.

/** CJK text nodes (and placeholders) not inside an element whose language is Chinese. */
const UNMARKED_CJK = `(() => {
  const cjk = /[\\u3400-\\u9fff\\u3000-\\u303f\\uff00-\\uffef]/;
  const out = [];
  const zh = (el) => { const l = el.closest('[lang]'); return l && l.getAttribute('lang').toLowerCase().startsWith('zh'); };
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    const el = n.parentElement;
    if (!el || !cjk.test(n.textContent) || el.closest('script, style') || zh(el)) continue;
    out.push(el.tagName.toLowerCase() + '.' + el.className + ': ' + n.textContent.trim().slice(0, 60));
  }
  for (const el of document.querySelectorAll('[placeholder]')) if (cjk.test(el.getAttribute('placeholder')) && !zh(el)) out.push('placeholder: ' + el.getAttribute('placeholder'));
  return out;
})()`;

const as = (lang: 'zh' | 'en') => signedInAs(page, e2e.server.base, e2e.server.adminKey, lang);
async function open(hash: string, ready: string): Promise<void> {
  await openRoute(page, e2e.server.base, hash, ready);
  // contrast and overflow are measured on the page as it ends up: every request answered and drawn
  await waitSettled(page);
}

const ROUTES = (): (readonly [string, string])[] => [
  ['#/feed', '.feed-card'],
  ['#/feed?q=zzzzqqq', '.page'],
  [`#/doc/${ids[0]}`, '.doc-card'],
  ['#/dashboard', '.kpi-table'],
  ['#/nps', '.drivers-category'],
  ['#/nps?scale=csat&interval=month', '.drivers-category'],
  [`#/customers/${CUSTOMER}`, '.journey-table'],
  ['#/label', '.label-text'],
  ['#/export', '.export-actions'],
  ['#/ingest', '.ingest-form'],
  ['#/models', '.models-page'],
  ['#/cases', '.cases-page'],
  ...ADMIN_PAGES,
];

describe('language and accessibility (real server, chromium)', () => {
  beforeAll(async () => {
    const now = Date.now();
    ids.push(...(await seedCustomerHistory(e2e.api, { prefix: 'a11y', customer: CUSTOMER, comments: COMMENTS, n: 12, at: (i) => new Date(now - (i % 6) * 86_400_000).toISOString() })));
    await Promise.all(ids.map((id) => waitDone(e2e.api, id)));
    ({ page } = await openPage(e2e.browser, { width: 1400, height: 860 }, { errors: pageErrors }));
  }, 180_000);

  test('English: the choice persists and no Chinese is left outside the customers\' words on any page', async () => {
    await page.goto(`${e2e.server.base}/`);
    await page.waitForSelector('input[name=apiKey]');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await page.reload();
    await page.waitForSelector('input[name=apiKey]');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    // The switch names Chinese in Chinese, and says so.
    expect(await page.getByRole('button', { name: '中文' }).getAttribute('lang')).toBe('zh-CN');
    expect(await page.evaluate(UNMARKED_CJK)).toEqual([]);
    await signIn(page, e2e.server.base, e2e.server.adminKey);
    const problems: Record<string, string[]> = {};
    for (const [hash, ready] of ROUTES()) {
      await open(hash, ready);
      const found = (await page.evaluate(UNMARKED_CJK)) as string[];
      if (found.length) problems[hash] = found;
    }
    expect(problems).toEqual({});
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  test('English dashboard: an aspect\'s category is in ASCII brackets in the chart\'s tooltip', async () => {
    await as('en');
    await open('#/dashboard', '.kpi-table');
    const card = page.locator('.chart-card').nth(2);
    const box = (await card.locator('canvas').boundingBox())!;
    let tip = '';
    const tipText = async () => (await card.locator('.chart > div').last().textContent()) ?? '';
    for (const dy of [0.2, 0.3, 0.4, 0.5]) {
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * dy);
      // the tooltip over a bar names its aspect's category; between bars there may be none to wait for
      tip = await waitFor('a tooltip with a category', async () => ((await tipText()).includes('(') ? tipText() : null), 500).catch(() => tipText());
      if (tip.includes('(')) break;
    }
    expect(tip).toMatch(/\(.+\)/);
    expect(tip).not.toMatch(/[（）]/);
  });

  test('Chinese: no stray English in labels, roles or landmarks', async () => {
    await as('en');
    await page.getByRole('button', { name: '中文' }).click();
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    await open('#/feed', '.feed-card');
    expect(await page.textContent('.topbar .who')).toContain('管理员');
    expect(await page.getByRole('form', { name: '筛选' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('lang')).toBe('en');
    expect(await page.getByRole('link', { name: '观点流' }).getAttribute('aria-current')).toBe('page');
    await open('#/dashboard', '.kpi-table');
    const change = (await page.locator('.kpi-table tbody td:nth-child(4)').allTextContents()).filter((s) => s !== '—');
    for (const c of change) expect(c).not.toMatch(/pp$/);
    await open('#/nps?scale=csat', '.drivers-category');
    expect(await page.locator('.drivers-category .chart').getAttribute('aria-label')).toContain('CSAT');
    await open('#/label', '.label-text');
    await page.keyboard.press('?');
    await page.waitForSelector('.help');
    expect(await page.locator('.help button').textContent()).toBe('确定');
    await page.keyboard.press('Escape');
  });

  test('every chart has its numbers as a table a screen reader can read', async () => {
    await as('zh');
    for (const [hash, ready] of [['#/dashboard', '.kpi-table'], ['#/nps', '.drivers-category']] as const) {
      await open(hash, ready);
      await page.waitForSelector('.chart canvas');
      const charts = await page.locator('.chart').count();
      expect(charts).toBeGreaterThan(0);
      for (let i = 0; i < charts; i++) {
        const chart = page.locator('.chart').nth(i);
        const details = chart.locator('xpath=following-sibling::details[1]');
        await details.locator('summary').click();
        const table = details.getByRole('table');
        expect(await table.getAttribute('class')).toContain('grid');
        expect(await table.locator('tbody tr').count(), `${hash} chart ${i}`).toBeGreaterThan(0);
      }
    }
    // The category table says the same as the summary API, polarity in words.
    await open('#/dashboard', '.kpi-table');
    const summary = (await e2e.api<{ byCategory: { negative: number }[] }>('GET', '/v1/stats/summary')).body;
    await page.locator('.chart-data summary').first().click();
    const negatives = await page.locator('.chart-data').first().locator('tbody tr td:nth-child(3)').allTextContents();
    expect(negatives.map(Number).reduce((a, b) => a + b, 0)).toBe(summary.byCategory.reduce((a, c) => a + c.negative, 0));
  });

  test('row actions work by keyboard: KPI rows, the document\'s tag table and feed chips', async () => {
    await as('zh');
    await open('#/dashboard', '.kpi-table');
    const first = page.locator('.kpi-table tbody tr').first();
    const category = await first.getAttribute('data-category');
    await first.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await waitForPage(page, `location.hash.startsWith('#/feed') && location.hash.includes('category=${category}')`);

    await open(`#/doc/${ids[0]}`, '.doc-card');
    const row = page.locator('table.grid tbody tr').first();
    await row.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.tag-actions');
    expect(await row.getAttribute('class')).toContain('row-selected');

    await open(`#/feed?q=${encodeURIComponent('网络')}`, '.feed-card .chip');
    const chipButton = page.locator('.feed-card .chip').first().getByRole('button', { name: /^打开标签操作: / });
    await chipButton.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.feed-card .tag-actions');
    expect(await chipButton.getAttribute('aria-expanded')).toBe('true');
  });

  test('the category picker keeps Tab inside, closes on Escape and gives focus back', async () => {
    await as('zh');
    await open(`#/feed?q=${encodeURIComponent('网络')}`, '.feed-card .chip');
    await page.locator('.feed-card .chip').first().click();
    await page.waitForSelector('.feed-card .tag-actions');
    const catButton = page.locator('.feed-card .tag-actions [data-action=category]');
    await catButton.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.picker');
    expect(await page.getByRole('dialog').getAttribute('aria-modal')).toBe('true');
    for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await page.evaluate("Boolean(document.activeElement && document.activeElement.closest('.picker'))"), key).toBe(true);
    }
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    expect(await page.locator('.picker').count()).toBe(0);
    expect(await page.evaluate("document.activeElement && document.activeElement.getAttribute('data-action')")).toBe('category');
  });

  test('the keys dialog gives focus back to the button that opened it', async () => {
    await as('zh');
    await open('#/label', '.label-text');
    const helpButton = page.locator('.label-main button[title="?"]');
    await helpButton.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.help');
    await page.keyboard.press('Escape');
    expect(await page.locator('.help').count()).toBe(0);
    expect(await page.evaluate("document.activeElement && document.activeElement.getAttribute('title')")).toBe('?');
  });

  test('every control has a name, and body text reaches 4.5:1 contrast on every page', async () => {
    await as('zh');
    const low: Record<string, string[]> = {};
    for (const [hash, ready] of ROUTES()) {
      await open(hash, ready);
      const snapshot = await page.locator('body').ariaSnapshot();
      // An unnamed control shows as a bare role line, e.g. `- button` or `- link:`.
      expect(snapshot, hash).not.toMatch(/^\s*- (button|link|textbox|combobox|checkbox|radio)( \[[^\]]*\])?:?\s*$/m);
      const found = (await page.evaluate(LOW_CONTRAST)) as string[];
      if (found.length) low[hash] = found;
    }
    await page.goto(`${e2e.server.base}/`);
    await page.getByRole('button', { name: /退出|Sign out/ }).click();
    await page.waitForSelector('input[name=apiKey]');
    const signInLow = (await page.evaluate(LOW_CONTRAST)) as string[];
    if (signInLow.length) low['sign-in'] = signInLow;
    expect(low).toEqual({});
  }, 120_000);
});
