import fs from 'node:fs';
import path from 'node:path';
import type { Page, Route } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { getDoc, ingest, signIn, waitDone, type Doc } from './console-helpers.js';
import { openPage, SCREENSHOTS, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Defects a QA audit found in a real browser, each checked the way the auditor met it: failed page
// code loads and failed requests must leave the console usable and retryable, filters must not keep
// fields Reset cleared, a drag inside a highlight must select words for a new tag, and a new tag must
// not come with a category nobody chose.

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];
let doc: Doc;

const TEXT = '外卖送得太慢了，骑手态度恶劣。';

async function shot(name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Requests to this API path fail as when the server is down, until the returned function is called. */
async function serverDown(pathname: string | RegExp): Promise<() => Promise<void>> {
  const match = (u: URL) => (typeof pathname === 'string' ? u.pathname === pathname : pathname.test(u.pathname));
  const handler = (route: Route) => route.abort('connectionrefused');
  await page.route(match, handler);
  return () => page.unroute(match, handler);
}

describe('QA audit fixes (real server, chromium)', () => {
  beforeAll(async () => {
    const id = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'qa-1', text: TEXT, occurredAt: new Date().toISOString() });
    doc = await waitDone(e2e.api, id);
    expect(doc.tags.map((t) => t.opinion)).toContain('恶劣');
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 860 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/models');
  }, 120_000);

  test('a page whose code fails to load says so under the top bar, and 重试 loads it', async () => {
    for (const [nav, chunk, ready] of [
      ['dashboard', /\/assets\/dashboard-page-[^/]*\.js$/, '.dashboard .kpis'],
      ['nps', /\/assets\/nps-page-[^/]*\.js$/, '.nps-page'],
    ] as const) {
      await page.goto(`${e2e.server.base}/#/models`);
      await page.waitForSelector('.models-page');
      const back = await serverDown(chunk);
      await page.click(`.topbar [data-nav=${nav}]`);
      const panel = page.locator('main .error-panel');
      await panel.waitFor({ timeout: 15_000 });
      expect(await panel.textContent()).toContain('出错了');
      expect(await panel.textContent()).toContain('页面的程序未能加载');
      expect(await page.locator('.topbar [data-nav=feed]').isVisible()).toBe(true);
      expect(await panel.locator('[data-action=reload]').count()).toBe(1);
      if (nav === 'dashboard') await shot('qa-chunk-failed');
      await back();
      await panel.locator('[data-action=retry]').click();
      await page.waitForSelector(ready, { timeout: 15_000 });
      expect(await page.locator('main .error-panel').count()).toBe(0);
    }
    // the journey page too, reached by its link rather than the nav
    const back = await serverDown(/\/assets\/journey-page-[^/]*\.js$/);
    await page.goto(`${e2e.server.base}/#/customers/qa-someone`);
    await page.locator('main .error-panel').waitFor({ timeout: 15_000 });
    await back();
    await page.click('main .error-panel [data-action=retry]');
    await page.waitForSelector('.journey-page', { timeout: 15_000 });
    expect(pageErrors).toEqual([]);
  });

  test('Reset clears every filter field, typed-but-unapplied ones too; the date-order message sits by the dates', async () => {
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.waitForSelector('.feed-card');
    await page.fill('input[name=minConfidence]', '0.9');
    await page.fill('input[name=maxConfidence]', '0.5');
    await page.press('input[name=maxConfidence]', 'Enter');
    await page.locator('.filter-error').waitFor();
    await page.getByRole('button', { name: '重置' }).click();
    expect(await page.inputValue('input[name=minConfidence]')).toBe('');
    expect(await page.inputValue('input[name=maxConfidence]')).toBe('');
    expect(await page.locator('.filter-error').count()).toBe(0);
    await page.fill('input[name=from]', '2020-01-01');
    await waitForPage(page, "location.hash.includes('from=2020-01-01')");
    const hash = (await page.evaluate('location.hash')) as string;
    expect(hash).not.toContain('Confidence');
    await page.waitForSelector('.feed-card');

    await page.fill('input[name=to]', '2019-12-01');
    const dateError = page.locator('.field-pair:has(input[name=from]) .filter-error');
    await dateError.waitFor();
    expect(await dateError.textContent()).toBe('开始日期不能晚于结束日期');
    expect(await page.locator('.field-pair:has(input[name=minConfidence]) .filter-error').count()).toBe(0);
    expect(await page.getAttribute('input[name=to]', 'aria-describedby')).toBe(await dateError.getAttribute('id'));
  });

  test('a confidence such as 0.87 is taken on Enter, with no browser bubble about steps', async () => {
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.waitForSelector('.feed-card');
    await page.fill('input[name=minConfidence]', '0.87');
    await page.press('input[name=minConfidence]', 'Enter');
    await waitForPage(page, "location.hash.includes('minConfidence=0.87')", 10_000);
    expect(await page.evaluate("document.querySelector('input[name=minConfidence]').validity.valid")).toBe(true);
    // out of range: the page's own message, not the browser's
    await page.fill('input[name=minConfidence]', '1.5');
    await page.press('input[name=minConfidence]', 'Enter');
    await page.locator('.filter-error').waitFor();
    expect(await page.textContent('.filter-error')).toBe('置信度应在 0 到 1 之间');
  });

  test('a value typed into the same field before the last one reached the URL is kept, with its error', async () => {
    // The race CI hit under load (2026-11-30): 0.87 applied, then 1.5 typed and refused before 0.87's hash
    // change came back; that echo put 0.87 back in the field and cleared the error. Here both submits run
    // in one task, so the echo always lands after them.
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.waitForSelector('.feed-card');
    await page.evaluate(`(() => {
      const input = document.querySelector('input[name=minConfidence]');
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      for (const v of ['0.87', '1.5']) {
        set.call(input, v);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.form.requestSubmit();
      }
    })()`);
    await waitForPage(page, "location.hash.includes('minConfidence=0.87')", 10_000);
    // the echo has been handled once the page has rendered after the hash change
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');
    expect(await page.inputValue('input[name=minConfidence]')).toBe('1.5');
    expect(await page.textContent('.filter-error')).toBe('置信度应在 0 到 1 之间');
  });

  test('a drag inside one highlight selects those words for a new tag; a click still opens the tag', async () => {
    await page.goto(`${e2e.server.base}/#/label?doc=${doc.id}`);
    await page.waitForSelector('.label-text mark');
    const firstSelected = await page.getAttribute('.tag-row.selected', 'data-tag-id');
    const other = doc.tags.find((t) => t.opinion === '恶劣')!;
    expect(firstSelected).not.toBe(other.id);
    const mark = page.locator(`.label-text mark[data-tag-id="${other.id}"]`);
    const box = (await mark.boundingBox())!;
    const text = (await mark.textContent())!;
    const cw = box.width / text.length;
    const i = text.indexOf('恶劣');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + cw * i + 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + cw * (i + 1), y, { steps: 4 });
    await page.mouse.move(box.x + cw * (i + 2) - 2, y, { steps: 4 });
    await page.mouse.up();
    expect(await page.evaluate('String(window.getSelection())')).toBe('恶劣');
    // the drag was no click on the tag
    expect(await page.getAttribute('.tag-row.selected', 'data-tag-id')).toBe(firstSelected);
    await page.keyboard.press('n');
    await page.waitForSelector('.picker');
    await page.keyboard.press('Escape');
    expect(await page.textContent('.save-state')).not.toContain('请先在文本中选中');

    await page.evaluate('window.getSelection().removeAllRanges()');
    await mark.click();
    await page.waitForSelector(`.tag-row.selected[data-tag-id="${other.id}"]`);
  });

  test('a new tag starts with no category and neutral polarity on every page; Enter alone files nothing', async () => {
    const before = (await getDoc(e2e.api, doc.id)).tags.length;
    // queue: n opens the picker with nothing highlighted, so Enter right away picks nothing
    await page.goto(`${e2e.server.base}/#/label?doc=${doc.id}`);
    await page.waitForSelector('.label-text mark');
    await page.evaluate(`(() => {
      const root = document.querySelector('.label-text [data-text-root]');
      const node = root.firstElementChild.firstChild;
      const r = document.createRange(); r.setStart(node, 0); r.setEnd(node, 2);
      getSelection().removeAllRanges(); getSelection().addRange(r);
    })()`);
    // the keyboard path: a pointer left over the spot where the picker opens would hover (and so highlight) an option
    await page.mouse.move(0, 0);
    await page.keyboard.press('n');
    await page.waitForSelector('.picker');
    expect(await page.locator('.picker [role=option][aria-selected=true]').count()).toBe(0);
    await page.keyboard.press('Enter');
    expect(await page.locator('.picker').count()).toBe(1);
    await page.keyboard.press('Escape');

    // the queue's form and the feed's form start alike: neutral, no category; Add without one says why
    await page.click('.label-actions [data-action=new-tag]');
    await page.locator('.label-text [data-ch]').first().click();
    await page.locator('.label-actions .add-tag-text').waitFor();
    expect(await page.inputValue('.label-actions select[name=addCategory]')).toBe('');
    expect(await page.getAttribute('.label-actions .add-tag [data-polarity=neutral]', 'aria-checked')).toBe('true');
    await page.click('.label-actions [data-action=cancel-add]');

    await page.goto(`${e2e.server.base}/#/feed`);
    const card = page.locator(`.feed-card[data-doc-id="${doc.id}"]`);
    await card.locator('.chip').first().waitFor();
    await card.locator('.chip-add').click();
    await card.locator('[data-ch]').first().click();
    await card.locator('.add-tag-text').waitFor();
    expect(await card.locator('select[name=addCategory]').inputValue()).toBe('');
    expect(await card.locator('.add-tag [data-polarity=neutral]').getAttribute('aria-checked')).toBe('true');
    await card.locator('[data-action=add-tag]').click();
    await card.locator('.add-tag-error').waitFor();
    expect(await card.locator('.add-tag-error').textContent()).toBe('请先选择类别，再添加标签');
    expect(await card.locator('select[name=addCategory]').getAttribute('aria-invalid')).toBe('true');
    expect((await getDoc(e2e.api, doc.id)).tags.length).toBe(before);
    await card.locator('[data-action=cancel-add]').click();
  });

  test('failed loads show 出错了 with 重试 in the page area, and 重试 recovers once the server answers', async () => {
    const cases: [string, string | RegExp, string][] = [
      ['#/label', '/v1/labeling/queue', '.label-text'],
      [`#/doc/${doc.id}`, `/v1/documents/${doc.id}`, '.doc-card'],
      ['#/dashboard', '/v1/stats/summary', '.dashboard .kpis'],
      ['#/nps', '/v1/stats/nps', '.nps-page .chart-grid'],
    ];
    for (const [hash, apiPath, ready] of cases) {
      const back = await serverDown(apiPath);
      await page.goto(`${e2e.server.base}/${hash}`);
      const panel = page.locator('main .error-panel');
      await panel.waitFor({ timeout: 15_000 });
      expect(await panel.textContent(), hash).toMatch(/^出错了: 无法连接到服务器/);
      expect(await page.locator('.topbar').isVisible()).toBe(true);
      await back();
      await panel.locator('[data-action=retry]').click();
      await page.waitForSelector(ready, { timeout: 15_000 });
      expect(await page.locator('main .error-panel').count(), hash).toBe(0);
    }
  });
});
