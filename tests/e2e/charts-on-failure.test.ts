import type { Browser } from 'playwright-core';
import { afterEach, beforeAll, afterAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { apiClient, launchChromium, openPage, startServer, type RunningServer } from './server-harness.js';

// The dashboard and the NPS page chart what the filters (and the scale) in the URL select. When a new
// choice cannot be answered (here the server stops while the analyst works), the page says so: the
// previous choice's numbers must not stay on screen under the new one's filters and titles.

let browser: Browser;
let server: RunningServer | undefined;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

afterAll(async () => {
  await browser?.close();
});

async function seeded(): Promise<RunningServer> {
  const s = await startServer();
  const api = apiClient(s.base, s.adminKey);
  const ids = [
    await ingest(api, { kind: 'comment', source: 'app', externalId: 'c-1', text: '手机银行转账一直失败，太失望了' }),
    await ingest(api, { kind: 'comment', source: 'branch', externalId: 'c-2', text: '大堂经理很耐心，帮我办好了开户' }),
    await ingest(api, { kind: 'survey', source: 'wechat-survey', externalId: 's-1', scale: 'nps', score: 3, question: '【如不满意，请描述下问题】', text: '网点排队两个小时，柜员态度很差' }),
  ];
  for (const id of ids) await waitDone(api, id);
  return s;
}

describe('a new choice the server cannot answer', () => {
  test('dashboard: the charts and counts of the previous filters do not stay under the new ones', async () => {
    server = await seeded();
    const { page } = await openPage(browser, { width: 1366, height: 800 });
    try {
      await signIn(page, server.base, server.adminKey, '#/dashboard');
      await page.waitForSelector('.chart-card canvas, .chart-card svg', { timeout: 20_000 });
      expect(await page.locator('.kpis').count()).toBe(1);

      await server.stop();
      await page.selectOption('select[name=kind]', 'survey');
      await page.waitForSelector('.error-panel', { timeout: 20_000 });
      expect(page.url()).toContain('kind=survey');
      expect(await page.locator('.kpis').count()).toBe(0);
      expect(await page.locator('.chart-card').count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 90_000);

  test('NPS page: NPS numbers do not stay under the CSAT titles', async () => {
    server = await seeded();
    const { page } = await openPage(browser, { width: 1366, height: 800 });
    try {
      await signIn(page, server.base, server.adminKey, '#/nps');
      await page.waitForSelector('.nps-kpis', { timeout: 20_000 });

      await server.stop();
      await page.click('[data-scale=csat]');
      await page.waitForSelector('.error-panel', { timeout: 20_000 });
      expect(page.url()).toContain('scale=csat');
      expect(await page.locator('.nps-kpis').count()).toBe(0);
      expect(await page.locator('.chart-card').count()).toBe(0);
    } finally {
      await page.close();
    }
  }, 90_000);
});
