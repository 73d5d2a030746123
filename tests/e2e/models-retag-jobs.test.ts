import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { openRoute, seedAnalyzed, signedInAs } from './console-helpers.js';
import { openPage, SCREENSHOTS, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The models page lists the tenant's latest re-tag jobs, whoever started them, and follows the running
// ones until they are done: a job started through the API (as the CLI or another admin would) shows up
// after navigating to the page, reaches done without a reload, and is still there after one.

const e2e = useConsole({ WORKER_CONCURRENCY: '1' });
let page: Page;
let pageKey: string;
let starterId: string;
/** GET /v1/retag-jobs requests the page made, in order. */
const listCalls: number[] = [];

// Enough documents that re-tagging them one at a time (WORKER_CONCURRENCY=1) takes a few seconds: the
// page opens while the job runs (measured 2026-11-30: 200 documents in 2.4 s).
const DOCS = 360;
const TEXTS = ['网络很顺畅，但是App老是闪退', '客服态度很差，等了半小时没人理', '外卖送得太慢了，饭都凉了', '信号时好时坏，资费还贵'];

beforeAll(async () => {
  await seedAnalyzed(e2e.api, { prefix: 'rj', n: DOCS, batch: 180, texts: TEXTS, timeoutMs: 120_000 });
  starterId = (await e2e.api<{ id: string }>('GET', '/v1/me')).body.id;
  // The page is another admin's: it did not start the job it follows.
  const created = await e2e.api<{ key: string }>('POST', '/v1/api-keys', { name: '管理员 李四', roles: ['admin'] });
  expect(created.status).toBe(201);
  pageKey = created.body.key;
  ({ page } = await openPage(e2e.browser, { width: 1300, height: 900 }));
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v1/retag-jobs' && r.method() === 'GET') listCalls.push(Date.now());
  });
}, 180_000);

async function shot(name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const job = (id: string) => page.locator(`.retag-jobs .retag-job[data-job-id="${id}"]`);
const callsSince = (t: number) => listCalls.filter((c) => c > t).length;

test('a job started elsewhere is listed on the models page, followed to done without a reload, and still listed after one', async () => {
  await signedInAs(page, e2e.server.base, pageKey, 'zh');
  await openRoute(page, e2e.server.base, '#/models', '.retag-jobs-empty');
  expect(await page.textContent('.retag-jobs h3')).toBe('重新打标任务');
  expect(await page.textContent('.retag-jobs-empty')).toContain('还没有重新打标任务');

  await openRoute(page, e2e.server.base, '#/feed', '.topbar');
  const started = await e2e.api<{ id: string; total: number }>('POST', '/v1/retag-jobs', { reason: 'lexicon' });
  expect(started.status).toBe(202);
  const { id, total } = started.body;
  expect(total).toBe(DOCS);
  // navigating to the page, not reloading it: the list is the page's own
  await page.click('a[href="#/models"]');
  await job(id).waitFor({ timeout: 20_000 });
  const first = await job(id).getAttribute('data-status');
  expect(first, 'the job finished before the page showed it: re-tag more documents (DOCS) so it is seen running').toBe('running');
  expect(await job(id).locator('.retag-job-status').textContent()).toBe('进行中');
  expect(await job(id).locator('strong').textContent()).toBe('词典更新后重新打标');
  expect(await job(id).locator('.retag-job-by').textContent()).toBe(starterId);
  expect(await job(id).locator('.retag-job-scope').textContent()).toBe('全部文档');
  expect(await job(id).getByRole('progressbar').getAttribute('aria-label')).toBe('词典更新后重新打标');
  await shot('models-retag-jobs-running');

  // followed on the same page (no reload: the marker stays) until done, with the API's numbers
  await page.evaluate('window.__sameDocument = true');
  await page.locator(`.retag-jobs .retag-job[data-job-id="${id}"][data-status=done]`).waitFor({ timeout: 60_000 });
  expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
  const progress = (await e2e.api<{ status: string; done: number; total: number; failed: number }>('GET', `/v1/retag-jobs/${id}`)).body;
  expect(progress).toMatchObject({ status: 'done', done: DOCS, total: DOCS, failed: 0 });
  expect(await job(id).textContent()).toContain(`${DOCS} / ${DOCS}`);
  expect(await job(id).getAttribute('data-percent')).toBe('100');
  expect(await job(id).locator('.retag-job-status').textContent()).toBe('已完成');

  // nothing runs now: the page stops asking
  const doneAt = Date.now();
  await page.waitForTimeout(2500);
  expect(callsSince(doneAt), 'the page kept polling GET /v1/retag-jobs with no job running').toBe(0);

  // a reload (and a second job, started meanwhile by the CLI's route) lists both, newest first
  const second = await e2e.api<{ id: string }>('POST', '/v1/retag-jobs', { channel: 'web' });
  expect(second.status).toBe(202);
  await page.reload();
  await page.locator(`.retag-jobs .retag-job[data-job-id="${id}"][data-status=done]`).waitFor({ timeout: 20_000 });
  await page.locator(`.retag-jobs .retag-job[data-job-id="${second.body.id}"][data-status=done]`).waitFor({ timeout: 20_000 });
  const rows = page.locator('.retag-jobs .retag-job');
  expect(await rows.count()).toBe(2);
  expect([await rows.nth(0).getAttribute('data-job-id'), await rows.nth(1).getAttribute('data-job-id')]).toEqual([second.body.id, id]);
  expect(await job(second.body.id).locator('strong').textContent()).toBe('手动重新打标');
  expect(await job(second.body.id).locator('.retag-job-scope').textContent()).toBe('渠道：web');
  expect(await job(id).textContent()).toContain(`${DOCS} / ${DOCS}`);
  await shot('models-retag-jobs-reloaded');

  // in English too
  await signedInAs(page, e2e.server.base, pageKey, 'en');
  await openRoute(page, e2e.server.base, '#/models', `.retag-jobs .retag-job[data-job-id="${id}"][data-status=done]`);
  expect(await page.textContent('.retag-jobs h3')).toBe('Re-tag jobs');
  expect(await job(id).locator('strong').textContent()).toBe('Re-tag after a lexicon change');
  expect(await job(id).locator('.retag-job-status').textContent()).toBe('Done');
  expect(await job(second.body.id).locator('.retag-job-scope').textContent()).toBe('Channel: web');
}, 180_000);
