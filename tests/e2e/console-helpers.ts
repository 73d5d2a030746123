import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { apiClient, waitFor, waitForPage } from './server-harness.js';

export interface Tag {
  id: string;
  polarity: 'positive' | 'negative' | 'neutral';
  category: string;
  source: string;
  span: { start: number; end: number };
  turnIndex?: number | null;
  opinion: string;
  aspect: string | null;
}
export interface Doc {
  id: string;
  kind: string;
  status: string;
  reviewed: boolean;
  text: string | null;
  turns: { speaker: string; text: string }[] | null;
  tags: Tag[];
  tagsVersion: string;
}

export type Api = ReturnType<typeof apiClient>;

export async function ingest(api: Api, body: Record<string, unknown>): Promise<string> {
  const res = await api<{ id: string }>('POST', '/v1/documents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id;
}

/**
 * One customer's history for the journey, NPS and dashboard pages: `n` comments and `n` surveys (NPS and CSAT in
 * turn, each answering with the comment's text), spread over the last days; returns the documents' ids.
 */
/**
 * `n` comments on channel app (`<prefix>-<i>`, the texts in turn, each numbered so none is a duplicate),
 * sent in batches of `batch`, then waits until none is queued or in analysis: the backlog a running
 * re-tag of many documents needs (with WORKER_CONCURRENCY=1 it re-tags them one at a time).
 */
export async function seedAnalyzed(api: Api, o: { prefix: string; n: number; batch: number; texts: readonly string[]; timeoutMs: number }): Promise<void> {
  for (let start = 0; start < o.n; start += o.batch) {
    const documents = Array.from({ length: Math.min(o.batch, o.n - start) }, (_, i) => ({
      kind: 'comment',
      source: 'app',
      externalId: `${o.prefix}-${start + i}`,
      text: `${o.texts[(start + i) % o.texts.length]}（${start + i}）`,
    }));
    const res = await api('POST', '/v1/documents/batch', { documents });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(207);
    expect((res.body as { items: { status: string }[] }).items.every((d) => d.status === 'accepted')).toBe(true);
  }
  await waitNonePending(api, o.timeoutMs);
}

/** Waits until no document of the key's tenant is queued or in analysis (`what` names the wait in a timeout). */
export async function waitNonePending(api: Api, timeoutMs: number, what = 'the documents analyzed'): Promise<void> {
  await waitFor(
    what,
    async () => {
      const pending = await Promise.all(['queued', 'processing'].map((s) => api<{ items: unknown[] }>('GET', `/v1/documents?status=${s}&limit=1`)));
      return pending.every((p) => p.body.items.length === 0);
    },
    timeoutMs,
  );
}

export async function seedCustomerHistory(api: Api, o: { prefix: string; customer: string; comments: readonly string[]; n: number; at: (i: number) => string }): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < o.n; i++) {
    const text = o.comments[i % o.comments.length]!;
    const occurredAt = o.at(i);
    ids.push(await ingest(api, { kind: 'comment', source: i % 2 ? 'app' : 'web', externalId: `${o.prefix}-c${i}`, customerId: o.customer, text, occurredAt }));
    ids.push(
      await ingest(api, {
        kind: 'survey',
        source: 'wechat-survey',
        externalId: `${o.prefix}-s${i}`,
        customerId: o.customer,
        scale: i % 2 ? 'nps' : 'csat',
        score: i % 2 ? i % 11 : 1 + (i % 5),
        question: '【如不满意，请描述下问题】',
        text,
        occurredAt,
      }),
    );
  }
  return ids;
}

export async function waitDone(api: Api, id: string): Promise<Doc> {
  return waitFor(
    `document ${id} processed`,
    async () => {
      const res = await api<Doc>('GET', `/v1/documents/${id}`);
      if (res.body.status === 'failed') throw new Error(`document ${id} failed: ${JSON.stringify(res.body)}`);
      return res.body.status === 'done' ? res.body : null;
    },
    60_000,
  );
}

export async function getDoc(api: Api, id: string): Promise<Doc> {
  return (await api<Doc>('GET', `/v1/documents/${id}`)).body;
}

/**
 * Browser code (a string: the test tsconfig has no DOM lib) that stores the key and the language in the tab's
 * first document of `origin` only: a later sign-out, language switch or reload of the tab keeps what the user did.
 */
function seededSession(origin: string, key: string, lang: 'zh' | 'en'): string {
  return `(() => {
    if (location.origin !== ${JSON.stringify(origin)} || sessionStorage.getItem('guandian.e2e.seeded')) return;
    sessionStorage.setItem('guandian.e2e.seeded', '1');
    localStorage.setItem('guandian.lang', ${JSON.stringify(lang)});
    sessionStorage.setItem('guandian.apiKey', ${JSON.stringify(key)});
  })()`;
}

export async function signIn(page: Page, base: string, key: string, hash = ''): Promise<void> {
  await page.goto(`${base}/${hash}`);
  await page.fill('input[name=apiKey]', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('.topbar');
}

/**
 * Signed in, in the given console language, whatever the test before left behind (the language lives in
 * localStorage, the key in the tab's sessionStorage).
 *
 * A page that has loaded nothing yet gets both in its storage before its first document, once, as a signed-in
 * tab has them when it reloads (the console then signs in with the stored key through the same call as the
 * form's). That is one load instead of three (the page, a reload in the language, the form): a new page's
 * load starts a renderer process, over a CPU-second of Chromium on 2026-12-02's 2-core host, and most browser
 * tests open a page per language.
 */
export async function signedInAs(page: Page, base: string, key: string, lang: 'zh' | 'en'): Promise<void> {
  if (page.url() === 'about:blank') await page.addInitScript(seededSession(new URL(base).origin, key, lang));
  await page.goto(`${base}/`);
  // The console reads the language when it starts: a second load only when the stored one is another.
  if ((await page.evaluate(`localStorage.getItem('guandian.lang')`)) !== lang) {
    await page.evaluate(`localStorage.setItem('guandian.lang', '${lang}')`);
    await page.reload();
  }
  await page.waitForSelector('input[name=apiKey], .topbar');
  if ((await page.locator('.topbar').count()) === 0) await signIn(page, base, key);
}

/**
 * Waits until the console has settled on the route it shows: no request in flight and what the last one
 * answered rendered (web/src/settled.ts sets <html data-settled> to the hash it settled on). What a fixed
 * pause after a page's first content hoped for, without guessing how long: a page that asks for more
 * once its first answer is in, or a chart drawn after a resize, is waited for however long it takes.
 */
export async function waitSettled(page: Page, timeoutMs = 20_000): Promise<void> {
  await waitForPage(page, 'document.documentElement.dataset.settled === location.hash', timeoutMs);
}

/** Goes to a console route and waits until `ready` shows. */
export async function openRoute(page: Page, base: string, hash: string, ready: string): Promise<void> {
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector(ready, { timeout: 20_000 });
}

/**
 * Selects [start, end) of the text under `rootSelector` (a [data-text-root] element) as a user's
 * drag would. Browser code is passed as a string: the test tsconfig has no DOM lib.
 */
export async function selectText(page: Page, rootSelector: string, start: number, end: number): Promise<void> {
  await page.evaluate(`(() => {
    const root = document.querySelector(${JSON.stringify(rootSelector)});
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let pos = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const len = n.textContent.length;
      if (pos <= ${start} && ${start} < pos + len) range.setStart(n, ${start} - pos);
      if (pos < ${end} && ${end} <= pos + len) { range.setEnd(n, ${end} - pos); break; }
      pos += len;
    }
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  })()`);
}

/** Opens the models page in `lang`, presses 训练新版本 and returns the error notice the refusal shows (waited for). */
export async function trainingRefusal(page: Page, base: string, lang: 'zh' | 'en'): Promise<Locator> {
  await page.goto(`${base}/#/models`);
  await page.evaluate(`localStorage.setItem('guandian.lang', '${lang}')`);
  await page.reload();
  await page.waitForSelector('.models-page [data-action=train]');
  await page.click('[data-action=train]');
  const notice = page.locator('.models-actions [data-notice=error]');
  await notice.waitFor();
  return notice;
}

/**
 * The texts in the cells under `selector` squeezed to a few characters a line: a text whose lines (all but its last)
 * hold fewer than 4 characters each, spaces and visually hidden words aside, as "text (characters per line)".
 * A table on a phone squeezed that way reads 分 / 析 / 员; it should keep a readable run and scroll sideways.
 */
export async function squeezedTexts(page: Page, selector: string): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    for (const cell of document.querySelectorAll(${JSON.stringify(selector)})) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement.closest('.sr-only')) continue;
        const lines = new Map();
        const range = document.createRange();
        for (let i = 0; i < n.length; i++) {
          if (/\\s/.test(n.data[i])) continue;
          range.setStart(n, i);
          range.setEnd(n, i + 1);
          const r = range.getClientRects()[0];
          if (!r) continue;
          const top = Math.round(r.top);
          lines.set(top, (lines.get(top) || 0) + 1);
        }
        const counts = [...lines.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
        if (counts.slice(0, -1).some((c) => c < 4)) out.push(n.data.trim().slice(0, 40) + ' (' + counts.join('/') + ')');
      }
    }
    return out;
  })()`)) as string[];
}

export interface DrawnBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
export interface DrawnText extends DrawnBox {
  text: string;
}
export interface DrawnSeries {
  name: string;
  type: string;
  points: ([number, number] | null)[];
  zeroY: number;
}
export interface DrawnChart {
  width: number;
  height: number;
  texts: DrawnText[];
  series: DrawnSeries[];
}

/**
 * What the chart at `selector` drew (web/src/chart.tsx): its texts and series in CSS pixels from its corner, and
 * its box's size; null until it has been drawn for that box. After a resize the chart redraws on its
 * ResizeObserver's turn, and until its canvas has the box's width what it reports was drawn for the old width
 * (a phone-width check once read the desktop drawing that way). Poll it with waitFor.
 */
export async function drawnChart(page: Page, selector: string): Promise<DrawnChart | null> {
  return (await page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el || typeof el.chartTexts !== 'function' || typeof el.chartSeries !== 'function') return null;
    const canvas = el.querySelector('canvas');
    if (!canvas || canvas.clientWidth !== el.clientWidth) return null;
    return { width: el.clientWidth, height: el.clientHeight, texts: el.chartTexts(), series: el.chartSeries() };
  })()`)) as DrawnChart | null;
}
