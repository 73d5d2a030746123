import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { useConsole } from './console-fixture.js';

// The console shows times, and picks whole days, in the service's TIME_ZONE: the dashboard's day bars are
// the service's days, so a Beijing complaint at 07:30 must read 07:30 on the 28th even in a browser whose
// own zone is New York (where it is still the 27th). It used to show UTC (23:30 on the 27th), and a date
// filter "to 2026-11-28" ended at 08:00 Beijing time.

const e2e = useConsole({ TIME_ZONE: 'Asia/Shanghai' });
let early: string;
let late: string;

beforeAll(async () => {
  const api = e2e.api;
  early = await ingest(api, { kind: 'comment', source: 'tz-app', externalId: 'tz-early', text: '客服态度很差，问题一直没解决。', occurredAt: '2026-11-28T07:30:00+08:00' });
  late = await ingest(api, { kind: 'comment', source: 'tz-app', externalId: 'tz-late', text: '网络信号太差，经常断网。', occurredAt: '2026-11-28T21:15:00+08:00' });
  for (const id of [early, late]) await waitDone(api, id);
}, 120_000);

describe('console in the service time zone (chromium, browser zone America/New_York)', () => {
  test('feed cards and the document page show Beijing wall times; a day filter covers the Beijing day', async () => {
    const ctx = await e2e.browser.newContext({ locale: 'zh-CN', timezoneId: 'America/New_York', viewport: { width: 1366, height: 768 } });
    const page = await ctx.newPage();
    try {
      await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed?channel=tz-app');
      const card = page.locator(`.feed-card[data-doc-id="${early}"]`);
      await card.waitFor();
      await expect.poll(() => card.textContent()).toContain('2026-11-28 07:30');

      await page.goto(`${e2e.server.base}/#/doc/${early}`);
      await page.waitForSelector('dl');
      await expect.poll(() => page.locator('dl').first().textContent()).toContain('2026-11-28 07:30:00');

      // whole-day filters: the 28th (Beijing) holds both, the 27th neither. Polled, as a hash change
      // re-queries while the previous filter's cards are still on the page.
      const shown = () => page.locator('.feed-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-doc-id')).sort());
      await page.goto(`${e2e.server.base}/#/feed?channel=tz-app&from=2026-11-28&to=2026-11-28`);
      await expect.poll(shown, { timeout: 20_000 }).toEqual([early, late].sort());
      await page.goto(`${e2e.server.base}/#/feed?channel=tz-app&from=2026-11-27&to=2026-11-27`);
      await page.waitForSelector('.empty', { timeout: 20_000 });
      expect(await shown()).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
