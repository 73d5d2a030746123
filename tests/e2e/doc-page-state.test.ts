import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { getDoc, ingest, signIn, waitDone, type Doc } from './console-helpers.js';
import { openPage, waitFor, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The document page and the labeling queue against a real server: what one document's page shows must
// not leak into the next one's (it kept 已保存 and the new-tag form), a document without tags says so
// once and offers its accept as "no opinion here", and the queue shows a survey answer's score and
// question as the feed and the document page do.

const e2e = useConsole();
let page: Page;
const docs: Record<string, Doc> = {};
const pageErrors: string[] = [];

const saveState = () => page.locator('.doc-page .save-state').textContent();

async function openDoc(id: string) {
  await page.evaluate(`location.hash = '#/doc/${id}'`);
  await waitForPage(page, `document.querySelector('.doc-page .toolbar .mono')?.textContent === ${JSON.stringify(id)}`);
}

/** How many times `text` is the whole text of an element under `root`. */
async function shown(root: string, text: string): Promise<number> {
  return (await page.evaluate(
    `[...document.querySelectorAll(${JSON.stringify(`${root} *`)})].filter((e) => e.children.length === 0 && e.textContent.trim() === ${JSON.stringify(text)}).length`,
  )) as number;
}

describe('document page state and empty documents (real server, chromium)', () => {
  beforeAll(async () => {
    const samples: Record<string, Record<string, unknown>> = {
      a: { kind: 'comment', source: 'app', externalId: 'state-a', text: '快递太慢了，包装也破了。' },
      b: { kind: 'comment', source: 'app', externalId: 'state-b', text: '信号很差，网络卡顿。' },
      empty: { kind: 'comment', source: 'app', externalId: 'state-empty', text: '123456' },
      survey: {
        kind: 'survey',
        source: 'wechat-survey',
        externalId: 'state-survey',
        scale: 'nps',
        score: 3,
        question: '您向朋友推荐我们的可能性有多大？',
        text: '套餐价格太贵了，客服态度也不好。',
      },
    };
    for (const [k, body] of Object.entries(samples)) docs[k] = await waitDone(e2e.api, await ingest(e2e.api, body));
    expect(docs.a!.tags.length, 'sample a has no tags').toBeGreaterThan(0);
    expect(docs.b!.tags.length, 'sample b has no tags').toBeGreaterThan(0);
    expect(docs.empty!.tags, 'the empty sample got tags').toEqual([]);
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 768 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/feed');
  }, 120_000);

  test('the next document starts clean: no 已保存, no selected tag, no new-tag form from the one before', async () => {
    await openDoc(docs.a!.id);
    await page.click('.doc-label [data-action=accept]');
    await waitForPage(page, `document.querySelector('.doc-page .save-state')?.textContent === '已保存'`);
    const tag = docs.a!.tags[0]!;
    await page.click(`.doc-page tr[data-tag-id="${tag.id}"] td`);
    await page.waitForSelector(`.doc-label .tag-actions[data-tag-id="${tag.id}"]`);
    await page.click('.doc-label [data-action=new-tag]');
    await page.waitForSelector('.doc-label .add-tag');

    await openDoc(docs.b!.id);
    expect((await getDoc(e2e.api, docs.b!.id)).reviewed).toBe(false);
    expect(await saveState()).toBe('');
    expect(await page.locator('.doc-label .add-tag').count()).toBe(0);
    expect(await page.locator('.doc-label .tag-actions').count()).toBe(0);
    expect(await page.locator('.doc-page tr.row-selected').count()).toBe(0);
    expect(await page.textContent('.doc-page .meta [data-reviewed]')).toBe('否');

    // and back: A's page is A's as the server has it now (reviewed), again with nothing pending
    await openDoc(docs.a!.id);
    expect(await saveState()).toBe('');
    expect(await page.getAttribute('.doc-page .meta [data-reviewed]', 'data-reviewed')).toBe('true');
  });

  test('a document with no tags says 暂无标签 once and its accept reads 确认无观点', async () => {
    await page.goto(`${e2e.server.base}/#/doc/${docs.empty!.id}`);
    await waitForPage(page, `document.querySelector('.doc-page .toolbar .mono')?.textContent === ${JSON.stringify(docs.empty!.id)}`);
    expect(await shown('.doc-page', '暂无标签')).toBe(1);
    const accept = page.locator('.doc-label [data-action=accept]');
    expect((await accept.textContent())?.trim()).toBe('✓ 确认无观点');
    await accept.click();
    await waitFor('the empty document is reviewed', async () => ((await getDoc(e2e.api, docs.empty!.id)).reviewed ? true : null), 15_000);

    // the same in the labeling queue
    const other = await waitDone(e2e.api, await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'state-empty-2', text: '7890' }));
    expect(other.tags).toEqual([]);
    await page.goto(`${e2e.server.base}/#/label?doc=${other.id}`);
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(other.id)}`);
    expect(await shown('.label-main', '暂无标签')).toBe(1);
    expect((await page.textContent('.label-actions [data-action=accept]'))?.trim()).toBe('✓ 确认无观点');

    // in English too
    await page.evaluate(`localStorage.setItem('guandian.lang', 'en')`);
    await page.reload();
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(other.id)}`);
    expect(await shown('.label-main', 'No tags')).toBe(1);
    expect((await page.textContent('.label-actions [data-action=accept]'))?.trim()).toBe('✓ Confirm: no opinions');
    await page.evaluate(`localStorage.setItem('guandian.lang', 'zh')`);
    await page.reload();
    await page.waitForSelector('.label-main');
  });

  test('the labeling queue shows a survey answer with its score and question', async () => {
    const survey = docs.survey!;
    await page.goto(`${e2e.server.base}/#/label?doc=${survey.id}`);
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(survey.id)}`);
    const head = page.locator('.label-text .survey-head');
    await head.waitFor({ timeout: 5_000 });
    expect(await head.locator('.score').getAttribute('data-score')).toBe('3');
    expect(await head.locator('.survey-question').textContent()).toBe('您向朋友推荐我们的可能性有多大？');
    expect(pageErrors).toEqual([]);
  });
});
