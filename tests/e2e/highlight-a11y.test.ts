import type { CDPSession, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { type Doc, getDoc, ingest, openRoute, signedInAs, type Tag, waitDone } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Opinion highlights in the document text, for people who cannot tell the polarity colours apart,
// read with a screen reader or work from the keyboard (WCAG 1.4.1, 2.1.1): the underline's shape
// differs per polarity and a legend says which is which, each highlight's tags are its accessible
// description in the console's language (the text itself is left alone, since selections are mapped
// to offsets through it), and where a click on a highlight opens its tag, Tab reaches it and Enter
// or Space do the same.

const e2e = useConsole();
let page: Page;
let cdp: CDPSession;
/** A comment with both a positive and a negative opinion. */
let mixed: Doc;
let call: Doc;
let categories: { id: string; zh: string; en: string }[] = [];
const pageErrors: string[] = [];

const COMMENTS = [
  '信号很好，网速很快，非常满意。但是资费太贵了，套餐不透明。',
  '客服态度很好，但是网络很卡，经常断线。',
  '快递太慢了，等了一个星期，价格还贵。',
  '手机质量很好，电池很耐用，就是售后太慢了。',
];

const as = (lang: 'zh' | 'en') => signedInAs(page, e2e.server.base, e2e.server.adminKey, lang);
const open = (hash: string, ready: string) => openRoute(page, e2e.server.base, hash, ready);

/** Tag, class and data-tag-id of the focused element (browser code as a string: no DOM lib in tests). */
const ACTIVE = `(() => { const a = document.activeElement; return a ? { tag: a.tagName, cls: a.className, tagId: a.getAttribute('data-tag-id'), inText: !!a.closest('[data-text-root]') } : null; })()`;

type Active = { tag: string; cls: string; tagId: string | null; inText: boolean } | null;

/** Presses Tab until a highlight in `scope` has focus, at most `max` times. */
async function tabToHighlight(scope: string, max = 60, skipTagId?: string): Promise<Active> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const a = (await page.evaluate(ACTIVE)) as Active;
    const inScope = (await page.evaluate(`!!document.activeElement?.closest(${JSON.stringify(scope)})`)) as boolean;
    if (a && a.tag === 'MARK' && inScope && a.tagId !== skipTagId) return a;
  }
  return null;
}

/** The accessibility tree's view of the first element matching `selector`, as Chromium computes it. */
async function axNode(selector: string): Promise<{ role: string; name: string; description: string }> {
  const { root } = (await cdp.send('DOM.getDocument', { depth: 0 })) as { root: { nodeId: number } };
  const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })) as { nodeId: number };
  expect(nodeId, selector).toBeGreaterThan(0);
  const { nodes } = (await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false })) as {
    nodes: { role?: { value?: string }; name?: { value?: string }; description?: { value?: string } }[];
  };
  const n = nodes[0]!;
  return { role: String(n.role?.value ?? ''), name: String(n.name?.value ?? ''), description: String(n.description?.value ?? '') };
}

/** Computed underline of the first element matching each selector. */
async function underline(selector: string): Promise<{ line: string; style: string }> {
  return (await page.evaluate(`(() => {
    const cs = getComputedStyle(document.querySelector(${JSON.stringify(selector)}));
    return { line: cs.textDecorationLine, style: cs.textDecorationStyle };
  })()`)) as { line: string; style: string };
}

function tagOf(doc: Doc, polarity: Tag['polarity']): Tag {
  const tag = doc.tags.find((x) => x.polarity === polarity && (x.turnIndex === undefined || x.turnIndex === null));
  expect(tag, `no ${polarity} tag in ${doc.text}`).toBeTruthy();
  return tag!;
}

describe('opinion highlights without colour, mouse or sight (real server, chromium)', () => {
  beforeAll(async () => {
    const ids: string[] = [];
    for (const [i, text] of COMMENTS.entries()) {
      ids.push(await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: `hl-c${i}`, text, occurredAt: new Date().toISOString() }));
    }
    const callId = await ingest(e2e.api, {
      kind: 'transcript',
      source: 'call',
      externalId: 'hl-call',
      turns: [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: '我家宽带网络很卡，一直断线，售后也不来修。' },
        { speaker: 'agent', text: '非常抱歉，我马上为您登记报修。' },
      ],
    });
    const docs = await Promise.all(ids.map((id) => waitDone(e2e.api, id)));
    call = await waitDone(e2e.api, callId);
    const both = docs.find((d) => d.tags.some((x) => x.polarity === 'positive') && d.tags.some((x) => x.polarity === 'negative'));
    expect(both, 'the analyzer found no comment with both a positive and a negative opinion').toBeTruthy();
    mixed = both!;
    categories = (await e2e.api<{ categories: typeof categories }>('GET', '/v1/taxonomy')).body.categories;
    const opened = await openPage(e2e.browser, { width: 1400, height: 860 }, { errors: pageErrors });
    page = opened.page;
    cdp = await opened.context.newCDPSession(page);
    await cdp.send('Accessibility.enable');
  }, 180_000);

  test('each polarity has its own underline shape, not only its own colour, and a legend names them', async () => {
    await as('zh');
    await open(`#/doc/${mixed.id}`, '.doc-card mark.hl');
    const pos = tagOf(mixed, 'positive');
    const neg = tagOf(mixed, 'negative');
    const posLine = await underline(`.doc-card mark[data-tag-id="${pos.id}"]`);
    const negLine = await underline(`.doc-card mark[data-tag-id="${neg.id}"]`);
    expect(posLine.line).toContain('underline');
    expect(negLine.line).toContain('underline');
    expect(posLine.style).not.toBe(negLine.style);

    // The legend next to the text shows the same three shapes, one per polarity, in words too.
    const legend = page.locator('.doc-page .hl-legend');
    expect(await legend.textContent()).toMatch(/正向.*负向.*中性/);
    const shapes: Record<string, string> = {};
    for (const p of ['positive', 'negative', 'neutral']) {
      const swatch = await underline(`.doc-page .hl-legend [data-legend=${p}] .hl`);
      expect(swatch.line, p).toContain('underline');
      shapes[p] = swatch.style;
    }
    expect(new Set(Object.values(shapes)).size).toBe(3);
    expect(shapes.positive).toBe(posLine.style);
    expect(shapes.negative).toBe(negLine.style);

    // The feed shows the legend once, above the cards, in the reader's language.
    await as('en');
    await open('#/feed', '.feed-card mark.hl');
    expect(await page.locator('.hl-legend').count()).toBe(1);
    expect(await page.locator('.hl-legend').textContent()).toMatch(/Positive solid.*Negative wavy.*Neutral dotted/);
  });

  test('document page: Tab reaches a highlight, shows a focus ring, and Enter or Space open its tag as a click does', async () => {
    await as('zh');
    await open(`#/doc/${mixed.id}`, '.doc-card mark.hl');
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    const first = await tabToHighlight('.doc-card');
    expect(first, 'Tab never reached a highlight in the document text').not.toBeNull();
    expect(first!.inText).toBe(true);
    const ring = (await page.evaluate(`(() => {
      const a = document.activeElement;
      const cs = getComputedStyle(a);
      return { visible: a.matches(':focus-visible'), outline: cs.outlineStyle, width: cs.outlineWidth };
    })()`)) as { visible: boolean; outline: string; width: string };
    expect(ring.visible).toBe(true);
    expect(ring.outline).not.toBe('none');
    expect(parseFloat(ring.width)).toBeGreaterThanOrEqual(2);

    await page.keyboard.press('Enter');
    await page.waitForSelector(`.doc-label .tag-actions[data-tag-id="${first!.tagId}"]`);
    await page.waitForSelector(`.doc-card mark.hl-selected[data-tag-id="${first!.tagId}"][aria-current=true]`);
    // Focus stays on the highlight, so the next Tab goes on from there.
    expect(((await page.evaluate(ACTIVE)) as Active)!.tagId).toBe(first!.tagId);

    const second = await tabToHighlight('.doc-card', 10, first!.tagId!);
    expect(second, 'no second tag reachable by Tab').not.toBeNull();
    // A short window, so the page could scroll: Space opens the tag and does not also page down.
    await page.setViewportSize({ width: 1400, height: 360 });
    const scrollable = await page.evaluate('[...document.querySelectorAll("*")].some((e) => e.scrollHeight > e.clientHeight + 50 && getComputedStyle(e).overflowY !== "hidden" && getComputedStyle(e).overflowY !== "visible")');
    expect(scrollable, 'nothing on the page can scroll, so the Space check would prove nothing').toBe(true);
    const scrolled = () => page.evaluate('[...document.querySelectorAll("*")].reduce((s, e) => s + e.scrollTop, 0)');
    const before = await scrolled();
    await page.keyboard.press(' ');
    await page.waitForSelector(`.doc-label .tag-actions[data-tag-id="${second!.tagId}"]`);
    // Keyboard scrolling is animated: give it time to have moved.
    await page.waitForTimeout(500);
    expect(await scrolled(), 'Space scrolled the page instead of only opening the tag').toBe(before);
    await page.setViewportSize({ width: 1400, height: 860 });

    // A click does the same, and leaves no focus ring behind.
    await page.locator(`.doc-card mark[data-tag-id="${first!.tagId}"]`).first().click();
    await page.waitForSelector(`.doc-label .tag-actions[data-tag-id="${first!.tagId}"]`);
    expect(await page.evaluate('document.querySelectorAll(".doc-card mark:focus-visible").length')).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  test('labeling page: Tab from the toolbar reaches the text and Enter selects the tag; after a click, Tab still steps through tags', async () => {
    await as('zh');
    await open(`#/label?doc=${mixed.id}`, '.label-text mark.hl');
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(mixed.id)}`);
    const rows = await page.locator('.tag-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-tag-id')));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    await page.focus('.label-main button[title="?"]');
    const mark = await tabToHighlight('.label-text', 5);
    expect(mark, 'Tab from the toolbar did not reach the text').not.toBeNull();
    // Open a tag other than the one selected on load, so the change is visible.
    let target = mark!;
    if (target.tagId === (await page.getAttribute('.tag-row.selected', 'data-tag-id'))) target = (await tabToHighlight('.label-text', 10, target.tagId!))!;
    expect(target).not.toBeNull();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tag-row.selected[data-tag-id="${target.tagId}"]`);
    await page.waitForSelector(`.label-actions .tag-actions[data-tag-id="${target.tagId}"]`);

    // A mouse click selects as before and hands focus back to the page, so Tab goes to the next tag.
    await page.locator(`.label-text mark[data-tag-id="${rows[0]}"]`).first().click();
    await page.waitForSelector(`.tag-row.selected[data-tag-id="${rows[0]}"]`);
    await page.keyboard.press('Tab');
    await page.waitForSelector(`.tag-row.selected[data-tag-id="${rows[1]}"]`);
    expect(await page.evaluate('document.activeElement === document.body')).toBe(true);
  });

  test('no tab stops where a highlight does nothing: the feed, and while picking words for a new tag', async () => {
    await as('zh');
    await open('#/feed', '.feed-card mark.hl');
    expect(await page.locator('.feed-card mark.hl').count()).toBeGreaterThan(0);
    expect(await page.locator('.feed-card mark[tabindex], .feed-card mark[role=button]').count()).toBe(0);

    await open(`#/doc/${mixed.id}`, '.doc-card mark.hl[tabindex="0"]');
    await page.click('[data-action=new-tag]');
    await page.waitForSelector('.doc-card .picking');
    expect(await page.locator('.doc-card mark.hl').count()).toBeGreaterThan(0);
    expect(await page.locator('.doc-card mark[tabindex], .doc-card mark[role=button]').count()).toBe(0);
  });

  test('a screen reader hears each highlight\'s polarity, opinion and category in the console\'s language; the text is untouched', async () => {
    const neg = tagOf(mixed, 'negative') as Tag & { label: string };
    const cat = categories.find((c) => c.id === neg.category)!;
    expect(cat, neg.category).toBeTruthy();
    const sel = `.doc-card mark[data-tag-id="${neg.id}"]`;
    // Chinese shows the tag's label (负向评价: …), English translates the prefix and keeps the phrase.
    for (const [lang, polarity, opinion, category] of [
      ['zh', '负向', neg.label, cat.zh],
      ['en', 'Negative', neg.opinion, cat.en],
    ] as const) {
      await as(lang);
      await open(`#/doc/${mixed.id}`, sel);
      const text = await page.locator(sel).first().textContent();
      const ax = await axNode(sel);
      expect(ax.role, lang).toBe('button');
      // The name is still the customer's words; the tag is the description.
      expect(ax.name, lang).toBe(text);
      expect(ax.description, lang).toContain(polarity);
      expect(ax.description, lang).toContain(opinion);
      expect(ax.description, lang).toContain(category);
      // The description lives outside the text, which still reads exactly as the customer wrote it.
      const outside = await page.evaluate(`(() => {
        const m = document.querySelector(${JSON.stringify(sel)});
        const ids = (m.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
        return ids.length > 0 && ids.every((id) => { const d = document.getElementById(id); return d && !d.closest('[data-text-root]'); });
      })()`);
      expect(outside, lang).toBe(true);
      expect(await page.locator('.doc-card [data-text-root]').textContent()).toBe(mixed.text);
    }

    // A transcript's customer turn, and the feed's highlights (which take no clicks), are described too.
    await as('zh');
    const customerTag = call.tags.find((x) => x.turnIndex === 1) as (Tag & { label: string }) | undefined;
    expect(customerTag, 'no tag in the transcript\'s customer turn').toBeTruthy();
    const turnSel = `.doc-card .turn-customer mark[data-tag-id="${customerTag!.id}"]`;
    await open(`#/doc/${call.id}`, turnSel);
    expect((await axNode(turnSel)).description).toContain(customerTag!.label);
    expect(await page.locator('.doc-card .turn-customer [data-text-root]').textContent()).toBe(call.turns![1]!.text);

    await open(`#/feed?q=${encodeURIComponent(neg.opinion)}`, `.feed-card mark[data-tag-id="${neg.id}"]`);
    const feed = await axNode(`.feed-card mark[data-tag-id="${neg.id}"]`);
    expect(feed.description).toContain('负向');
    expect(feed.description).toContain(cat.zh);
    expect((await getDoc(e2e.api, mixed.id)).text).toBe(mixed.text);
    expect(pageErrors).toEqual([]);
  });
});
