import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { AnalyzerPool } from '../../src/worker/analyzer-pool.js';
import { createDocumentProcessor } from '../../src/worker/process-document.js';
import { ADMIN_KEY, bearer, listenOnLoopback, startRuntime, type TestRuntime } from '../helpers/runtime.js';
import { signIn } from './console-helpers.js';
import { launchChromium, openPage, waitFor, waitForPage } from './server-harness.js';

// A document a re-tag has queued again keeps its tags until its job writes new ones, and takes
// corrections meanwhile (tests/api/corrections-during-retag.test.ts). Its page hid the labeling tools
// for any status but done, so a labeler who opened it during a re-tag could not correct it.
// The service runs in this process without a worker (the document is tagged once by its real job, run
// by hand), listening on a port for the browser, so the re-tag leaves the document queued.

let rt: TestRuntime;
let pool: AnalyzerPool;
let server: Awaited<ReturnType<typeof listenOnLoopback>> | undefined;
let browser: Browser;
let page: Page;
let id: string;
let tagIds: string[];

beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
  pool = await AnalyzerPool.start({ lexiconDir: 'lexicons', modelDir: 'models/current' }, 1, createLogger('silent'));
  const res = await rt.http.post('/v1/documents').set(bearer(ADMIN_KEY)).send({ kind: 'comment', source: 'app', externalId: 'retag-label-1', text: '网速太慢了，客服态度也很差' }).expect(202);
  id = res.body.id as string;
  await createDocumentProcessor({ store: rt.services.store, pool, logger: createLogger('silent'), leaseMs: 60_000 })(id, { attempt: 1, final: false });
  tagIds = (await rt.services.store.tags.byDocument(id)).map((t) => t._id);
  expect(tagIds.length, 'the sample has no tags').toBeGreaterThanOrEqual(2);
  await rt.http.post('/v1/retag-jobs').set(bearer(ADMIN_KEY)).send({ channel: 'app' }).expect(202);
  expect((await rt.services.store.documents.findById(id))!.status).toBe('queued');

  server = await listenOnLoopback(rt);
  browser = await launchChromium();
  ({ page } = await openPage(browser, { width: 1366, height: 768 }));
  await signIn(page, server.url, ADMIN_KEY, '#/feed');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pool?.close();
  await rt?.close();
});

test('a document queued by a re-tag shows its labeling tools, and a tag deleted there is gone', async () => {
  await page.evaluate(`location.hash = '#/doc/${id}'`);
  await waitForPage(page, `document.querySelector('.doc-page .toolbar .mono')?.textContent === ${JSON.stringify(id)}`);
  expect(await page.locator('.doc-page dl').textContent()).toContain('排队中');
  const tagId = tagIds[0]!;
  await page.click(`.doc-page tr[data-tag-id="${tagId}"] td`);
  await page.click(`.doc-label .tag-actions[data-tag-id="${tagId}"] [data-action=delete-tag]`);
  await waitFor('the tag deleted', async () => !(await rt.services.store.tags.byDocument(id)).some((t) => t._id === tagId));
  expect((await rt.services.store.tags.byDocument(id)).map((t) => t._id)).toEqual(tagIds.slice(1));
  expect((await rt.services.store.corrections.byDocument(id)).map((c) => [c.op, c.tagId])).toEqual([['delete', tagId]]);
  expect((await rt.services.store.documents.findById(id))!.status).toBe('queued');
});
