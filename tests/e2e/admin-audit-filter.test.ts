import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { signIn } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The audit log's action filter was the page's own state: a reload, or a link to the filtered log sent to a
// colleague, showed every action again. Like the feed's filters it lives in the URL (#/admin/audit?action=…).

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];

const shownActions = () => page.evaluate(`[...document.querySelectorAll('.audit-table tr[data-action]')].map((r) => r.dataset.action)`) as Promise<string[]>;

describe('admin audit log: the action filter (real server, chromium)', () => {
  beforeAll(async () => {
    const api = e2e.api;
    // one entry of each of two actions
    expect((await api('POST', '/v1/api-keys', { name: 'audit-filter-analyst', roles: ['analyst'] })).status).toBe(201);
    expect((await api('GET', '/v1/tags/export?format=csv')).status).toBe(200);
    ({ page } = await openPage(e2e.browser, { width: 1280, height: 800 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/admin/audit');
  }, 120_000);

  test('the chosen action is in the URL and survives a reload', async () => {
    await page.goto(`${e2e.server.base}/#/admin/audit`);
    await page.waitForSelector('.audit-table tr[data-action]');
    expect(new Set(await shownActions())).toEqual(new Set(['api_key.create', 'tags.export']));

    await page.selectOption('select[name=action]', 'tags.export');
    await waitForPage(page, `[...document.querySelectorAll('.audit-table tr[data-action]')].every((r) => r.dataset.action === 'tags.export')`);
    expect(await page.evaluate('location.hash')).toBe('#/admin/audit?action=tags.export');

    await page.reload();
    await page.waitForSelector('.audit-table tr[data-action]');
    expect(await page.inputValue('select[name=action]')).toBe('tags.export');
    expect(await shownActions()).toEqual(['tags.export']);

    // back: every action again
    await page.goBack();
    await waitForPage(page, `document.querySelectorAll('.audit-table tr[data-action]').length === 2`);
    expect(await page.inputValue('select[name=action]')).toBe('');
    expect(pageErrors).toEqual([]);
  });
});
