import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { type Doc, getDoc, ingest, openRoute, selectText, signedInAs, type Tag, waitDone, waitSettled } from './console-helpers.js';
import { openPage, waitFor, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Adding a tag from the keyboard alone, in the labeling queue and on the document page: the words used
// to be chosen only by a mouse selection or by clicking characters, which Tab never reached (n said
// "select some text first"). Now the text becomes a focusable region with a caret: ←/→ move it by code
// point (an emoji is one step and never split, spans are UTF-16 offsets), Shift extends it within one
// customer turn, Home/End, Enter opens the same form a selection opens, Escape cancels and gives focus
// back. What was added is read back from the API and must slice to the words chosen.

const EMOJI_COMMENT = '😀😀👍等了一个星期，快递太慢了，客服态度还行。';
const DOC_COMMENT = '🙂🙂价格还算便宜，🚚物流很慢，包装也破了。';
const TURNS = [
  { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
  { speaker: 'customer', text: '😡我家宽带很卡。' },
  { speaker: 'agent', text: '非常抱歉，我帮您查一下。' },
  { speaker: 'customer', text: '🙏一直断线，售后也不来修。' },
];

const e2e = useConsole();
let page: Page;
const ids: Record<string, string> = {};
const pageErrors: string[] = [];
/** Correction requests the page sent, to tell that Escape sent none. */
const corrections: string[] = [];

const codePoints = (s: string) => [...s].length;
const active = () =>
  page.evaluate(`(() => { const a = document.activeElement; return a ? { tag: a.tagName, region: a.hasAttribute('data-pick-region'), action: a.getAttribute('data-action'), role: a.getAttribute('role'), checked: a.getAttribute('aria-checked') } : null; })()`) as Promise<{
    tag: string;
    region: boolean;
    action: string | null;
    role: string | null;
    checked: string | null;
  } | null>;
const said = () => page.evaluate(`[...document.querySelectorAll('[data-pick-said]')].map((e) => e.textContent).join('')`) as Promise<string>;
const caretText = () => page.evaluate(`document.querySelector('[data-pick-region] .ch-caret')?.textContent ?? null`) as Promise<string | null>;
const press = async (key: string, times = 1) => {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
};

async function queueDoc(id: string) {
  await page.goto(`${e2e.server.base}/#/label?doc=${id}`);
  await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(id)}`);
  await page.waitForSelector('.label-text [data-text-root]');
  // keys go to the page, as when nothing is focused
  await page.evaluate('document.activeElement?.blur()');
}

/**
 * From the add form the keyboard-chosen span opened (focus on its polarity): polarity by Shift+Tab and
 * Enter, the category by Tab and ↓ in the select, then Tab to 添加 and Enter. Returns the tag added.
 */
async function fillFormByKeys(docId: string, before: Doc, quote: string): Promise<Tag> {
  await page.waitForSelector('.add-tag .add-tag-text');
  expect(await page.textContent('.add-tag .add-tag-text')).toBe(quote);
  // the form took focus, on the polarity chosen so far (neutral)
  expect(await active()).toMatchObject({ role: 'radio', checked: 'true' });
  await press('Shift+Tab');
  await press('Enter');
  expect(await page.getAttribute('.add-tag [data-polarity=negative]', 'aria-checked')).toBe('true');
  await press('Tab', 2);
  expect((await active())?.tag).toBe('SELECT');
  await press('ArrowDown');
  await press('Tab');
  expect(await active()).toMatchObject({ action: 'add-tag' });
  await press('Enter');
  return waitFor(
    'the added tag',
    async () => {
      const d = await getDoc(e2e.api, docId);
      return d.tags.find((x) => x.source === 'human' && !before.tags.some((b) => b.id === x.id)) ?? null;
    },
    15_000,
  );
}

describe('choosing a new tag’s words with the keyboard alone (real server, chromium)', () => {
  beforeAll(async () => {
    ids.queue = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'kbd-queue', text: EMOJI_COMMENT });
    ids.doc = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'kbd-doc', text: DOC_COMMENT });
    ids.escape = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'kbd-escape', text: EMOJI_COMMENT });
    ids.mouse = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'kbd-mouse', text: DOC_COMMENT });
    ids.selected = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'kbd-selected', text: EMOJI_COMMENT });
    ids.feed = await ingest(e2e.api, { kind: 'comment', source: 'kbd-feed', externalId: 'kbd-feed', text: DOC_COMMENT });
    ids.call = await ingest(e2e.api, { kind: 'transcript', source: 'call-center', externalId: 'kbd-call', turns: TURNS });
    ids.docCall = await ingest(e2e.api, { kind: 'transcript', source: 'call-center', externalId: 'kbd-doc-call', turns: TURNS });
    for (const id of Object.values(ids)) await waitDone(e2e.api, id);
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 900 }, { errors: pageErrors }));
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/corrections')) corrections.push(r.url());
    });
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
  }, 120_000);

  test('queue: n with nothing selected puts a caret in the text; → steps over emoji, Shift+→ extends, Enter opens the form', async () => {
    const before = await getDoc(e2e.api, ids.queue!);
    await queueDoc(ids.queue!);
    await press('n');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    // no "select some text first" any more
    expect(await page.textContent('.save-state')).not.toContain('请先在文本中选中');
    const region = await page.evaluate(`(() => { const r = document.activeElement; return { role: r.getAttribute('role'), label: r.getAttribute('aria-label'), tabIndex: r.tabIndex }; })()`);
    expect(region).toMatchObject({ role: 'application', tabIndex: 0 });
    expect((region as { label: string }).label).toContain('Shift+←/→');
    // the caret starts on the first character, an emoji, whole
    expect(await caretText()).toBe('😀');
    expect(await said()).toBe('光标在“😀”');
    // and it shows: the caret's character is boxed while the text has focus
    expect(await page.evaluate(`getComputedStyle(document.querySelector('[data-pick-region] .ch-caret')).outlineStyle`)).toBe('solid');

    const word = '快递太慢';
    const start = EMOJI_COMMENT.indexOf(word);
    await press('ArrowRight', codePoints(EMOJI_COMMENT.slice(0, start)));
    expect(await caretText()).toBe('快');
    await press('Shift+ArrowRight', codePoints(word) - 1);
    expect(await said()).toBe(`已选 4 个字：“${word}”`);
    // the page's shortcuts wait while words are chosen: a does not accept the document
    await press('a');
    expect((await getDoc(e2e.api, ids.queue!)).reviewed).toBe(false);
    await press('Enter');
    const added = await fillFormByKeys(ids.queue!, before, word);
    expect(added.span).toEqual({ start, end: start + word.length });
    expect(EMOJI_COMMENT.slice(added.span.start, added.span.end)).toBe(word);
    expect(added).toMatchObject({ polarity: 'negative', source: 'human' });
    expect(added.turnIndex ?? null).toBeNull();
    expect(pageErrors).toEqual([]);
  });

  test('queue: in a transcript the caret only visits customer turns and a range stays within one', async () => {
    const before = await getDoc(e2e.api, ids.call!);
    await queueDoc(ids.call!);
    await press('n');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    expect(await page.getAttribute('[data-pick-region]', 'aria-label')).toContain('客户');
    // the first customer turn (1), not the agent's greeting
    expect(await caretText()).toBe('😡');
    await waitForPage(page, `!!document.querySelector('.turn[data-turn="1"] .ch-caret')`, 5_000);
    // End, then → goes past the agent's turn 2 into the customer's turn 3
    await press('End');
    expect(await caretText()).toBe('。');
    await press('ArrowRight');
    expect(await page.locator('.turn[data-turn="3"] .ch-caret').count()).toBe(1);
    expect(await caretText()).toBe('🙏');
    // ← goes back the same way
    await press('ArrowLeft');
    expect(await page.locator('.turn[data-turn="1"] .ch-caret').count()).toBe(1);
    await press('ArrowRight');

    const turn = TURNS[3]!.text;
    const word = '售后也不来修。';
    const start = turn.indexOf(word);
    await press('ArrowRight', codePoints(turn.slice(0, start)));
    expect(await caretText()).toBe('售');
    // Shift+End, then Shift+→ at the turn's end: the range stays in turn 3
    await press('Shift+End');
    await press('Shift+ArrowRight', 2);
    expect(await page.locator('.turn:not([data-turn="3"]) .ch-key').count()).toBe(0);
    expect(await said()).toBe(`已选 ${codePoints(word)} 个字：“${word}”`);
    await press('Enter');

    const added = await fillFormByKeys(ids.call!, before, word);
    expect(added.turnIndex).toBe(3);
    expect(turn.slice(added.span.start, added.span.end)).toBe(word);
    expect(added.span).toEqual({ start, end: turn.length });
    expect(pageErrors).toEqual([]);
  });

  test('document page: + 新建标签 pressed from the keyboard, Home/End and Shift+← choose a range with an emoji in it', async () => {
    const before = await getDoc(e2e.api, ids.doc!);
    await openRoute(page, e2e.server.base, `#/doc/${ids.doc}`, '.doc-label [data-action=new-tag]');
    await page.focus('.doc-label [data-action=new-tag]');
    await press('Enter');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    expect(await caretText()).toBe('🙂');

    // "🚚物流很慢": from the end, ← to 慢 then Shift+← back over 很, 流, 物 and the truck emoji
    const word = '🚚物流很慢';
    const start = DOC_COMMENT.indexOf(word);
    const end = start + word.length;
    await press('End');
    expect(await caretText()).toBe('。');
    await press('ArrowLeft', codePoints(DOC_COMMENT.slice(end - 1)) - 1);
    expect(await caretText()).toBe('慢');
    await press('Shift+ArrowLeft', codePoints(word) - 1);
    expect(await caretText()).toBe('🚚');
    expect(await said()).toBe(`已选 5 个字：“${word}”`);
    // Home and back: Shift+Home extends to the start, Shift+→ shrinks it again
    await press('Shift+Home');
    expect(await said()).toContain(DOC_COMMENT.slice(0, end));
    await press('Shift+ArrowRight', codePoints(DOC_COMMENT.slice(0, start)));
    expect(await said()).toBe(`已选 5 个字：“${word}”`);
    await press('Enter');

    const added = await fillFormByKeys(ids.doc!, before, word);
    expect(added.span).toEqual({ start, end });
    expect(DOC_COMMENT.slice(added.span.start, added.span.end)).toBe(word);
    // the form closed: focus is back on the button it was started from
    await waitForPage(page, `document.activeElement?.getAttribute('data-action') === 'new-tag'`, 10_000);
    expect(pageErrors).toEqual([]);
  });

  test('feed card: + pressed from the keyboard, a range chosen by keys becomes the tag; focus returns to +', async () => {
    const before = await getDoc(e2e.api, ids.feed!);
    const card = `.feed-card[data-doc-id="${ids.feed}"]`;
    await openRoute(page, e2e.server.base, '#/feed?channel=kbd-feed', `${card} .chip-add`);
    await page.focus(`${card} .chip-add`);
    await press('Enter');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region') && !!document.activeElement.closest('${card}')`, 5_000);
    expect(await caretText()).toBe('🙂');
    const word = '价格还算便宜';
    const start = DOC_COMMENT.indexOf(word);
    await press('ArrowRight', codePoints(DOC_COMMENT.slice(0, start)));
    expect(await caretText()).toBe('价');
    await press('Shift+ArrowRight', codePoints(word) - 1);
    expect(await said()).toBe(`已选 6 个字：“${word}”`);
    await press('Enter');

    const added = await fillFormByKeys(ids.feed!, before, word);
    expect(added.span).toEqual({ start, end: start + word.length });
    expect(DOC_COMMENT.slice(added.span.start, added.span.end)).toBe(word);
    await waitForPage(page, `document.activeElement?.classList.contains('chip-add') && !!document.activeElement.closest('${card}')`, 10_000);
    expect(pageErrors).toEqual([]);
  });

  test('document page: a transcript customer turn by keyboard; the region says how it works in English too', async () => {
    const before = await getDoc(e2e.api, ids.docCall!);
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
    await openRoute(page, e2e.server.base, `#/doc/${ids.docCall}`, '.doc-label [data-action=new-tag]');
    await page.focus('.doc-label [data-action=new-tag]');
    await press('Space');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    const label = (await page.getAttribute('[data-pick-region]', 'aria-label'))!;
    expect(label).toContain('customer');
    expect(label).toContain('Enter');
    expect(label).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await said()).toBe('Caret on "😡"');

    const turn = TURNS[1]!.text;
    const word = '宽带很卡';
    const start = turn.indexOf(word);
    await press('ArrowRight', codePoints(turn.slice(0, start)));
    await press('Shift+ArrowRight', 3);
    expect(await said()).toBe(`4 characters selected: "${word}"`);
    await press('Enter');
    const added = await fillFormByKeys(ids.docCall!, before, word);
    expect(added.turnIndex).toBe(1);
    expect(turn.slice(added.span.start, added.span.end)).toBe(word);
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
  });

  test('queue: while a new tag is being added, 1/2/3 leave the selected tag alone', async () => {
    const before = await getDoc(e2e.api, ids.selected!);
    const tag = before.tags[0]!;
    await page.goto(`${e2e.server.base}/#/label?doc=${ids.selected}`);
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(ids.selected)}`);
    await page.click(`.tag-row[data-tag-id="${tag.id}"]`);
    await page.waitForSelector(`.tag-row.selected[data-tag-id="${tag.id}"]`);
    await page.evaluate('document.activeElement?.blur()');
    await press('n');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    const other = tag.polarity === 'positive' ? '2' : '1';
    // while the words are chosen, and once the form is open
    await press(other);
    await press('Shift+ArrowRight');
    await press('Enter');
    await page.waitForSelector('.add-tag .add-tag-text');
    await press(other);
    await press('Escape');
    await page.waitForSelector('.add-tag', { state: 'detached' });
    // a request sent by those keys has landed by now: the page's own status says nothing is pending
    await waitForPage(page, `!document.querySelector('.save-state[data-pending="1"]')`);
    const after = await getDoc(e2e.api, ids.selected!);
    expect(after.reviewed).toBe(false);
    expect(after.tags.map((x) => [x.id, x.polarity, x.source])).toEqual(before.tags.map((x) => [x.id, x.polarity, x.source]));
  });

  test('Escape cancels without a request and gives focus back: to the page after n, to the button it was started from', async () => {
    const before = await getDoc(e2e.api, ids.escape!);
    await queueDoc(ids.escape!);
    corrections.length = 0;
    await press('n');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    await press('ArrowRight', 3);
    await press('Shift+ArrowRight', 2);
    await press('Escape');
    await page.waitForSelector('.label-actions .add-tag', { state: 'detached' });
    expect(await page.locator('[data-pick-region]').count()).toBe(0);
    expect(await page.evaluate('document.activeElement === document.body')).toBe(true);

    // the new-tag button pressed from the keyboard; Escape after Enter chose a span (focus in the form) cancels too
    await page.focus('.label-actions [data-action=new-tag]');
    await press('Enter');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    await press('Escape');
    await waitForPage(page, `document.activeElement?.getAttribute('data-action') === 'new-tag'`, 5_000);
    await press('Enter');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    await press('Shift+ArrowRight');
    await press('Enter');
    await page.waitForSelector('.add-tag .add-tag-text');
    await press('Escape');
    await page.waitForSelector('.label-actions .add-tag', { state: 'detached' });
    await waitForPage(page, `document.activeElement?.getAttribute('data-action') === 'new-tag'`, 5_000);

    // document page: the same, back to + 新建标签
    await openRoute(page, e2e.server.base, `#/doc/${ids.escape}`, '.doc-label [data-action=new-tag]');
    await page.focus('.doc-label [data-action=new-tag]');
    await press('Enter');
    await waitForPage(page, `document.activeElement?.hasAttribute('data-pick-region')`, 5_000);
    await press('Shift+End');
    await press('Escape');
    await page.waitForSelector('.doc-label .add-tag', { state: 'detached' });
    await waitForPage(page, `document.activeElement?.getAttribute('data-action') === 'new-tag'`, 5_000);

    // a correction sent on the way would be a request in flight until answered: settled means none is
    await waitSettled(page);
    expect(corrections).toEqual([]);
    const after = await getDoc(e2e.api, ids.escape!);
    expect(after.tags.map((x) => x.id).sort()).toEqual(before.tags.map((x) => x.id).sort());
    expect(after.reviewed).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  test('the mouse still works: a click on + shows no caret until the keyboard reaches the text, a selection becomes the tag', async () => {
    const before = await getDoc(e2e.api, ids.mouse!);
    await openRoute(page, e2e.server.base, `#/doc/${ids.mouse}`, '.doc-label [data-action=new-tag]');
    await page.click('.doc-label [data-action=new-tag]');
    await page.waitForSelector('.doc-label .add-tag-hint');
    // a Tab stop now, but a mouse start leaves focus and the caret alone
    expect(await page.getAttribute('.doc-card [data-text-root]', 'tabindex')).toBe('0');
    expect(await page.locator('.ch-caret').count()).toBe(0);
    expect((await active())?.region).toBe(false);

    const word = '包装也破了';
    const start = DOC_COMMENT.indexOf(word);
    await selectText(page, '.doc-card [data-text-root]', start, start + word.length);
    await page.dispatchEvent('.doc-card', 'mouseup');
    await page.waitForSelector('.add-tag .add-tag-text');
    expect(await page.textContent('.add-tag .add-tag-text')).toBe(word);
    expect(await page.locator('.ch-caret').count()).toBe(0);
    const category = (await page.evaluate(`document.querySelector('.add-tag select option:not([disabled])').value`)) as string;
    await page.selectOption('.add-tag select', category);
    await page.click('.add-tag [data-action=add-tag]');
    const added = await waitFor(
      'the added tag',
      async () => {
        const d = await getDoc(e2e.api, ids.mouse!);
        return d.tags.find((x) => x.source === 'human' && !before.tags.some((b) => b.id === x.id)) ?? null;
      },
      15_000,
    );
    expect(added.span).toEqual({ start, end: start + word.length });
    expect(added.category).toBe(category);

    // and tapping characters: first and last of 价格
    await page.click('.doc-label [data-action=new-tag]');
    const p = DOC_COMMENT.indexOf('价格');
    await page.click(`.doc-card [data-ch="${p}"]`);
    await page.click(`.doc-card [data-ch="${p + 1}"]`);
    await page.waitForSelector('.add-tag .add-tag-text');
    expect(await page.textContent('.add-tag .add-tag-text')).toBe('价格');
    expect(await page.locator('.ch-caret').count()).toBe(0);
    await page.click('.add-tag [data-action=cancel-add]');
    expect(pageErrors).toEqual([]);
  });
});
