import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { getDoc, ingest, waitDone, type Doc, type Tag } from './console-helpers.js';
import { SCREENSHOTS, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Labeling on a phone with no keyboard: a touch-emulated 390×844 context (hasTouch, isMobile) does
// every labeling action with tap() only — accept, polarity, category, delete, a new tag on a span —
// in the queue, on a feed card and on the document page, and each result is read back from the API.
// Every control tapped must be at least 44px high and must be the element under the finger.

const PHONE = { width: 390, height: 844 };
const CHANNEL_FEED = 'touch-feed';
const CUSTOMER_TURN = '我家宽带网络很卡，一直断线，售后也不来修。';

const e2e = useConsole();
const ids: Record<string, string> = {};
const pageErrors: string[] = [];

interface Audit {
  items: { action: string; target: string | null; details: { ops?: string[] } }[];
}

async function phone(): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await e2e.browser.newContext({ viewport: PHONE, locale: 'zh-CN', hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // The key is typed once (pasted, on a phone); everything after it is a tap.
  await page.goto(`${e2e.server.base}/`);
  await page.fill('input[name=apiKey]', e2e.server.adminKey);
  await page.tap('button[type=submit]');
  await page.waitForSelector('.topbar');
  return { ctx, page };
}

async function shot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Taps a control after checking it is visible and at least 44px high; tap() itself refuses a covered target. */
async function tap(target: Locator, what: string): Promise<void> {
  await target.waitFor({ state: 'visible', timeout: 15_000 });
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  expect(box, `${what} has no box`).not.toBeNull();
  expect(box!.height, `${what} is ${box!.height}px high`).toBeGreaterThanOrEqual(44);
  await target.tap();
}

async function fitsWidth(page: Page, where: string) {
  const w = (await page.evaluate('document.documentElement.scrollWidth')) as number;
  expect(w, `${where}: page is ${w}px wide`).toBeLessThanOrEqual(PHONE.width);
}

/** Polls the API until the document satisfies `ok`; the UI saves asynchronously after a tap. */
async function until(id: string, what: string, ok: (d: Doc) => boolean): Promise<Doc> {
  return waitFor(what, async () => {
    const d = await getDoc(e2e.api, id);
    return ok(d) ? d : null;
  }, 15_000);
}

/**
 * Two neighbouring Han characters for a new tag: preferably ones no tag covers yet, else any pair
 * that is not exactly an existing tag's span, so the added tag is plainly the labeler's.
 */
function freePair(text: string, tags: Tag[]): number {
  const pairs = [...text].map((_, i) => i).filter((i) => /^[\u4e00-\u9fff]{2}$/.test(text.slice(i, i + 2)));
  return (
    pairs.find((i) => !tags.some((t) => t.span.start < i + 2 && t.span.end > i)) ??
    pairs.find((i) => !tags.some((t) => t.span.start === i && t.span.end === i + 2)) ??
    -1
  );
}

function otherPolarity(p: Tag['polarity']): Tag['polarity'] {
  return p === 'negative' ? 'positive' : 'negative';
}

function otherCategory(c: string): string {
  return c === 'price' ? 'logistics' : 'price';
}

async function queueDoc(page: Page, id: string) {
  await page.goto(`${e2e.server.base}/#/label?doc=${id}`);
  await waitFor(`queue shows ${id}`, async () => (await page.textContent('.label-main .toolbar .mono').catch(() => null)) === id, 20_000);
}

describe('labeling by touch alone (real server, chromium touch emulation at 390×844)', () => {
  beforeAll(async () => {
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const comments: [string, string, string][] = [
      ['accept', 'app', '快递太慢了，等了一个星期，包装也破了。'],
      ['edit', 'app', '网络很卡，经常断线，客服态度很好，但是套餐价格太贵了。'],
      ['reject', 'app', '这个手机质量很差，用了两天就坏了，客服态度也不好。'],
      ['add', 'app', '物流很快，第二天就到了，包装也很严实，下次还会再买。'],
      ['feed', CHANNEL_FEED, '营业厅的工作人员态度很好，办理很快，但是排队时间太长了。'],
      ['undo-feed', 'touch-undo', '快递太慢了，客服态度也很差。'],
      ['undo-doc', 'app', '套餐价格太贵了，信号也很差。'],
    ];
    for (const [i, [key, source, text]] of comments.entries()) {
      ids[key] = await ingest(e2e.api, { kind: 'comment', source, externalId: `touch-${key}`, text, occurredAt: day(1 + i) });
    }
    ids.call = await ingest(e2e.api, {
      kind: 'transcript',
      source: 'call-center',
      externalId: 'touch-call',
      occurredAt: day(1),
      turns: [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: CUSTOMER_TURN },
      ],
    });
    for (const id of Object.values(ids)) await waitDone(e2e.api, id);
  }, 120_000);

  test('queue: accepting the machine tags is one tap', async () => {
    const before = await getDoc(e2e.api, ids.accept!);
    const machine = before.tags.filter((t) => t.source !== 'human');
    expect(machine.length, 'the analyzer tagged nothing to accept').toBeGreaterThan(0);
    expect(before.reviewed).toBe(false);
    const { ctx, page } = await phone();
    await queueDoc(page, ids.accept!);
    await shot(page, 'touch-label-queue');
    await tap(page.locator('.label-actions [data-action=accept]'), 'accept all');

    const after = await until(ids.accept!, 'document reviewed', (d) => d.reviewed);
    // The machine tags stay as they were: accepting confirms them, it does not turn them into human ones.
    for (const t of machine) {
      const now = after.tags.find((x) => x.id === t.id);
      expect(now, `machine tag ${t.id} disappeared`).toBeDefined();
      expect(now!.source).toBe(t.source);
      expect(now!.polarity).toBe(t.polarity);
      expect(now!.category).toBe(t.category);
    }
    // The audit entry is written after the correction (the document shows reviewed a moment before it).
    await waitFor('the accept in the audit log', async () => {
      const audit = await e2e.api<Audit>('GET', '/v1/audit?action=correction.apply&limit=200');
      return audit.body.items.some((a) => a.target === ids.accept && a.details.ops?.join() === 'accept') ? true : null;
    }, 15_000);
    // The buttons speak the page language.
    await tap(page.locator('[data-action=lang]'), 'language switch');
    await page.locator('.label-actions [data-action=accept]:has-text("Accept all")').waitFor();
    expect(await page.textContent('.label-actions [data-action=new-tag]')).toContain('New tag');
    await ctx.close();
  });

  test('queue: a tapped tag gets its polarity and category from buttons and the picker', async () => {
    const before = await getDoc(e2e.api, ids.edit!);
    expect(before.tags.length, 'need two tags to show that a tap selects one').toBeGreaterThanOrEqual(2);
    // The second tag in reading order, so the tap (not the default selection) picks it.
    const target = [...before.tags].sort((a, b) => a.span.start - b.span.start)[1]!;
    const polarity = otherPolarity(target.polarity);
    const category = otherCategory(target.category);
    const { ctx, page } = await phone();
    await queueDoc(page, ids.edit!);
    await tap(page.locator(`.tag-row[data-tag-id="${target.id}"]`), 'tag row');
    await page.waitForSelector(`.label-actions .tag-actions[data-tag-id="${target.id}"]`);
    await fitsWidth(page, 'queue with tag actions');

    await tap(page.locator(`.label-actions [data-action=polarity][data-polarity=${polarity}]`), `polarity ${polarity}`);
    await until(ids.edit!, 'polarity saved', (d) => d.tags.find((t) => t.id === target.id)?.polarity === polarity);
    await page.waitForSelector(`.tag-row[data-tag-id="${target.id}"] .chip[data-polarity=${polarity}]`);

    await tap(page.locator('.label-actions [data-action=category]'), 'category button');
    await page.waitForSelector('.picker');
    // No on-screen keyboard pops over the list: the filter field is not focused on a touch screen.
    expect(await page.evaluate(`document.activeElement?.classList.contains('picker-input') ?? false`)).toBe(false);
    await shot(page, 'touch-label-category-picker');
    await tap(page.locator(`.picker li[data-category=${category}]`), `category ${category}`);
    await page.locator('.picker').waitFor({ state: 'detached' });
    const after = await until(ids.edit!, 'category saved', (d) => d.tags.find((t) => t.id === target.id)?.category === category);
    const tag = after.tags.find((t) => t.id === target.id)!;
    expect(tag.polarity).toBe(polarity);
    expect(tag.source).toBe('human');
    // The other tags were left alone.
    for (const t of before.tags.filter((x) => x.id !== target.id)) {
      expect(after.tags.find((x) => x.id === t.id)?.polarity).toBe(t.polarity);
    }
    await ctx.close();
  });

  test('queue: a tapped tag is rejected with its delete button', async () => {
    const before = await getDoc(e2e.api, ids.reject!);
    expect(before.tags.length).toBeGreaterThanOrEqual(1);
    const victim = [...before.tags].sort((a, b) => a.span.start - b.span.start).at(-1)!;
    const { ctx, page } = await phone();
    await queueDoc(page, ids.reject!);
    await tap(page.locator(`.tag-row[data-tag-id="${victim.id}"]`), 'tag row');
    await page.waitForSelector(`.label-actions .tag-actions[data-tag-id="${victim.id}"]`);
    await tap(page.locator('.label-actions [data-action=delete-tag]'), 'delete');
    const after = await until(ids.reject!, 'tag deleted', (d) => !d.tags.some((t) => t.id === victim.id));
    expect(after.tags.length).toBe(before.tags.length - 1);
    expect(after.reviewed).toBe(true);
    await page.locator(`.tag-row[data-tag-id="${victim.id}"]`).waitFor({ state: 'detached' });
    // Undo is a button too: the tag comes back.
    await tap(page.locator('.label-actions [data-action=undo]'), 'undo');
    await until(ids.reject!, 'delete undone', (d) => d.tags.length === before.tags.length && d.tags.some((t) => t.span.start === victim.span.start && t.span.end === victim.span.end));
    await ctx.close();
  });

  test('queue: a new tag on a span chosen by tapping its first and last character', async () => {
    const before = await getDoc(e2e.api, ids.add!);
    const text = before.text!;
    const start = freePair(text, before.tags);
    expect(start, 'no untagged two-character run').toBeGreaterThanOrEqual(0);
    const end = start + 2;
    const { ctx, page } = await phone();
    await queueDoc(page, ids.add!);
    await tap(page.locator('.label-actions [data-action=new-tag]'), 'new tag');
    await page.locator('.label-actions .add-tag-hint').waitFor();
    // Last character first: the two taps make the span whichever way round they come.
    await tap(page.locator(`.label-text [data-text-root] [data-ch="${end - 1}"]`), 'last character');
    await tap(page.locator(`.label-text [data-text-root] [data-ch="${start}"]`), 'first character');
    expect(await page.textContent('.label-actions .add-tag-text')).toBe(text.slice(start, end));
    await fitsWidth(page, 'queue while adding');
    await tap(page.locator('.label-actions .add-tag [data-polarity=negative]'), 'polarity negative');
    await tap(page.locator('.label-actions [data-action=add-category]'), 'category button');
    await tap(page.locator('.picker li[data-category=logistics]'), 'category logistics');
    expect(await page.getAttribute('.label-actions [data-action=add-category]', 'data-category')).toBe('logistics');
    await shot(page, 'touch-label-add');
    await tap(page.locator('.label-actions [data-action=add-tag]'), 'add');
    // The new tag is the labeler's verdict on those words: a machine tag it overlaps (every Han pair of this
    // text is inside one) is replaced by it, so the count need not grow; wait for the finished state.
    const mine = (t: Tag) => t.source === 'human' && t.span.start === start && t.span.end === end;
    const overlapsMine = (t: Tag) => t.source !== 'human' && t.span.start < end && start < t.span.end;
    const after = await until(ids.add!, 'tag added', (d) => d.tags.some(mine) && !d.tags.some(overlapsMine));
    const added = after.tags.find(mine)!;
    expect(added.id, 'a new tag').not.toBe(before.tags.find((b) => b.span.start === start && b.span.end === end)?.id);
    expect(after.tags.filter((t) => !overlapsMine(t) && t !== added).map((t) => t.id).sort()).toEqual(before.tags.filter((t) => !overlapsMine(t)).map((t) => t.id).sort());
    expect(added.span).toEqual({ start, end });
    expect(added.opinion).toBe(text.slice(start, end));
    expect(added.polarity).toBe('negative');
    expect(added.category).toBe('logistics');
    expect(added.source).toBe('human');
    await page.waitForSelector(`.label-text mark[data-tag-id="${added.id}"][data-polarity=negative]`);
    await ctx.close();
  });

  test('feed card: tap a chip to change polarity, category or delete it; + and two taps add a tag', async () => {
    const before = await getDoc(e2e.api, ids.feed!);
    expect(before.tags.length, 'need two tags on the feed card').toBeGreaterThanOrEqual(2);
    const [edit, victim] = [...before.tags].sort((a, b) => a.span.start - b.span.start) as [Tag, Tag];
    const polarity = otherPolarity(edit.polarity);
    const category = otherCategory(edit.category);
    const { ctx, page } = await phone();
    await page.goto(`${e2e.server.base}/#/feed?channel=${CHANNEL_FEED}`);
    const card = page.locator(`.feed-card[data-doc-id="${ids.feed}"]`);
    await card.locator('[data-text-root]').waitFor();

    await tap(card.locator(`.chip[data-tag-id="${edit.id}"]`), 'chip');
    await card.locator(`.tag-actions[data-tag-id="${edit.id}"]`).waitFor();
    await fitsWidth(page, 'feed card with tag actions');
    await shot(page, 'touch-feed-tag-actions');
    await tap(card.locator(`.tag-actions [data-action=polarity][data-polarity=${polarity}]`), 'polarity');
    await until(ids.feed!, 'feed polarity saved', (d) => d.tags.find((t) => t.id === edit.id)?.polarity === polarity);
    await card.locator(`.chip[data-tag-id="${edit.id}"][data-polarity=${polarity}]`).waitFor();
    await tap(card.locator('.tag-actions [data-action=category]'), 'category button');
    await tap(page.locator(`.picker li[data-category=${category}]`), 'category');
    await until(ids.feed!, 'feed category saved', (d) => d.tags.find((t) => t.id === edit.id)?.category === category);

    await tap(card.locator(`.chip[data-tag-id="${victim.id}"]`), 'second chip');
    await card.locator(`.tag-actions[data-tag-id="${victim.id}"]`).waitFor();
    await tap(card.locator('.tag-actions [data-action=delete-tag]'), 'delete');
    await until(ids.feed!, 'feed tag deleted', (d) => !d.tags.some((t) => t.id === victim.id));
    await card.locator(`.chip[data-tag-id="${victim.id}"]`).waitFor({ state: 'detached' });

    const current = await getDoc(e2e.api, ids.feed!);
    const text = current.text!;
    const start = freePair(text, current.tags);
    expect(start).toBeGreaterThanOrEqual(0);
    await tap(card.locator('.chip-add'), '+');
    await tap(card.locator(`[data-text-root] [data-ch="${start}"]`), 'first character');
    await tap(card.locator(`[data-text-root] [data-ch="${start + 1}"]`), 'last character');
    expect(await card.locator('.add-tag-text').textContent()).toBe(text.slice(start, start + 2));
    await tap(card.locator('.add-tag [data-polarity=positive]'), 'polarity positive');
    await tap(card.locator('[data-action=add-category]'), 'category button');
    await tap(page.locator('.picker li[data-category=environment]'), 'category environment');
    await tap(card.locator('[data-action=add-tag]'), 'add');
    const after = await until(ids.feed!, 'feed tag added', (d) => d.tags.length === current.tags.length + 1);
    const added = after.tags.find((t) => !current.tags.some((b) => b.id === t.id))!;
    expect(added.span).toEqual({ start, end: start + 2 });
    expect(added.polarity).toBe('positive');
    expect(added.category).toBe('environment');
    expect(added.source).toBe('human');
    await card.locator(`.chip[data-tag-id="${added.id}"]`).waitFor();
    await ctx.close();
  });

  test('document page: edit, reject and accept tags and add one on a customer turn by tapping', async () => {
    const before = await getDoc(e2e.api, ids.call!);
    expect(before.tags.length, 'the transcript has no tags').toBeGreaterThanOrEqual(1);
    const target = before.tags[0]!;
    const polarity = otherPolarity(target.polarity);
    const category = otherCategory(target.category);
    const { ctx, page } = await phone();
    await page.goto(`${e2e.server.base}/#/doc/${ids.call}`);
    await page.waitForSelector('.doc-card [data-text-root]');

    await tap(page.locator(`.doc-page tr[data-tag-id="${target.id}"] td`).first(), 'tag table row');
    await page.locator(`.doc-label .tag-actions[data-tag-id="${target.id}"]`).waitFor();
    await tap(page.locator(`.doc-label [data-action=polarity][data-polarity=${polarity}]`), 'polarity');
    await until(ids.call!, 'doc polarity saved', (d) => d.tags.find((t) => t.id === target.id)?.polarity === polarity);
    await tap(page.locator('.doc-label [data-action=category]'), 'category button');
    await tap(page.locator(`.picker li[data-category=${category}]`), 'category');
    await until(ids.call!, 'doc category saved', (d) => d.tags.find((t) => t.id === target.id)?.category === category);

    // A span on the customer's turn; the agent's turn has nothing to tap.
    await tap(page.locator('.doc-label [data-action=new-tag]'), 'new tag');
    await page.locator('.doc-card [data-ch]').first().waitFor();
    expect(await page.locator('.doc-card .turn-agent [data-ch]').count()).toBe(0);
    const start = CUSTOMER_TURN.indexOf('售后');
    const end = start + '售后也不来修'.length;
    await tap(page.locator(`.doc-card [data-text-root="1"] [data-ch="${start}"]`), 'first character');
    await tap(page.locator(`.doc-card [data-text-root="1"] [data-ch="${end - 1}"]`), 'last character');
    expect(await page.textContent('.doc-label .add-tag-text')).toBe('售后也不来修');
    await tap(page.locator('.doc-label .add-tag [data-polarity=negative]'), 'polarity negative');
    await tap(page.locator('.doc-label [data-action=add-category]'), 'category button');
    await tap(page.locator('.picker li[data-category=after_sales]'), 'category after_sales');
    await fitsWidth(page, 'document page while adding');
    await shot(page, 'touch-doc-add');
    await tap(page.locator('.doc-label [data-action=add-tag]'), 'add');
    const withNew = await until(ids.call!, 'doc tag added', (d) => d.tags.length === before.tags.length + 1);
    const added = withNew.tags.find((t) => !before.tags.some((b) => b.id === t.id))!;
    expect(added.turnIndex).toBe(1);
    expect(added.span).toEqual({ start, end });
    expect(added.polarity).toBe('negative');
    expect(added.category).toBe('after_sales');
    expect(added.source).toBe('human');

    // Reject the tag just added, then accept what is left.
    await tap(page.locator(`.doc-page tr[data-tag-id="${added.id}"] td`).first(), 'new tag row');
    await tap(page.locator('.doc-label [data-action=delete-tag]'), 'delete');
    await until(ids.call!, 'doc tag deleted', (d) => !d.tags.some((t) => t.id === added.id));
    await tap(page.locator('.doc-label [data-action=accept]'), 'accept all');
    await waitFor('accept recorded', async () => {
      const audit = await e2e.api<Audit>('GET', '/v1/audit?action=correction.apply&limit=200');
      return audit.body.items.some((a) => a.target === ids.call && a.details.ops?.join() === 'accept');
    }, 15_000);
    expect((await getDoc(e2e.api, ids.call!)).reviewed).toBe(true);
    await ctx.close();
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  // The chip's × is hidden on a touch screen, so the panel's delete is a phone labeler's only delete: it
  // used to delete with no 撤销, on the feed card and on the document page alike.
  test('delete from the tag actions offers 撤销, which brings the tag back, on a feed card and the document page', async () => {
    const { ctx, page } = await phone();
    const feedDoc = await getDoc(e2e.api, ids['undo-feed']!);
    const victim = feedDoc.tags[0]!;
    expect(victim, 'the feed sample has no tag').toBeDefined();
    await page.goto(`${e2e.server.base}/#/feed?channel=touch-undo`);
    const card = page.locator(`.feed-card[data-doc-id="${feedDoc.id}"]`);
    await card.locator('[data-text-root]').waitFor();
    await tap(card.locator(`.chip[data-tag-id="${victim.id}"]`), 'chip');
    await tap(card.locator('.tag-actions [data-action=delete-tag]'), 'delete');
    await until(feedDoc.id, 'feed tag deleted', (d) => !d.tags.some((t) => t.id === victim.id));
    await tap(card.locator(`.undo-toast[data-removed="${victim.id}"] [data-action=undo-remove]`), '撤销 on the card');
    await until(feedDoc.id, 'feed tag back', (d) => d.tags.some((t) => t.id === victim.id));
    await card.locator(`.chip[data-tag-id="${victim.id}"]`).waitFor();
    expect(await card.locator('.undo-toast').count()).toBe(0);

    const docBefore = await getDoc(e2e.api, ids['undo-doc']!);
    const gone = docBefore.tags[0]!;
    expect(gone, 'the document sample has no tag').toBeDefined();
    await page.goto(`${e2e.server.base}/#/doc/${docBefore.id}`);
    await page.waitForSelector('.doc-card [data-text-root]');
    await tap(page.locator(`.doc-page tr[data-tag-id="${gone.id}"] td`).first(), 'tag table row');
    await tap(page.locator('.doc-label [data-action=delete-tag]'), 'delete');
    await until(docBefore.id, 'doc tag deleted', (d) => !d.tags.some((t) => t.id === gone.id));
    await shot(page, 'touch-doc-undo-delete');
    await tap(page.locator(`.doc-label .undo-toast[data-removed="${gone.id}"] [data-action=undo-remove]`), '撤销 on the document page');
    // put back, and the document unreviewed again (the server writes the two one after the other)
    const back = await until(docBefore.id, 'doc tag back and the document unreviewed', (d) => d.tags.some((t) => t.id === gone.id) && !d.reviewed);
    // as the model wrote it
    expect(back.tags.find((t) => t.id === gone.id)).toMatchObject({ polarity: gone.polarity, category: gone.category, source: gone.source });
    await page.locator(`.doc-page tr[data-tag-id="${gone.id}"]`).waitFor();
    await ctx.close();
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });
});
