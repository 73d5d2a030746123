import { beforeAll, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// QA audit at scale 2026-11-29 (F6): the console named downloads by the UTC date, while every date it
// shows is in the service's TIME_ZONE. The zone here is chosen so that its date differs from UTC's right
// now (UTC+14 from 10:00 UTC on, UTC-12 before), so the old name cannot pass by coincidence.

const zone = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Etc/GMT+12';
const dayIn = (tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

const e2e = useConsole({ TIME_ZONE: zone });

beforeAll(async () => {
  const api = e2e.api;
  await waitDone(api, await ingest(api, { kind: 'comment', source: 'fn-app', externalId: 'fn-1', text: '快递员态度很差' }));
}, 120_000);

test('an export downloaded from the console is named by the date in the service time zone', async () => {
  expect(dayIn(zone)).not.toBe(new Date().toISOString().slice(0, 10));
  const ctx = await e2e.browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  const page = await ctx.newPage();
  try {
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/export');
    await page.waitForSelector('button[data-format=csv]');
    for (const format of ['csv', 'jsonl']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-format=${format}]`)]);
      // the day can turn while the test runs: either side of the turn is the zone's date, never UTC's
      expect([`guandian-tags-${dayIn(zone)}.${format}`]).toContain(download.suggestedFilename());
    }
  } finally {
    await ctx.close();
  }
});

// QA pass 2026-11-30: a download button was disabled while its export was fetched, which drops focus to
// <body>; a keyboard user who pressed Enter on 下载 CSV lost their place on the page.
test('Enter on a download button leaves the focus on it once the file is handed over', async () => {
  const ctx = await e2e.browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  const page = await ctx.newPage();
  try {
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/export');
    for (const format of ['csv', 'jsonl']) {
      await page.focus(`button[data-format=${format}]`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${format}$`));
      await page.waitForSelector('.export-actions [role=status]');
      expect(await page.evaluate('document.activeElement?.dataset?.format ?? document.activeElement?.tagName')).toBe(format);
    }
  } finally {
    await ctx.close();
  }
});

// Console QA 2026-12-01: 已开始下载 stayed under the filters after they changed, as if it were about them.
test("the export's notice is about the filters it was made with: changing them takes it away", async () => {
  const ctx = await e2e.browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  const page = await ctx.newPage();
  try {
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/export');
    await Promise.all([page.waitForEvent('download'), page.click('button[data-format=csv]')]);
    const notice = page.locator('.export-actions [role=status]');
    await waitForPage(page, `document.querySelector('.export-actions [role=status]')?.textContent === '已开始下载'`);
    await page.evaluate("location.hash = '#/export?polarity=negative'");
    await page.locator('.export-actions').waitFor();
    await notice.waitFor({ state: 'detached' });
    expect(await page.evaluate('location.hash')).toBe('#/export?polarity=negative');
  } finally {
    await ctx.close();
  }
});
