import { expect, test } from 'vitest';
import { ingest, openRoute, signedInAs, waitDone, waitSettled } from './console-helpers.js';
import { useConsole } from './console-fixture.js';

// A new install holds no feedback: the dashboard says how feedback gets in and names the sample a trial can load
// (`guandian demo`), instead of four charts of 暂无数据. Filters that empty it are the filters' doing, not this.

const e2e = useConsole();

test('an empty tenant is welcomed with how feedback gets in; filters or one analyzed document make it go', async () => {
  const ctx = await e2e.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const p = await ctx.newPage();
  await signedInAs(p, e2e.server.base, e2e.server.adminKey, 'zh');
  await openRoute(p, e2e.server.base, '#/dashboard', '.kpis');
  const card = p.locator('[data-empty=tenant]');
  await card.waitFor();
  expect(await card.locator('h2').textContent()).toBe('还没有任何反馈');
  expect(await card.locator('code').textContent()).toBe('npx guandian demo');
  // the command wraps inside a phone's width rather than widening the page
  expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

  // in English too
  await signedInAs(p, e2e.server.base, e2e.server.adminKey, 'en');
  await openRoute(p, e2e.server.base, '#/dashboard', '.kpis');
  await card.waitFor();
  expect(await card.locator('h2').textContent()).toBe('No feedback yet');

  // a filter that matches nothing is not a new install
  await openRoute(p, e2e.server.base, '#/dashboard?channel=nowhere', '.kpis');
  await waitSettled(p);
  expect(await card.count()).toBe(0);

  await waitDone(e2e.api, await ingest(e2e.api, { kind: 'comment', source: 'app-review', externalId: 'welcome-1', text: '宽带老是断网，客服电话也打不通' }));
  await openRoute(p, e2e.server.base, '#/dashboard', '.kpis');
  await waitSettled(p);
  expect(await card.count()).toBe(0);
  expect(Number(await p.locator('.kpis .kpi b').first().textContent())).toBeGreaterThan(0);
  await ctx.close();
});
