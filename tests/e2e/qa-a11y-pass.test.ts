import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Api, ingest, signedInAs, waitDone } from './console-helpers.js';
import { apiClient, CHROMIUM_ARGS, startServer, waitForPage, type RunningServer } from './server-harness.js';

// A language and accessibility pass over the console against a real server with analysed data: what a
// keyboard, screen-reader or phone user hits on the feed, document, labeling, dashboard, models and admin
// pages, in both languages. Browser code is passed as strings: the test tsconfig has no DOM lib.

const COMMENTS = ['网络很卡，经常断线，客服态度很好。', '快递太慢了，等了一个星期，价格还贵。', '这个手机质量很差，用了两天就坏了。'];

let server: RunningServer;
let browser: Browser;
let page: Page;
let api: Api;
const ids: string[] = [];
const pageErrors: string[] = [];

const value = (name: string) => page.inputValue(`input[name=${name}]`);
/** Resolves once the page has rendered after the last hash change. */
const settled = () => page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');

describe('console language and accessibility pass (real server, chromium)', () => {
  beforeAll(async () => {
    server = await startServer();
    api = apiClient(server.base, server.adminKey);
    for (const [i, text] of COMMENTS.entries()) ids.push(await ingest(api, { kind: 'comment', source: i % 2 ? 'app' : 'web', externalId: `qa-pass-${i}`, text }));
    for (const id of ids) await waitDone(api, id);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signedInAs(page, server.base, server.adminKey, 'zh');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('feed: a refused confidence does not stay in its field after back and forward; the field shows what is applied', async () => {
    await page.goto(`${server.base}/#/feed`);
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
    await page.goto(`${server.base}/#/dashboard`);
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
    await page.goto(`${server.base}/#/feed`);
    await waitForPage(page, `document.querySelectorAll('.feed-card [data-text-root]').length >= ${ids.length}`);
    const onFeed = await liveRegions();
    expect(onFeed.filter((r) => r.inBody)).toEqual([]);
    expect(onFeed).toEqual([{ inBody: false, text: '' }]);

    await page.goto(`${server.base}/#/doc/${ids[0]}`);
    await page.waitForSelector('.doc-card [data-text-root]');
    expect(await liveRegions()).toEqual([{ inBody: false, text: '' }]);
    // adding from the keyboard: the caret's character is said there, and nothing once the form is cancelled
    await page.focus('[data-action=new-tag]');
    await page.keyboard.press('Enter');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    expect(await liveRegions()).toEqual([{ inBody: false, text: `光标在“${COMMENTS[0]![0]}”` }]);
    await page.keyboard.press('Escape');
    await waitForPage(page, `!document.querySelector('[data-pick-region]')`, 5_000);
    expect(await liveRegions()).toEqual([{ inBody: false, text: '' }]);
    expect(pageErrors).toEqual([]);
  });
});
