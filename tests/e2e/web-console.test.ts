import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { selectText, waitSettled } from './console-helpers.js';
import { openPage, ROOT, SCREENSHOTS, waitFor, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

interface Tag {
  id: string;
  polarity: 'positive' | 'negative' | 'neutral';
  category: string;
  source: string;
  span: { start: number; end: number };
  opinion: string;
}
interface Doc {
  id: string;
  kind: string;
  status: string;
  reviewed: boolean;
  text: string | null;
  tags: Tag[];
}

const XSS = '<img src=x onerror=alert(1)>';
// Several everyday complaints/praises so at least one is tagged whatever lexicon or model is loaded.
const COMMENTS = [
  '网络很卡，经常断线，客服态度很好。',
  '快递太慢了，等了一个星期，价格还贵。',
  '这个手机质量很差，用了两天就坏了。',
];

const e2e = useConsole();
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const ids: Record<string, string> = {};
let tagged: Doc;

interface SurveyRow {
  id: string;
  scale: 'nps' | 'csat';
  score: number;
  question: string;
  text: string;
}
const CUSTOMER = 'e2e-cust-7';
const SURVEY_QUESTION = '【如不满意，请描述下问题】';
const SURVEY_ANSWER = '经常断线，接入客户无通知';
// Its own channel, so the feed can be narrowed to it whichever tags it carries.
const SURVEY_CHANNEL = 'wechat-survey';
let surveyScores: { scale: 'nps' | 'csat'; score: number }[] = [];
let surveyDoc: Doc;

async function shot(name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

async function ingest(body: Record<string, unknown>): Promise<string> {
  const res = await e2e.api<{ id: string }>('POST', '/v1/documents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id;
}

async function waitDone(id: string): Promise<Doc> {
  return waitFor(`document ${id} processed`, async () => {
    const res = await e2e.api<Doc>('GET', `/v1/documents/${id}`);
    if (res.body.status === 'failed') throw new Error(`document ${id} failed: ${JSON.stringify(res.body)}`);
    return res.body.status === 'done' ? res.body : null;
  }, 45_000);
}

async function signIn(key: string) {
  await page.goto(e2e.server.base + '/');
  await page.fill('input[name=apiKey]', key);
  await page.click('button[type=submit]');
}

async function waitSaved() {
  await page.waitForSelector('.save-state[data-pending="0"]', { timeout: 15_000 });
}

describe('web console (real server, chromium)', () => {
  beforeAll(async () => {
    ({ context, page } = await openPage(e2e.browser, { width: 1400, height: 860 }, { errors: pageErrors, options: { acceptDownloads: true } }));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 90_000);

  test('ingests through the API and the documents are processed', async () => {
    for (const [i, text] of COMMENTS.entries()) {
      ids[`c${i}`] = await ingest({ kind: 'comment', source: 'app', externalId: `e2e-c${i}`, text, occurredAt: new Date().toISOString() });
    }
    ids.xss = await ingest({ kind: 'comment', source: 'web', externalId: 'e2e-xss', text: `${XSS} 物流太慢了，态度很差。` });
    ids.call = await ingest({
      kind: 'transcript',
      source: 'call',
      externalId: 'e2e-call',
      turns: [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: '我家宽带网络很卡，一直断线，售后也不来修。' },
        { speaker: 'agent', text: '非常抱歉，我马上为您登记报修。' },
      ],
    });
    const docs = await Promise.all(Object.values(ids).map(waitDone));
    const withTags = docs.filter((d) => d.kind !== 'transcript' && d.text && !d.text.includes(XSS) && d.tags.length > 0);
    expect(withTags.length, 'the analyzer tagged none of the sample comments').toBeGreaterThan(0);
    tagged = withTags[0]!;
  }, 120_000);

  test('signs in with an API key and shows highlighted opinions in the feed', async () => {
    await page.goto(e2e.server.base + '/');
    await page.waitForSelector('input[name=apiKey]');
    await shot('sign-in');
    await signIn(e2e.server.adminKey);
    await page.waitForSelector('.topbar');
    expect(await page.textContent('.topbar nav')).toContain('观点流');
    const card = page.locator(`.feed-card[data-doc-id="${tagged.id}"]`);
    await card.waitFor({ timeout: 15_000 });
    const first = tagged.tags[0]!;
    const mark = card.locator(`mark[data-tag-id="${first.id}"]`).first();
    await mark.waitFor();
    expect(await mark.getAttribute('class')).toContain(`hl-${first.polarity}`);
    expect((await mark.textContent())!.length).toBeGreaterThan(0);
    const chip = card.locator(`.chip[data-tag-id="${first.id}"]`);
    expect(await chip.textContent()).toMatch(/(正向|负向|中性)评价: /);
    await shot('feed');
  });

  test('feed filters narrow the list through the URL', async () => {
    const polarity = tagged.tags[0]!.polarity;
    // Only the hash changes, so the unfiltered cards are still on the page until the filtered list replaces them.
    await page.goto(`${e2e.server.base}/#/feed?polarity=${polarity}`);
    let pols: (string | null)[] = [];
    const chips = page.locator('.feed-card .chip');
    const filtered = async () => {
      pols = await chips.evaluateAll((els) => els.map((e) => e.getAttribute('data-polarity')));
      return pols.length > 0 && pols.every((p) => p === polarity);
    };
    await waitFor(`only ${polarity} chips in the feed`, filtered, 15_000).catch(() => undefined);
    expect(pols.length).toBeGreaterThan(0);
    expect(new Set(pols)).toEqual(new Set([polarity]));
  });

  test('a document containing markup renders as text: no dialog, no img element', async () => {
    await page.goto(`${e2e.server.base}/#/doc/${ids.xss}`);
    await page.waitForSelector('.doc-card');
    expect(await page.textContent('.doc-card')).toContain(XSS);
    await page.goto(`${e2e.server.base}/#/feed?q=${encodeURIComponent('物流太慢')}`);
    await waitSettled(page);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.goto(`${e2e.server.base}/#/doc/${ids.xss}`);
    await page.waitForSelector('.doc-card');
    await shot('document-xss');
  });

  test('transcripts render as speaker turns', async () => {
    await page.goto(`${e2e.server.base}/#/doc/${ids.call}`);
    await page.waitForSelector('.turn');
    expect(await page.locator('.turn').count()).toBe(3);
    expect(await page.textContent('.turn-customer .speaker')).toBe('客户');
    expect(await page.textContent('.turn-agent .speaker')).toBe('坐席');
    expect(await page.locator('.turn-agent mark').count()).toBe(0);
    await shot('document-transcript');
  });

  test('dashboard draws charts and a click drills into the feed', async () => {
    await page.goto(`${e2e.server.base}/#/dashboard`);
    await page.waitForSelector('.chart canvas', { timeout: 15_000 });
    await waitSettled(page);
    // KPI table: every category with tags this week appears with its share now and before.
    await page.waitForSelector('.kpi-table tbody tr');
    const kpi = await e2e.api<{ categories: { category: string }[] }>('GET', '/v1/stats/kpi');
    expect(await page.locator('.kpi-table tbody tr').count()).toBe(kpi.body.categories.length);
    await shot('dashboard');
    await page.locator('.kpi-table-card').scrollIntoViewIfNeeded();
    await shot('dashboard-kpi');
    await page.evaluate("document.querySelector('.dashboard').scrollTop = 0");
    await page.click('button.kpi-negative');
    await waitForPage(page, "location.hash.startsWith('#/feed') && location.hash.includes('polarity=negative')");

    // Chart clicks: probe the lower part of the first (largest) category bar until ECharts reports a hit.
    await page.goto(`${e2e.server.base}/#/dashboard`);
    const canvas = page.locator('.chart-card').first().locator('canvas');
    await canvas.waitFor();
    await waitSettled(page);
    const box = (await canvas.boundingBox())!;
    let hit = false;
    for (const dx of [50, 70, 90, 110]) {
      for (const dy of [60, 80, 100]) {
        await page.mouse.click(box.x + dx, box.y + box.height - dy);
        hit = await page.evaluate("location.hash.startsWith('#/feed') && location.hash.includes('category=')");
        if (hit) break;
      }
      if (hit) break;
    }
    expect(hit, 'no click on the category chart reached the feed').toBe(true);
    await page.waitForSelector('.feed-card');
  });

  test('an admin can submit a document from the console', async () => {
    await page.goto(`${e2e.server.base}/#/ingest`);
    await page.fill('.ingest-form textarea', '充电宝质量不错，就是价格有点贵。');
    await page.click('.ingest-form button[type=submit]');
    const link = page.locator('.ingest-form a[href^="#/doc/"]');
    await link.waitFor();
    const id = (await link.textContent())!;
    await waitDone(id);
    await shot('ingest');
  });

  test('labeling queue: keyboard corrections are saved, undo works, and they survive a reload', async () => {
    const target = tagged.tags.slice().sort((a, b) => a.span.start - b.span.start)[0]!;
    const newPolarity = target.polarity === 'neutral' ? 'positive' : 'neutral';
    const newCategory = target.category === 'logistics' ? 'price' : 'logistics';
    const categoryZh = newCategory === 'logistics' ? '物流' : '价格';

    await page.goto(`${e2e.server.base}/#/label?doc=${tagged.id}`);
    await page.waitForSelector('.label-text');
    await page.waitForSelector(`.tag-row.selected[data-tag-id="${target.id}"]`);
    await page.keyboard.press('?');
    await page.waitForSelector('.help');
    await shot('labeling-help');
    await page.keyboard.press('Escape');
    expect(await page.locator('.help').count()).toBe(0);

    await page.keyboard.press(newPolarity === 'neutral' ? '3' : '1');
    await waitSaved();
    let doc = (await e2e.api<Doc>('GET', `/v1/documents/${tagged.id}`)).body;
    let tag = doc.tags.find((t) => t.id === target.id)!;
    expect(tag.polarity).toBe(newPolarity);
    expect(tag.source).toBe('human');

    await page.keyboard.press('c');
    await page.waitForSelector('.picker');
    await page.keyboard.type(categoryZh);
    await page.keyboard.press('Enter');
    await waitSaved();
    doc = (await e2e.api<Doc>('GET', `/v1/documents/${tagged.id}`)).body;
    expect(doc.tags.find((t) => t.id === target.id)!.category).toBe(newCategory);

    await page.keyboard.press('u');
    await waitSaved();
    doc = (await e2e.api<Doc>('GET', `/v1/documents/${tagged.id}`)).body;
    expect(doc.tags.find((t) => t.id === target.id)!.category).toBe(target.category);

    await page.keyboard.press('c');
    await page.waitForSelector('.picker');
    await page.keyboard.type(categoryZh);
    await page.keyboard.press('Enter');
    await waitSaved();

    await page.fill('.tag-row.selected input[name=aspect]', '测试对象');
    await page.press('.tag-row.selected input[name=aspect]', 'Enter');
    await waitSaved();
    doc = (await e2e.api<Doc>('GET', `/v1/documents/${tagged.id}`)).body;
    expect((doc.tags.find((t) => t.id === target.id) as Tag & { aspect: string | null }).aspect).toBe('测试对象');

    // Add a tag from a text selection: two Chinese characters, preferably ones no tag covers yet.
    const text = tagged.text!;
    const hanPair = (i: number) => /^[\u4e00-\u9fff]{2}$/.test(text.slice(i, i + 2));
    const positions = [...text].map((_, i) => i).filter(hanPair);
    const start =
      positions.find((i) => !doc.tags.some((t) => t.span.start < i + 2 && t.span.end > i)) ??
      positions.find((i) => !doc.tags.some((t) => t.span.start === i && t.span.end === i + 2)) ??
      -1;
    expect(start, 'no two-character run to select').toBeGreaterThanOrEqual(0);
    const end = start + 2;
    // Browser-side code is passed as a string: the test tsconfig has no DOM lib.
    await page.evaluate(`(() => {
      const [s, e] = [${start}, ${end}];
      const root = document.querySelector('.label-text [data-text-root]');
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let pos = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const len = n.textContent.length;
        if (pos <= s && s <= pos + len) range.setStart(n, s - pos);
        if (pos <= e && e <= pos + len) { range.setEnd(n, e - pos); break; }
        pos += len;
      }
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    })()`);
    const before = doc.tags.length;
    const beforeIds = new Set(doc.tags.map((t) => t.id));
    await page.keyboard.press('n');
    await page.waitForSelector('.picker');
    await page.keyboard.type('other');
    await page.keyboard.press('Enter');
    await waitSaved();
    doc = (await e2e.api<Doc>('GET', `/v1/documents/${tagged.id}`)).body;
    expect(doc.tags.length).toBe(before + 1);
    const added = doc.tags.find((t) => !beforeIds.has(t.id));
    expect(added?.span).toEqual({ start, end });
    expect(added?.source).toBe('human');
    expect(added?.category).toBe('other');
    await shot('labeling');

    await page.reload();
    await page.waitForSelector(`.tag-row[data-tag-id="${target.id}"]`);
    const row = page.locator(`.tag-row[data-tag-id="${target.id}"]`);
    expect(await row.locator('.chip').getAttribute('data-polarity')).toBe(newPolarity);
    expect(await row.textContent()).toContain(categoryZh);
    expect(await page.locator(`mark[data-tag-id="${target.id}"]`).first().getAttribute('data-polarity')).toBe(newPolarity);

    // Any correction already marks a document reviewed, so "accept all" is checked on an untouched one.
    expect((await e2e.api<Doc>('GET', `/v1/documents/${ids.xss}`)).body.reviewed).toBe(false);
    await page.goto(`${e2e.server.base}/#/label?doc=${ids.xss}`);
    await page.waitForSelector('.label-text');
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(ids.xss)}`);
    expect(await page.locator('.label-text img').count()).toBe(0);
    // It has the highest confidence, so it sits last: k steps back, j returns.
    await page.keyboard.press('k');
    expect(await page.textContent('.label-main .toolbar .mono')).not.toBe(ids.xss);
    await page.keyboard.press('j');
    expect(await page.textContent('.label-main .toolbar .mono')).toBe(ids.xss);
    await page.keyboard.press('a');
    await waitSaved();
    expect((await e2e.api<Doc>('GET', `/v1/documents/${ids.xss}`)).body.reviewed).toBe(true);
    await page.waitForSelector('.queue-item.done:has-text("物流太慢")');
    await page.keyboard.press('u');
    await page.waitForSelector('.save-state.err:has-text("无法撤销")');
    expect((await e2e.api<Doc>('GET', `/v1/documents/${ids.xss}`)).body.reviewed).toBe(true);
  });

  test('labeling a transcript: a selection in a customer turn becomes a tag on that turn', async () => {
    await page.goto(`${e2e.server.base}/#/label?doc=${ids.call}`);
    await page.waitForSelector('.label-text .turn');
    await waitForPage(page, `document.querySelector('.label-main .toolbar .mono')?.textContent === ${JSON.stringify(ids.call)}`);
    const turnText = '我家宽带网络很卡，一直断线，售后也不来修。';
    const start = turnText.indexOf('售后');
    const end = start + '售后也不来修'.length;
    await selectText(page, '.label-text [data-text-root="1"]', start, end);
    const before = (await e2e.api<Doc>('GET', `/v1/documents/${ids.call}`)).body;
    await page.keyboard.press('n');
    await page.waitForSelector('.picker');
    await page.keyboard.type('11');
    await page.keyboard.press('Enter');
    await waitSaved();
    await page.keyboard.press('2');
    await waitSaved();
    const after = (await e2e.api<Doc>('GET', `/v1/documents/${ids.call}`)).body;
    const added = after.tags.find((t) => !before.tags.some((b) => b.id === t.id)) as Tag & { turnIndex?: number };
    expect(added).toBeDefined();
    expect(added.turnIndex).toBe(1);
    expect(added.span).toEqual({ start, end });
    expect(added.opinion).toBe('售后也不来修');
    expect(added.category).toBe('after_sales');
    expect(added.polarity).toBe('negative');
    await page.waitForSelector(`.turn-customer mark[data-tag-id="${added.id}"][data-polarity="negative"]`);
    await shot('labeling-transcript');
    expect(dialogs).toEqual([]);
  });

  test('exports the filtered tags as CSV with a BOM and Chinese text', async () => {
    await page.goto(`${e2e.server.base}/#/export?source=human`);
    await page.waitForSelector('button[data-format=csv]');
    await shot('export');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-format=csv]')]);
    const file = await download.path();
    const raw = fs.readFileSync(file);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = raw.toString('utf8').slice(1);
    const lines = csv.trim().split(/\r?\n/);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(csv).toMatch(/[\u4e00-\u9fff]/);
    expect(csv).toContain(tagged.id);
    // Only human tags were asked for: every data row mentions "human".
    for (const line of lines.slice(1)) expect(line).toContain('human');

    const [jsonl] = await Promise.all([page.waitForEvent('download'), page.click('button[data-format=jsonl]')]);
    const rows = fs
      .readFileSync(await jsonl.path(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; documentId: string });
    expect(rows.length).toBe(lines.length - 1);
    expect(rows.every((r) => r.source === 'human')).toBe(true);
    expect(jsonl.suggestedFilename()).toMatch(/\.jsonl$/);
  });

  test('feed pages by cursor while the list stays virtualized', async () => {
    const N = 70;
    const documents = Array.from({ length: N }, (_, i) => ({
      kind: 'comment',
      source: 'bulk',
      externalId: `e2e-bulk-${i}`,
      text: `第${i}号订单：快递太慢了，客服态度很好。`,
    }));
    const res = await e2e.api('POST', '/v1/documents/batch', { documents });
    expect(res.status, JSON.stringify(res.body)).toBe(207);
    await waitFor('bulk documents processed', async () => {
      const page = await e2e.api<{ items: Doc[] }>('GET', '/v1/documents?channel=bulk&status=done&limit=200');
      return page.body.items.length === N;
    }, 60_000);

    await page.goto(`${e2e.server.base}/#/feed?channel=bulk`);
    await page.waitForSelector('.feed-card');
    const rendered = await page.locator('.feed-card').count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(40);
    // Scroll until the last cursor page has arrived.
    for (let i = 0; i < 40; i++) {
      const done = await page.evaluate(`(() => {
        const el = document.querySelector('.feed-list');
        el.scrollTop = el.scrollHeight;
        return el.querySelector('.list-footer').textContent.includes('已到底部');
      })()`);
      if (done) break;
      await page.waitForTimeout(250);
    }
    expect(await page.textContent('.main .toolbar')).toContain(`${N} 文档`);
    expect(await page.locator('.feed-card').count()).toBeLessThan(40);
    // Cards fetch their document lazily once they scroll into view.
    const last = page.locator('.feed-card').last();
    await last.locator('.doc-text').waitFor();
    // Until its document arrives a card shows only its tags' clauses; wait for the full text.
    await expect.poll(() => last.textContent(), { timeout: 15_000 }).toMatch(/第\d+号订单/);
    await shot('feed-paged');

    // Opening a document and going back restores the list and its scroll position.
    // The link is clicked from the page so Playwright does not scroll it into view first.
    await page.evaluate(`document.querySelector('.feed-list').scrollTop = 1500`);
    // the feed keeps the position from its scroll event, dispatched before the next frame's callbacks
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const docId = (await page.evaluate(`(() => {
      const card = [...document.querySelectorAll('.feed-card')].find((c) => c.getBoundingClientRect().top > 120);
      card.querySelector('.card-link').click();
      return card.getAttribute('data-doc-id');
    })()`)) as string;
    await page.waitForSelector('.doc-card');
    await page.click('.doc-page .toolbar a.btn');
    await page.waitForSelector(`.feed-card[data-doc-id="${docId}"]`);
    const restored = (await page.evaluate(`document.querySelector('.feed-list').scrollTop`)) as number;
    expect(Math.abs(restored - 1500)).toBeLessThan(5);
    expect(await page.textContent('.main .toolbar')).toContain(`${N} 文档`);
  }, 120_000);

  test('survey answers are ingested and processed', async () => {
    const rows = fs
      .readFileSync(path.join(ROOT, 'tests/fixtures/survey/answers.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SurveyRow);
    // Spread over eight weeks so the weekly trend has several points.
    const now = Date.now();
    const documents = rows.map((r, i) => ({
      kind: 'survey',
      source: 'survey',
      externalId: `e2e-${r.id}`,
      question: r.question,
      score: r.score,
      scale: r.scale,
      text: r.text,
      occurredAt: new Date(now - (i % 56) * 86_400_000 - 3_600_000).toISOString(),
    }));
    const res = await e2e.api<{ items: { id: string }[] }>('POST', '/v1/documents/batch', { documents });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(207);
    surveyScores = rows.map((r) => ({ scale: r.scale, score: r.score }));

    // One customer's touchpoints over a month, ending with the survey answer the brief quotes.
    const day = (n: number) => new Date(now - n * 86_400_000).toISOString();
    const journey = [
      { text: '客服态度很好，问题很快就解决了。', at: day(30) },
      { text: '网络又断了，投诉了三次都没人处理。', at: day(20) },
      { text: '宽带还是很卡，太失望了，准备换运营商。', at: day(10) },
    ];
    for (const [i, j] of journey.entries()) {
      ids[`j${i}`] = await ingest({ kind: 'comment', source: 'app', externalId: `e2e-journey-${i}`, text: j.text, customerId: CUSTOMER, occurredAt: j.at });
    }
    ids.survey = await ingest({
      kind: 'survey',
      source: SURVEY_CHANNEL,
      externalId: 'e2e-survey-target',
      question: SURVEY_QUESTION,
      score: 5,
      scale: 'nps',
      text: SURVEY_ANSWER,
      customerId: CUSTOMER,
      occurredAt: day(1),
    });
    surveyScores.push({ scale: 'nps', score: 5 });
    await waitFor('survey answers processed', async () => {
      const done = await e2e.api<{ items: Doc[] }>('GET', '/v1/documents?kind=survey&status=done&limit=500');
      return done.body.items.length === rows.length + 1;
    }, 120_000);
    surveyDoc = await waitDone(ids.survey);
    for (const i of [0, 1, 2]) await waitDone(ids[`j${i}`]!);
    expect(surveyDoc.tags.length, 'the analyzer tagged nothing in the quoted survey answer').toBeGreaterThan(0);
  }, 180_000);

  test('NPS page: overall NPS equals the arithmetic, split and trend are drawn, CSAT switch', async () => {
    const nps = surveyScores.filter((s) => s.scale === 'nps').map((s) => s.score);
    const promoters = nps.filter((s) => s >= 9).length;
    const detractors = nps.filter((s) => s <= 6).length;
    const expected = Math.round(((promoters - detractors) / nps.length) * 1000) / 10;

    await page.goto(`${e2e.server.base}/#/nps`);
    await page.waitForSelector('.nps-value');
    expect(await page.getAttribute('.nps-value', 'data-value')).toBe(String(expected));
    expect(Number((await page.textContent('.nps-value'))!.replace('+', ''))).toBe(expected);
    expect(await page.textContent('.nps-n')).toBe(String(nps.length));
    expect(await page.getAttribute('.split-legend[data-band=promoter]', 'data-count')).toBe(String(promoters));
    expect(await page.getAttribute('.split-legend[data-band=detractor]', 'data-count')).toBe(String(detractors));
    expect(await page.getAttribute('.split-legend[data-band=passive]', 'data-count')).toBe(String(nps.length - promoters - detractors));
    await page.waitForSelector('.chart-wide canvas');
    await page.waitForSelector('.drivers-category canvas');
    await waitSettled(page);
    await shot('nps');

    // Driver tooltips carry the counts behind each bar.
    const drivers = (await e2e.api<{ categories: { n: number; lowSample: boolean }[] }>('GET', '/v1/stats/drivers')).body;
    expect(drivers.categories.length).toBeGreaterThan(0);
    expect(await page.textContent('.drivers-category h2 + p')).toContain('30');
    const dbox = (await page.locator('.drivers-category canvas').boundingBox())!;
    let tip = '';
    for (let y = 14; y < dbox.height - 40 && !tip.includes('答卷数'); y += 12) {
      await page.mouse.move(dbox.x + dbox.width * 0.45, dbox.y + y);
      await page.waitForTimeout(60);
      tip = (await page.textContent('.drivers-category .chart')) ?? '';
    }
    expect(tip).toMatch(/答卷数: \d+/);
    expect(tip).toContain('占贬损者比例');
    // the hovered bar is marked 样本不足 exactly when it rests on fewer answers than minCount (30 by default),
    // whichever category the pointer met first
    const answers = Number(/答卷数: (\d+)/.exec(tip)![1]);
    expect(tip.includes('样本不足')).toBe(answers < 30);
    await shot('nps-driver-tooltip');

    const csat = surveyScores.filter((s) => s.scale === 'csat').map((s) => s.score);
    const csatExpected = Math.round((csat.filter((s) => s >= 4).length / csat.length) * 1000) / 10;
    await page.click('[data-scale=csat]');
    await page.locator(`.nps-value[data-value="${csatExpected}"]`).waitFor();
    expect(await page.textContent('.nps-n')).toBe(String(csat.length));
    // the drivers follow the scale: CSAT answers and their CSAT impact, not the NPS answers' drivers
    await expect.poll(() => page.textContent('.drivers-category h2')).toBe('负面类别对 CSAT 的影响');
    const csatDrivers = (await e2e.api<{ scale: string; categories: { n: number; csatImpact: number | null }[] }>('GET', '/v1/stats/drivers?scale=csat')).body;
    expect(csatDrivers.scale).toBe('csat');
    expect(csatDrivers.categories.length).toBeGreaterThan(0); // the fixture's 25 negative CSAT answers
    await page.waitForSelector('.drivers-category canvas');
    await waitSettled(page);
    const cbox = (await page.locator('.drivers-category canvas').boundingBox())!;
    let ctip = '';
    for (let y = 14; y < cbox.height - 40 && !ctip.includes('答卷数'); y += 12) {
      await page.mouse.move(cbox.x + cbox.width * 0.45, cbox.y + y);
      await page.waitForTimeout(60);
      ctip = (await page.textContent('.drivers-category .chart')) ?? '';
    }
    expect(ctip).toContain('CSAT 影响');
    expect(ctip).toContain('占不满意（1–3 分）答卷比例');
    await shot('nps-csat');
  });

  test('clicking a driver bar opens the negative survey answers of that category', async () => {
    await page.goto(`${e2e.server.base}/#/nps`);
    const canvas = page.locator('.drivers-category canvas');
    await canvas.waitFor();
    await waitSettled(page);
    const box = (await canvas.boundingBox())!;
    let hit = false;
    // Bars grow right from the zero line below the category labels; probe until ECharts reports one.
    for (let y = 14; y < box.height - 40 && !hit; y += 12) {
      for (const fx of [0.35, 0.45, 0.55, 0.65]) {
        await page.mouse.click(box.x + box.width * fx, box.y + y);
        hit = await page.evaluate("location.hash.startsWith('#/feed')");
        if (hit) break;
      }
    }
    expect(hit, 'no click on the driver chart reached the feed').toBe(true);
    const params = new URLSearchParams((await page.evaluate('location.hash') as string).split('?')[1]);
    // the documents scored on the NPS scale, as the drivers count them (a scored comment too), not kind=survey
    expect(params.get('scale')).toBe('nps');
    expect(params.get('kind')).toBeNull();
    expect(params.get('polarity')).toBe('negative');
    const category = params.get('category');
    expect(category).toBeTruthy();
    await page.waitForSelector('.feed-card .score');
    expect(await page.inputValue('select[name=scale]')).toBe('nps');
    const chips = await page.locator('.feed-card .chip').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-polarity')}/${e.getAttribute('data-category')}`));
    expect(chips.length).toBeGreaterThan(0);
    expect(new Set(chips)).toEqual(new Set([`negative/${category}`]));
    // the feed lists the documents the bar counted
    const drivers = (await e2e.api<{ categories: { category: string; n: number }[] }>('GET', '/v1/stats/drivers')).body;
    const n = drivers.categories.find((d) => d.category === category)!.n;
    await expect.poll(() => page.textContent('.feed-count')).toMatch(new RegExp(`· ${n} 文档$`));
    await shot('nps-driver-feed');
  });

  test('a survey card shows score and question; × removes a tag and + adds one from a selection', async () => {
    await page.goto(`${e2e.server.base}/#/feed?kind=survey&channel=${SURVEY_CHANNEL}`);
    const card = page.locator(`.feed-card[data-doc-id="${surveyDoc.id}"]`);
    await card.waitFor({ timeout: 15_000 });
    await card.locator('.score').waitFor();
    expect(await card.locator('.score').getAttribute('data-score')).toBe('5');
    expect(await card.locator('.score').getAttribute('data-band')).toBe('detractor');
    expect(await card.locator('.score').textContent()).toContain('贬损者');
    expect(await card.locator('.survey-question').textContent()).toBe(SURVEY_QUESTION);
    expect(await card.locator('[data-text-root]').textContent()).toBe(SURVEY_ANSWER);

    // × on the first chip: the correction is sent and the chip leaves the card.
    const removed = (await card.locator('.chip').first().getAttribute('data-tag-id'))!;
    await card.locator(`.chip[data-tag-id="${removed}"] .chip-x`).click();
    await card.locator(`.chip[data-tag-id="${removed}"]`).waitFor({ state: 'detached' });
    let doc = (await e2e.api<Doc>('GET', `/v1/documents/${surveyDoc.id}`)).body;
    expect(doc.tags.some((t) => t.id === removed)).toBe(false);

    // + then drag-select 接入客户无通知 with the mouse, pick negative and a category, add.
    const phrase = '接入客户无通知';
    const start = SURVEY_ANSWER.indexOf(phrase);
    const end = start + phrase.length;
    await card.locator('.chip-add').click();
    await card.locator('.add-tag-hint').waitFor();
    const rect = (await page.evaluate(`(() => {
      const root = document.querySelector('.feed-card[data-doc-id="${surveyDoc.id}"] [data-text-root]');
      const at = (i) => {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let pos = 0;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const len = n.textContent.length;
          if (i < pos + len) { const r = document.createRange(); r.setStart(n, i - pos); r.setEnd(n, i - pos + 1); return r.getBoundingClientRect(); }
          pos += len;
        }
        return null;
      };
      const a = at(${start}), b = at(${end - 1});
      return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2 };
    })()`)) as { x1: number; y1: number; x2: number; y2: number };
    await page.mouse.move(rect.x1, rect.y1);
    await page.mouse.down();
    await page.mouse.move(rect.x2, rect.y2, { steps: 5 });
    await page.mouse.up();
    await card.locator('.add-tag-text').waitFor();
    expect(await card.locator('.add-tag-text').textContent()).toBe(phrase);
    await card.locator('.add-tag [data-polarity=negative]').click();
    await card.locator('select[name=addCategory]').selectOption('service_attitude');
    await shot('feed-add-tag');
    const before = new Set(doc.tags.map((t) => t.id));
    await card.locator('[data-action=add-tag]').click();
    await card.locator('.add-tag').waitFor({ state: 'detached' });
    doc = (await e2e.api<Doc>('GET', `/v1/documents/${surveyDoc.id}`)).body;
    const added = doc.tags.find((t) => !before.has(t.id));
    expect(added, 'no tag was added').toBeDefined();
    expect(added!.span).toEqual({ start, end });
    expect(added!.polarity).toBe('negative');
    expect(added!.category).toBe('service_attitude');
    expect(added!.source).toBe('human');
    await card.locator(`.chip[data-tag-id="${added!.id}"]`).waitFor();
    await shot('feed-survey-corrected');

    // After a reload the feed is rebuilt from the API: the removal and the addition both stuck.
    await page.reload();
    await card.locator(`.chip[data-tag-id="${added!.id}"][data-polarity=negative]`).waitFor({ timeout: 15_000 });
    expect(await card.locator(`.chip[data-tag-id="${removed}"]`).count()).toBe(0);
    doc = (await e2e.api<Doc>('GET', `/v1/documents/${surveyDoc.id}`)).body;
    expect(doc.tags.some((t) => t.id === removed)).toBe(false);
    expect(doc.tags.some((t) => t.id === added!.id && t.category === 'service_attitude')).toBe(true);
    expect(doc.reviewed).toBe(true);
  }, 60_000);

  test('document detail shows the survey score and question and links to the customer journey', async () => {
    await page.goto(`${e2e.server.base}/#/doc/${surveyDoc.id}`);
    await page.waitForSelector('.doc-page .survey-head .score');
    expect(await page.getAttribute('.doc-page .score', 'data-band')).toBe('detractor');
    expect(await page.textContent('.doc-page .survey-question')).toBe(SURVEY_QUESTION);
    await shot('document-survey');

    await page.click('a.journey-link');
    await page.waitForSelector('.journey-page canvas');
    expect(await page.evaluate('location.hash')).toBe(`#/customers/${CUSTOMER}`);
    await page.waitForSelector('.journey-table tbody tr');
    const journey = (await e2e.api<{ touchpoints: { documentId: string; emotion: number | null }[]; churnRisk: boolean }>('GET', `/v1/customers/${CUSTOMER}/journey`)).body;
    expect(journey.touchpoints.map((p) => p.documentId)).toEqual([ids.j0, ids.j1, ids.j2, ids.survey]);
    const rows = await page.locator('.journey-table tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-doc-id')));
    expect(rows).toEqual(journey.touchpoints.map((p) => p.documentId));
    expect(await page.getAttribute('.journey-page [data-churn-risk]', 'data-churn-risk')).toBe(String(journey.churnRisk));
    await waitSettled(page);
    await shot('journey');
    await page.click(`.journey-table tr[data-doc-id="${ids.j2}"] a`);
    await page.waitForSelector('.doc-card');
    expect(await page.textContent('.doc-card')).toContain('准备换运营商');
  });

  test('dashboard KPI table: negative share now vs the previous week, change and significance', async () => {
    // Survey answers reach back eight weeks, so the previous period now has tags too.
    type Row = { category: string; change: number | null; significant: boolean };
    const kpi = (await e2e.api<{ categories: Row[] }>('GET', '/v1/stats/kpi')).body;
    const compared = kpi.categories.filter((r) => r.change !== null);
    expect(compared.length).toBeGreaterThan(0);
    await page.goto(`${e2e.server.base}/#/dashboard`);
    await page.waitForSelector('.kpi-table tbody tr');
    for (const r of kpi.categories) {
      const row = page.locator(`.kpi-table tr[data-category="${r.category}"]`);
      expect(await row.getAttribute('data-significant')).toBe(String(r.significant));
      const cells = await row.locator('td').allTextContents();
      if (r.change !== null) expect(cells[3]).toContain(`${(r.change * 100).toFixed(1)} 个百分点`);
      expect(cells[4]!.includes('★')).toBe(r.significant);
    }
    await page.locator('.kpi-table-card').scrollIntoViewIfNeeded();
    await shot('dashboard-kpi-surveys');
    // A row opens that category's negative opinions.
    const first = page.locator('.kpi-table tbody tr').first();
    const category = await first.getAttribute('data-category');
    await first.click();
    await page.waitForSelector('.feed-card');
    const hash = (await page.evaluate('location.hash')) as string;
    expect(hash).toContain(`category=${category}`);
    expect(hash).toContain('polarity=negative');
  });

  test('an analyst key sees feed, dashboard, NPS, cases and export but not the labeling queue', async () => {
    const created = await e2e.api<{ key: string }>('POST', '/v1/api-keys', { name: 'e2e-analyst', roles: ['analyst'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ctx = await e2e.browser.newContext({ viewport: { width: 1400, height: 860 } });
    const p = await ctx.newPage();
    await p.goto(e2e.server.base + '/#/label');
    await p.fill('input[name=apiKey]', created.body.key);
    await p.click('button[type=submit]');
    await p.waitForSelector('.topbar nav a');
    const nav = await p.locator('.topbar nav a').evaluateAll((els) => els.map((e) => e.getAttribute('data-nav')));
    expect(nav).toEqual(['feed', 'dashboard', 'nps', 'cases', 'export']);
    // The labeling route is not offered, so the app falls back to the feed.
    await p.waitForSelector('.feed-card');
    // Inline corrections are for labelers and admins only.
    await p.locator('.feed-card .chip').first().waitFor();
    expect(await p.locator('.feed-card .chip-x').count()).toBe(0);
    expect(await p.locator('.feed-card .chip-add').count()).toBe(0);
    await p.goto(`${e2e.server.base}/#/nps`);
    await p.waitForSelector('.nps-value');
    await ctx.close();
  });

  test('English switch translates the console', async () => {
    await page.goto(`${e2e.server.base}/#/feed`);
    await page.click('[data-action=lang]');
    await waitForPage(page, "document.querySelector('.topbar nav')?.textContent?.includes('Feed')");
    await shot('feed-english');
    await page.goto(`${e2e.server.base}/#/nps`);
    await page.waitForSelector('.nps-value');
    expect(await page.textContent('.kpi-nps span')).toBe('Overall NPS');
    await page.waitForSelector('.drivers-category canvas');
    await waitSettled(page);
    await shot('nps-english');
    await page.click('[data-action=lang]');
    await waitForPage(page, "document.querySelector('.topbar nav')?.textContent?.includes('观点流')");
  });

  test('an ingest-only key sees a message and nothing else', async () => {
    const created = await e2e.api<{ key: string }>('POST', '/v1/api-keys', { name: 'e2e-ingest', roles: ['ingest'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await page.click('.topbar button.btn-small');
    await signIn(created.body.key);
    await page.waitForSelector('.notice');
    expect(await page.textContent('.notice')).toContain('仅有数据接入权限');
    expect(await page.locator('.topbar nav a').count()).toBe(0);
    await shot('ingest-only');
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });
});
