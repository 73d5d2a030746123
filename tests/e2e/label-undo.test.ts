import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { getDoc, ingest, signIn, waitDone, type Doc, type Tag } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Undo in the labeling queue against a real server: 1 on a negative machine tag and then u puts the
// tag back as the model wrote it and the document back in the queue; it used to send a counter-update,
// which left the tag a labeler's (人工), the document reviewed and out of the queue, and a correction
// for retraining though nothing had changed.

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];

const machine = (t: Tag & Record<string, unknown>) => ({ polarity: t.polarity, category: t.category, source: t.source, confidence: t.confidence, modelVersion: t.modelVersion });

async function newDoc(externalId: string): Promise<Doc> {
  const id = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId, text: '信号很差，网络卡顿' });
  const doc = await waitDone(e2e.api, id);
  expect(doc.tags.length, 'the analyzer tagged nothing in the sample').toBeGreaterThan(0);
  expect(doc.tags.every((t) => t.polarity === 'negative' && t.source !== 'human')).toBe(true);
  return doc;
}

async function inQueue(id: string): Promise<boolean> {
  const res = await e2e.api<{ items: { id: string }[] }>('GET', '/v1/labeling/queue?limit=1000');
  return res.body.items.some((d) => d.id === id);
}

async function openInQueue(doc: Doc, tag: Tag) {
  await page.goto(`${e2e.server.base}/#/label?doc=${doc.id}`);
  await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(doc.id)}`);
  await page.click(`.tag-row[data-tag-id="${tag.id}"]`);
  await page.waitForSelector(`.tag-row.selected[data-tag-id="${tag.id}"]`);
  // keys go to the page, not to the aspect field the selected row shows
  await page.evaluate('document.activeElement.blur()');
}

const waitSaved = () => page.waitForSelector('.save-state[data-pending="0"]', { timeout: 15_000 });
const rowText = (tag: Tag) => page.locator(`.tag-row[data-tag-id="${tag.id}"] .tag-row-meta`).textContent();
const reviewedBadge = () => page.locator('.label-main .toolbar .badge-ok').count();

describe('undo in the labeling queue (real server, chromium)', () => {
  beforeAll(async () => {
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/label');
  }, 120_000);

  test('1 then u: the tag is the machine tag again, the document unreviewed and back in the queue', async () => {
    const doc = await newDoc('undo-1');
    const tag = doc.tags[0]!;
    expect(await inQueue(doc.id)).toBe(true);
    await openInQueue(doc, tag);
    expect(await rowText(tag)).not.toContain('人工');

    await page.keyboard.press('1');
    await waitSaved();
    const corrected = await getDoc(e2e.api, doc.id);
    expect(corrected.tags.find((t) => t.id === tag.id)).toMatchObject({ polarity: 'positive', source: 'human' });
    expect(corrected.reviewed).toBe(true);
    expect(await inQueue(doc.id)).toBe(false);
    await waitForPage(page, `document.querySelector('.tag-row[data-tag-id="${tag.id}"] .tag-row-meta')?.textContent.includes('人工')`);
    expect(await reviewedBadge()).toBe(1);

    await page.keyboard.press('u');
    await waitSaved();
    const undone = await getDoc(e2e.api, doc.id);
    expect(machine(undone.tags.find((t) => t.id === tag.id)! as never)).toEqual(machine(tag as never));
    expect(undone.reviewed).toBe(false);
    expect(await inQueue(doc.id)).toBe(true);
    // the page shows what the server now says
    await waitForPage(page, `!document.querySelector('.tag-row[data-tag-id="${tag.id}"] .tag-row-meta')?.textContent.includes('人工')`);
    expect(await rowText(tag)).toContain('负向');
    expect(await reviewedBadge()).toBe(0);
    expect(await page.locator('.save-state').textContent()).not.toContain('错误');

    // u again: nothing left to undo, and nothing changes
    await page.keyboard.press('u');
    await waitSaved();
    expect(await page.locator('.save-state').textContent()).toContain('没有可撤销的操作');
    expect((await getDoc(e2e.api, doc.id)).reviewed).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  test('u pressed right after 1, before the correction is saved, still undoes it', async () => {
    const doc = await newDoc('undo-2');
    const tag = doc.tags[0]!;
    await openInQueue(doc, tag);
    await page.keyboard.press('1');
    await page.keyboard.press('u');
    await waitSaved();
    const undone = await getDoc(e2e.api, doc.id);
    expect(machine(undone.tags.find((t) => t.id === tag.id)! as never)).toEqual(machine(tag as never));
    expect(undone.reviewed).toBe(false);
    expect(await inQueue(doc.id)).toBe(true);
  });

  test('accept all stays: u after a stops there and the document stays reviewed', async () => {
    const doc = await newDoc('undo-3');
    const tag = doc.tags[0]!;
    await openInQueue(doc, tag);
    await page.keyboard.press('1');
    await page.keyboard.press('a');
    await waitSaved();
    await page.keyboard.press('u');
    await waitSaved();
    expect(await page.locator('.save-state').textContent()).toContain('无法撤销');
    const after = await getDoc(e2e.api, doc.id);
    expect(after.reviewed).toBe(true);
    expect(after.tags.find((t) => t.id === tag.id)).toMatchObject({ polarity: 'positive', source: 'human' });
  });
});
