import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signedInAs, waitDone } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// A language and accessibility pass over the console against a real server with analysed data: what a
// keyboard, screen-reader or phone user hits on the feed, document, labeling, dashboard, models and admin
// pages, in both languages. Browser code is passed as strings: the test tsconfig has no DOM lib.

const COMMENTS = ['网络很卡，经常断线，客服态度很好。', '快递太慢了，等了一个星期，价格还贵。', '这个手机质量很差，用了两天就坏了。'];

const CUSTOMER = 'qa-pass-cust';

const e2e = useConsole();
let page: Page;
const ids: string[] = [];
const pageErrors: string[] = [];

const value = (name: string) => page.inputValue(`input[name=${name}]`);
/** Resolves once the page has rendered after the last hash change. */
const settled = () => page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');
/** What has focus: its data-action, the tag it belongs to, its class; null when focus fell to <body>. */
const focused = () =>
  page.evaluate(`(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return null;
    return { action: a.getAttribute('data-action'), tag: a.closest('[data-tag-id]')?.getAttribute('data-tag-id') ?? null, cls: String(a.className), entry: a.closest('[data-entry]')?.getAttribute('data-entry') ?? null };
  })()`) as Promise<{ action: string | null; tag: string | null; cls: string; entry: string | null } | null>;
/** Waits for nothing to be saving and focus to settle, then says where it is. */
async function focusAfterSave(): Promise<Awaited<ReturnType<typeof focused>>> {
  await waitForPage(page, `!document.querySelector('[data-pending="1"]') && !document.querySelector('.tag-actions button:disabled, .chip-add:disabled, .undo-toast button:disabled')`, 10_000);
  await settled();
  return focused();
}

describe('console language and accessibility pass (real server, chromium)', () => {
  beforeAll(async () => {
    for (const [i, text] of COMMENTS.entries()) ids.push(await ingest(e2e.api, { kind: 'comment', source: i % 2 ? 'app' : 'web', externalId: `qa-pass-${i}`, customerId: CUSTOMER, text }));
    for (const id of ids) await waitDone(e2e.api, id);
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 900 }, { errors: pageErrors }));
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
  }, 120_000);

  test('feed: a refused confidence does not stay in its field after back and forward; the field shows what is applied', async () => {
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.waitForSelector('.feed-card');
    await page.click('form.filters [role=radio].seg-negative');
    await waitForPage(page, "location.hash === '#/feed?polarity=negative'");
    await page.fill('input[name=minConfidence]', '1.5');
    await page.press('input[name=minConfidence]', 'Tab');
    await page.locator('.filter-error').waitFor();
    expect(await page.evaluate('location.hash')).toBe('#/feed?polarity=negative');

    await page.goBack();
    await waitForPage(page, "location.hash === '#/feed'");
    await settled();
    expect(await value('minConfidence')).toBe('');
    expect(await page.locator('.filter-error').count()).toBe(0);
    expect(await page.getAttribute('form.filters [role=radio]:not(.seg-negative):not(.seg-positive):not(.seg-neutral)', 'aria-checked')).toBe('true');

    await page.goForward();
    await waitForPage(page, "location.hash === '#/feed?polarity=negative'");
    await settled();
    expect(await value('minConfidence')).toBe('');
    expect(await page.getAttribute('form.filters [role=radio].seg-negative', 'aria-checked')).toBe('true');
    expect(pageErrors).toEqual([]);
  });

  test('dashboard: a refused start date does not stay in its field after back and forward', async () => {
    await page.goto(`${e2e.server.base}/#/dashboard`);
    await page.waitForSelector('.kpis');
    await page.fill('input[name=to]', '2026-11-20');
    await waitForPage(page, "location.hash === '#/dashboard?to=2026-11-20'");
    await settled();
    await page.fill('input[name=from]', '2026-11-25');
    await page.locator('.filter-error').waitFor();
    expect(await page.evaluate('location.hash')).toBe('#/dashboard?to=2026-11-20');

    await page.goBack();
    await waitForPage(page, "location.hash === '#/dashboard'");
    await settled();
    expect({ from: await value('from'), to: await value('to') }).toEqual({ from: '', to: '' });
    expect(await page.locator('.filter-error').count()).toBe(0);

    await page.goForward();
    await waitForPage(page, "location.hash === '#/dashboard?to=2026-11-20'");
    await settled();
    expect({ from: await value('from'), to: await value('to') }).toEqual({ from: '', to: '2026-11-20' });
    expect(pageErrors).toEqual([]);
  });

  test('one live region for the page, not an empty one in every document body; it holds the keyboard’s words only while they are chosen', async () => {
    const liveRegions = () =>
      page.evaluate(`[...document.querySelectorAll('[aria-live]')].map((e) => ({ inBody: !!e.closest('.feed-card, .doc-card, .label-text, [data-text-root]'), text: e.textContent }))`) as Promise<{ inBody: boolean; text: string }[]>;
    await page.goto(`${e2e.server.base}/#/feed`);
    await waitForPage(page, `document.querySelectorAll('.feed-card [data-text-root]').length >= ${ids.length}`);
    const onFeed = await liveRegions();
    expect(onFeed.filter((r) => r.inBody)).toEqual([]);
    expect(onFeed).toEqual([{ inBody: false, text: '' }]);

    await page.goto(`${e2e.server.base}/#/doc/${ids[0]}`);
    await page.waitForSelector('.doc-card [data-text-root]');
    expect(await liveRegions()).toEqual([{ inBody: false, text: '' }]);
    // adding from the keyboard: the caret's character is said there, and nothing once the form is cancelled
    await page.focus('[data-action=new-tag]');
    await page.keyboard.press('Enter');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    expect(await liveRegions()).toEqual([{ inBody: false, text: `光标在“${COMMENTS[0]![0]}”` }]);
    await page.keyboard.press('Escape');
    await waitForPage(page, `!document.querySelector('[data-pick-region]')`, 5_000);
    // the region is emptied by the unmounted form's cleanup, a render after the form itself is gone
    await waitForPage(page, `document.querySelector('[data-announcer]')?.textContent === ''`, 5_000);
    expect(await liveRegions()).toEqual([{ inBody: false, text: '' }]);
    expect(pageErrors).toEqual([]);
  });

  test('headings go down one level at a time on every analyst page: no h3 straight under the page\'s h1', async () => {
    const levels = () => page.evaluate(`[...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')].map((h) => h.tagName + ' ' + h.textContent.trim().slice(0, 30))`) as Promise<string[]>;
    const skips: Record<string, string[]> = {};
    for (const [hash, ready] of [
      ['#/feed', '.feed-card'],
      [`#/doc/${ids[0]}`, '.doc-card'],
      ['#/dashboard', '.kpi-table'],
      ['#/nps', '.page'],
      [`#/customers/${CUSTOMER}`, '.journey-table'],
      ['#/models', '.models-page'],
      ['#/admin/routing', '.routing-form'],
    ] as const) {
      await page.goto(`${e2e.server.base}/${hash}`);
      await page.waitForSelector(ready, { timeout: 20_000 });
      await settled();
      const found = await levels();
      expect(found[0], hash).toMatch(/^H1 /);
      let prev = 1;
      for (const h of found) {
        const level = Number(h[1]);
        if (level > prev + 1) (skips[hash] ??= []).push(h);
        prev = level;
      }
    }
    expect(skips).toEqual({});
  });

  test('journey: a churn-risk touchpoint says so in words and with a sign, not only by the row\'s tint', async () => {
    await page.goto(`${e2e.server.base}/#/customers/${CUSTOMER}`);
    await page.waitForSelector('.journey-table tbody tr');
    const rows = page.locator('.journey-table tbody tr');
    const risky = await page.locator('.journey-table tbody tr.row-risk').count();
    expect(risky).toBeGreaterThan(0);
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const risk = ((await row.getAttribute('class')) ?? '').includes('row-risk');
      expect(((await row.textContent()) ?? '').includes('有流失风险'), `row ${i}`).toBe(risk);
      expect(await row.locator('.risk-mark').count(), `row ${i}`).toBe(risk ? 1 : 0);
      if (risk) expect(await row.locator('.risk-mark [aria-hidden=true]').textContent()).toContain('⚠');
    }
  });

  test('on a phone, the links a finger uses on a feed card and a KPI row are at least 44px high', async () => {
    const phone = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    try {
      const p = await phone.newPage();
      p.on('pageerror', (e) => pageErrors.push(e.message));
      await signedInAs(p, e2e.server.base, e2e.server.adminKey, 'zh');
      const heights = (selector: string) => p.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => Math.round(e.getBoundingClientRect().height))`) as Promise<number[]>;
      await p.goto(`${e2e.server.base}/#/feed`);
      await p.waitForSelector('.feed-card .card-link');
      // a card's journey link comes with its document, which each card loads after it shows (useDoc)
      await p.waitForSelector('.feed-card .journey-link');
      for (const selector of ['.feed-card .card-link', '.feed-card .journey-link']) {
        const found = await heights(selector);
        expect(found.length, selector).toBeGreaterThan(0);
        for (const h of found) expect(h, selector).toBeGreaterThanOrEqual(44);
      }
      await p.goto(`${e2e.server.base}/#/dashboard`);
      await p.waitForSelector('.kpi-table .link-btn');
      for (const h of await heights('.kpi-table .link-btn')) expect(h, 'KPI row').toBeGreaterThanOrEqual(44);
    } finally {
      await phone.close();
    }
    expect(pageErrors).toEqual([]);
  });

  test('document page: closing, changing, deleting a tag and its undo keep focus on the page, where the keyboard was', async () => {
    const docId = ids[1]!;
    await page.goto(`${e2e.server.base}/#/doc/${docId}`);
    await page.waitForSelector('table.grid tbody tr');
    const tagId = (await page.getAttribute('table.grid tbody tr', 'data-tag-id'))!;
    const open = async () => {
      await page.locator(`table.grid tr[data-tag-id="${tagId}"] button`).focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('.doc-label .tag-actions');
    };
    await open();
    await page.focus('.tag-actions [data-action=close-tag]');
    await page.keyboard.press('Enter');
    expect(await focusAfterSave()).toMatchObject({ tag: tagId, cls: 'link-btn' });

    // a new polarity: its button is disabled while saving, then has focus again
    await open();
    await page.locator('.tag-actions [data-action=polarity][aria-checked=false]').first().focus();
    const polarity = await page.evaluate(`document.activeElement.getAttribute('data-polarity')`);
    await page.keyboard.press('Enter');
    await waitForPage(page, `document.querySelector('.tag-actions [data-polarity=${polarity}]')?.getAttribute('aria-checked') === 'true'`, 10_000);
    expect(await focusAfterSave()).toMatchObject({ action: 'polarity', tag: tagId });
    expect(await page.evaluate(`document.activeElement.getAttribute('data-polarity')`)).toBe(polarity);

    // delete: on to its undo; undo: back on the tag's row
    await page.focus('.tag-actions [data-action=delete-tag]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.undo-toast');
    expect(await focusAfterSave()).toMatchObject({ action: 'undo-remove' });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`table.grid tr[data-tag-id="${tagId}"]`);
    expect(await focusAfterSave()).toMatchObject({ tag: tagId, cls: 'link-btn' });

    // delete and dismiss the undo: on the new-tag button
    await open();
    await page.focus('.tag-actions [data-action=delete-tag]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.undo-toast');
    expect(await focusAfterSave()).toMatchObject({ action: 'undo-remove' });
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ action: 'dismiss-undo' });
    await page.keyboard.press('Enter');
    expect(await focusAfterSave()).toMatchObject({ action: 'new-tag' });
    expect(pageErrors).toEqual([]);
  });

  test('feed card: closing a tag, deleting it by its actions or ×, and undo keep focus on the card', async () => {
    const docId = ids[2]!;
    const card = `.feed-card[data-doc-id="${docId}"]`;
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.waitForSelector(`${card} .chip-open`);
    const tagId = (await page.getAttribute(`${card} .chip`, 'data-tag-id'))!;
    const chip = page.locator(`${card} .chip[data-tag-id="${tagId}"] .chip-open`);
    await chip.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${card} .tag-actions`);
    await page.focus(`${card} .tag-actions [data-action=close-tag]`);
    await page.keyboard.press('Enter');
    expect(await focusAfterSave()).toMatchObject({ tag: tagId, cls: expect.stringContaining('chip-open') });

    await page.keyboard.press('Enter');
    await page.waitForSelector(`${card} .tag-actions`);
    await page.focus(`${card} .tag-actions [data-action=delete-tag]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${card} .undo-toast`);
    expect(await focusAfterSave()).toMatchObject({ action: 'undo-remove' });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${card} .chip[data-tag-id="${tagId}"]`);
    expect(await focusAfterSave()).toMatchObject({ tag: tagId, cls: expect.stringContaining('chip-open') });

    // the chip's own ×, then the undo dismissed: on +
    await page.focus(`${card} .chip[data-tag-id="${tagId}"] .chip-x`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${card} .undo-toast`);
    expect(await focusAfterSave()).toMatchObject({ action: 'undo-remove' });
    await page.focus(`${card} [data-action=dismiss-undo]`);
    await page.keyboard.press('Enter');
    expect(await focusAfterSave()).toMatchObject({ cls: expect.stringContaining('chip-add') });
    expect(pageErrors).toEqual([]);
  });

  test('admin routing: removing an entry moves focus to the entry in its place, else to 添加', async () => {
    await page.goto(`${e2e.server.base}/#/admin/routing`);
    await page.waitForSelector('.routing-form');
    const entries = await page.locator('[data-entry]').count();
    await page.focus('[data-action=entry-add]');
    await page.keyboard.press('Enter');
    await page.focus('[data-action=entry-add]');
    await page.keyboard.press('Enter');
    await waitForPage(page, `document.querySelectorAll('[data-entry]').length === ${entries + 2}`);
    await page.locator(`[data-entry="${entries}"] [data-action=entry-remove]`).focus();
    await page.keyboard.press('Enter');
    await settled();
    expect(await focused()).toMatchObject({ action: 'entry-remove', entry: String(entries) });
    await page.keyboard.press('Enter');
    await settled();
    expect(await focused()).toMatchObject(entries > 0 ? { action: 'entry-remove', entry: String(entries - 1) } : { action: 'entry-add' });
    expect(pageErrors).toEqual([]);
  });

  test('admin rules: cancelling the new-rule form gives focus back to 新建规则', async () => {
    await page.goto(`${e2e.server.base}/#/admin/rules`);
    await page.waitForSelector('[data-action=new-rule]');
    await page.focus('[data-action=new-rule]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-action=cancel-rule]');
    await page.focus('[data-action=cancel-rule]');
    await page.keyboard.press('Enter');
    await settled();
    expect(await focused()).toMatchObject({ action: 'new-rule' });
    expect(pageErrors).toEqual([]);
  });
});
