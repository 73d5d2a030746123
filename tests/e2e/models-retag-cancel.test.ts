import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { openRoute, seedAnalyzed, signedInAs, waitNonePending } from './console-helpers.js';
import { openPage, SCREENSHOTS, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// A re-tag started on the wrong filter is cancelled from the models page: the running job's card has a
// button that asks first (in the card), then cancels it through the real API; the card then says
// cancelled with what was re-tagged before, and the documents it had not reached stay as they were.

const e2e = useConsole({ WORKER_CONCURRENCY: '1' });
let page: Page;

// Re-tagged one at a time (WORKER_CONCURRENCY=1), enough documents that the job still runs while the page
// is opened and the button clicked twice (2026-11-30: 200 documents re-tag in about 2.4 s).
const DOCS = 1200;
const TEXTS = ['网络很顺畅，但是App老是闪退', '客服态度很差，等了半小时没人理', '外卖送得太慢了，饭都凉了', '信号时好时坏，资费还贵'];

beforeAll(async () => {
  await seedAnalyzed(e2e.api, { prefix: 'rc', n: DOCS, batch: 200, texts: TEXTS, timeoutMs: 180_000 });
  ({ page } = await openPage(e2e.browser, { width: 1300, height: 900 }));
}, 240_000);

async function shot(name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const job = (id: string) => page.locator(`.retag-jobs .retag-job[data-job-id="${id}"]`);

test('a running job is cancelled from its card after a confirmation; it then reads cancelled and stops re-tagging', async () => {
  await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
  await openRoute(page, e2e.server.base, '#/models', '.retag-jobs-empty');
  const started = await e2e.api<{ id: string; total: number }>('POST', '/v1/retag-jobs', {});
  expect(started.status).toBe(202);
  const { id, total } = started.body;
  expect(total).toBe(DOCS);
  await page.reload();
  await job(id).waitFor({ timeout: 20_000 });
  expect(await job(id).getAttribute('data-status'), 'the job finished before the page showed it: re-tag more documents (DOCS)').toBe('running');

  // asks first; "keep running" leaves it running
  const cancelButton = job(id).locator('[data-action=cancel-retag]');
  expect(await cancelButton.textContent()).toBe('取消任务');
  await cancelButton.click();
  expect(await job(id).locator('.retag-job-confirm p').textContent()).toContain('尚未重新打标的文档保留原有标签');
  await job(id).locator('[data-action=keep-retag]').click();
  expect(await job(id).locator('.retag-job-confirm').count()).toBe(0);
  expect((await e2e.api<{ status: string }>('GET', `/v1/retag-jobs/${id}`)).body.status).toBe('running');

  await cancelButton.click();
  await shot('models-retag-cancel-confirm');
  await job(id).locator('[data-action=confirm-cancel-retag]').click();
  await page.locator(`.retag-jobs .retag-job[data-job-id="${id}"][data-status=cancelled]`).waitFor({ timeout: 20_000 });
  expect(await job(id).locator('.retag-job-status').textContent()).toBe('已取消');
  expect(await job(id).locator('[data-action=cancel-retag]').count()).toBe(0);

  const progress = (await e2e.api<{ status: string; done: number; total: number }>('GET', `/v1/retag-jobs/${id}`)).body;
  expect(progress.status).toBe('cancelled');
  expect(progress.done, 'the job had finished before the cancel reached it').toBeLessThan(DOCS);
  expect(await job(id).locator('.retag-job-notice').textContent()).toBe(`已取消：取消前已重新打标 ${progress.done} / ${progress.total} 篇`);
  await shot('models-retag-cancelled');

  // nothing is left to re-tag: no document queued or in analysis once the one a worker held (queued again
  // by the cancel) is done, and the job's numbers stay
  await waitNonePending(e2e.api, 20_000, 'no document pending after the cancel');
  expect((await e2e.api<{ status: string; done: number }>('GET', `/v1/retag-jobs/${id}`)).body).toMatchObject({ status: 'cancelled', done: progress.done });

  // in English too, after a reload: the list says cancelled, with no button
  await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
  await openRoute(page, e2e.server.base, '#/models', `.retag-jobs .retag-job[data-job-id="${id}"][data-status=cancelled]`);
  expect(await job(id).locator('.retag-job-status').textContent()).toBe('Cancelled');
  expect(await job(id).textContent()).toContain(`${progress.done} / ${progress.total}`);
  expect(await job(id).locator('[data-action=cancel-retag]').count()).toBe(0);
}, 240_000);

test('in English, the button names the job; a job that ends while its question is open drops the question', async () => {
  await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
  const started = await e2e.api<{ id: string }>('POST', '/v1/retag-jobs', {});
  await openRoute(page, e2e.server.base, '#/models', `.retag-jobs .retag-job[data-job-id="${started.body.id}"]`);
  const button = job(started.body.id).locator('[data-action=cancel-retag]');
  await button.waitFor({ timeout: 20_000 });
  expect(await button.textContent()).toBe('Cancel job');
  expect(await button.getAttribute('aria-label')).toBe('Cancel job: Manual re-tag');
  await button.click();
  expect(await job(started.body.id).locator('.retag-job-confirm p').textContent()).toContain('keep their current tags');
  // the job ends while the question is open (cancelled elsewhere, by the CLI say): the card follows it
  expect((await e2e.api('POST', `/v1/retag-jobs/${started.body.id}/cancel`)).status).toBe(200);
  await page.locator(`.retag-jobs .retag-job[data-job-id="${started.body.id}"][data-status=cancelled]`).waitFor({ timeout: 20_000 });
  expect(await job(started.body.id).locator('.retag-job-status').textContent()).toBe('Cancelled');
  expect(await job(started.body.id).locator('.retag-job-confirm').count()).toBe(0);
}, 120_000);
