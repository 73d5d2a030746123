import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signIn, waitDone, type Doc } from './console-helpers.js';
import { openPage, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// 训练新版本 pressed from the keyboard: the button was disabled while the job ran, which drops focus to
// <body>, so the next Tab started again from the skip link at the top of the page. It stays focused (unusable
// while the job runs, as the admin pages' buttons are) and usable again once the job ends.

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];

const focused = () => page.evaluate(`document.activeElement?.dataset?.action ?? document.activeElement?.tagName`) as Promise<string>;

describe('models page: training from the keyboard (real server, chromium)', () => {
  beforeAll(async () => {
    const api = e2e.api;
    const doc = await waitDone(api, await ingest(api, { kind: 'comment', source: 'app', externalId: 'train-focus-1', text: '网络很顺畅，但是App老是闪退' }));
    const tag = (doc as Doc).tags[0]!;
    // one correction: something to learn from
    const res = await api('POST', `/v1/documents/${doc.id}/corrections`, { actions: [{ op: 'update', tagId: tag.id, polarity: tag.polarity === 'negative' ? 'positive' : 'negative' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ({ page } = await openPage(e2e.browser, { width: 1280, height: 800 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/models');
  }, 120_000);

  test('Enter on 训练新版本 keeps focus on it while the job runs and after it ends', async () => {
    await page.goto(`${e2e.server.base}/#/models`);
    const train = page.locator('[data-action=train]');
    await train.waitFor();
    await train.focus();
    await page.keyboard.press('Enter');
    await page.locator('.train-progress').waitFor();
    expect(await page.isDisabled('[data-action=train]'), 'a second job cannot be started meanwhile').toBe(true);
    expect(await focused()).toBe('train');
    // Enter again while it runs starts nothing
    await page.keyboard.press('Enter');
    await waitFor('the training job to end', async () => ['done', 'failed'].includes((await page.locator('.train-progress').getAttribute('data-status')) ?? ''), 120_000);
    await waitFor('the button usable again', () => page.isEnabled('[data-action=train]'));
    expect(await focused()).toBe('train');
    const jobs = (await e2e.api<{ versions: unknown[] }>('GET', '/v1/models')).body;
    expect(jobs.versions.filter((v) => (v as { parent?: string | null }).parent)).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });
});
