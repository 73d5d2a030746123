import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The end of the labeling queue: accepting its last document moves nowhere, and the notice said only 已保存,
// so a labeler pressing a again re-accepted a document already reviewed without learning the queue was done.
// Real server, Chromium.

const e2e = useConsole();
let page: Page;

/** The accepts the service took (audit entries correction.apply whose ops are only accept), per document. */
async function accepts(): Promise<Map<string, number>> {
  const res = await e2e.api<{ items: { target: string; details: { ops: string[] } }[] }>('GET', '/v1/audit?action=correction.apply&limit=100');
  expect(res.status).toBe(200);
  const n = new Map<string, number>();
  for (const e of res.body.items) if (e.details.ops.every((op) => op === 'accept')) n.set(e.target, (n.get(e.target) ?? 0) + 1);
  return n;
}

describe('the last document of the labeling queue (real server, chromium)', () => {
  beforeAll(async () => {
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }));
  }, 120_000);

  test('accepting it says the queue is through, and a second a sends nothing', async () => {
    const ids: string[] = [];
    for (const [i, text] of ['信号很差，网络卡顿', '客服态度很好，问题当天解决了'].entries()) {
      ids.push(await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: `end-${i}`, text }));
    }
    for (const id of ids) expect((await waitDone(e2e.api, id)).tags.length).toBeGreaterThan(0);
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/label');
    await page.waitForSelector('.label-main .toolbar .mono');
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    const shown = () => page.locator('.label-main .toolbar .mono').textContent();
    const first = await shown();
    const last = ids.find((id) => id !== first)!;

    await page.keyboard.press('a');
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(last)}`);
    await page.waitForSelector('.save-state[data-pending="0"]');
    await page.keyboard.press('a');
    await page.waitForSelector('.save-state[data-pending="0"]');
    await waitForPage(page, `document.querySelector('.save-state')?.textContent.includes('最后一篇')`);
    await page.keyboard.press('a');
    expect(await page.locator('.save-state').textContent()).toContain('最后一篇');
    expect(await shown()).toBe(last);
    // each document accepted once: the third a re-sent nothing
    const n = await accepts();
    expect(ids.map((id) => n.get(id) ?? 0)).toEqual([1, 1]);
  });
});
