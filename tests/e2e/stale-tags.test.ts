import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { getDoc, ingest, signIn, waitDone, type Doc } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// A document stays open while a re-tag or another labeler changes its tags. The console sends the
// tagsVersion it was shown with every correction; when the tags changed since, the server refuses it
// (409, nothing saved) and the console says so and shows the tags as they are now. Before, an accept
// confirmed tags the labeler had never seen, and an action on a tag that was gone failed with a bare
// "conflicts with the current state". Real server, Chromium.

const e2e = useConsole();
let page: Page;

async function newDoc(externalId: string, text: string): Promise<Doc> {
  const doc = await waitDone(e2e.api, await ingest(e2e.api, { kind: 'comment', source: 'app', externalId, text }));
  expect(doc.tags.length, 'the analyzer tagged nothing in the sample').toBeGreaterThan(0);
  return doc;
}

/** Someone else's change, through the API, while the page shows the document as it was. */
async function changeBehindTheirBack(doc: Doc): Promise<string> {
  const tag = doc.tags[0]!;
  const res = await e2e.api<Doc>('POST', `/v1/documents/${doc.id}/corrections`, { actions: [{ op: 'update', tagId: tag.id, polarity: tag.polarity === 'negative' ? 'positive' : 'negative' }] });
  expect(res.status).toBe(200);
  return tag.id;
}

/** The correction requests the service took on the document (audit entries `correction.apply`), oldest first. */
async function applied(id: string): Promise<string[][]> {
  const res = await e2e.api<{ items: { target: string; details: { ops: string[] } }[] }>('GET', '/v1/audit?action=correction.apply&limit=100');
  expect(res.status).toBe(200);
  return res.body.items.filter((e) => e.target === id).map((e) => e.details.ops).reverse();
}

describe('corrections against tags that changed since the page loaded (real server, chromium)', () => {
  beforeAll(async () => {
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
  }, 120_000);

  test('document page: a delete is refused with the reason, nothing is saved, and the current tags are shown', async () => {
    const doc = await newDoc('stale-doc', '网速太慢了，客服态度也很差');
    await page.evaluate(`location.hash = '#/doc/${doc.id}'`);
    await waitForPage(page, `document.querySelector('.doc-page .toolbar .mono')?.textContent === ${JSON.stringify(doc.id)}`);
    const tagId = await changeBehindTheirBack(doc);
    const changed = await getDoc(e2e.api, doc.id);

    await page.click(`.doc-page tr[data-tag-id="${tagId}"] td`);
    await page.click(`.doc-label .tag-actions[data-tag-id="${tagId}"] [data-action=delete-tag]`);
    await page.waitForSelector('.save-state.err .error-text');
    expect(await page.locator('.save-state.err').textContent()).toContain('打开后标签已变化');
    // not deleted: the other change stands, and the page now shows it
    expect(await getDoc(e2e.api, doc.id)).toMatchObject({ tagsVersion: changed.tagsVersion });
    await waitForPage(page, `document.querySelector('.doc-page tr[data-tag-id="${tagId}"]')?.textContent.includes('人工')`);
    // the next delete, on what is shown now, goes through
    await page.click(`.doc-page tr[data-tag-id="${tagId}"] td`);
    await page.click(`.doc-label .tag-actions[data-tag-id="${tagId}"] [data-action=delete-tag]`);
    await waitForPage(page, `!document.querySelector('.doc-page tr[data-tag-id="${tagId}"]')`);
    expect((await getDoc(e2e.api, doc.id)).tags.map((t) => t.id)).not.toContain(tagId);
    expect(await applied(doc.id)).toEqual([['update'], ['delete']]);
  });

  test('labeling queue: an accept is refused, and the queue goes back to the document with its current tags', async () => {
    const doc = await newDoc('stale-queue', '信号很差，网络卡顿');
    await newDoc('stale-queue-next', '外卖送得太慢了');
    await page.goto(`${e2e.server.base}/#/label?doc=${doc.id}`);
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(doc.id)}`);
    const tagId = await changeBehindTheirBack(doc);
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('a');
    await page.waitForSelector('.save-state.err');
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(doc.id)}`);
    expect(await page.locator('.save-state').textContent()).toContain('打开后标签已变化');
    await waitForPage(page, `document.querySelector('.tag-row[data-tag-id="${tagId}"]')?.textContent.includes('人工')`);
    // the accept was not taken; taken again on the tags shown now, it is
    expect(await applied(doc.id)).toEqual([['update']]);
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('a');
    await page.waitForSelector('.save-state[data-pending="0"]:not(.err)');
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent !== ${JSON.stringify(doc.id)}`);
    expect(await applied(doc.id)).toEqual([['update'], ['accept']]);
  });
});
