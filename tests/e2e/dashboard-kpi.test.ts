import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { signIn } from './console-helpers.js';
import { openPage, waitFor, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// QA audit at scale, against the real server in Chromium:
// F1 — without dates the KPI table counts the last 7 days while the charts count all time; a row's
//      drill-down opened the feed over all time. It must open what the row counted, and say its period.
// F2 — the KPI table ignored `kind`, which the charts above it and its drill-down apply.
// F3 — for the console's end-of-day `to` the KPI dropped that last millisecond, which the charts count.
// F5 — the labeling page's counts stayed at the number from when the queue was opened.

const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;
const NEG = '网络信号太差';
const POS = '网络很顺畅';

const e2e = useConsole({ TIME_ZONE: TZ });
let page: Page;

const dayIn = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(ms));
const today = () => dayIn(Date.now());
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

type KpiRow = { category: string; current: { negative: number; total: number } };

async function post(documents: Record<string, unknown>[]): Promise<void> {
  const res = await e2e.api<{ items: { id?: string }[] }>('POST', '/v1/documents/batch', { documents });
  expect(res.status).toBe(207);
  const ids = res.body.items.map((it) => it.id!);
  await waitFor(`${ids.length} documents tagged`, async () => {
    for (const id of ids) if ((await e2e.api<{ status: string }>('GET', `/v1/documents/${id}`)).body.status !== 'done') return null;
    return true;
  }, 120_000);
}

beforeAll(async () => {
  const now = Date.now();
  const at = (ms: number) => new Date(ms).toISOString();
  const doc = (externalId: string, kind: string, text: string, occurredAt: string, source = 'kpi-e2e') => ({
    kind,
    source,
    externalId,
    text,
    occurredAt,
    ...(kind === 'survey' ? { score: 2, scale: 'nps' } : {}),
  });
  await post([
    // this week: 3 comment and 2 survey complaints about the network, 1 praise
    ...[0, 1, 2].map((i) => doc(`recent-c-${i}`, 'comment', NEG, at(now - DAY - i * 3_600_000))),
    ...[0, 1].map((i) => doc(`recent-s-${i}`, 'survey', NEG, at(now - DAY - i * 3_600_000))),
    doc('recent-pos', 'comment', POS, at(now - 2 * DAY)),
    // the week before: 1 complaint; a month ago: 6 more, which only an all-time feed shows
    doc('prev', 'comment', NEG, at(now - 10 * DAY)),
    ...[0, 1, 2, 3, 4, 5].map((i) => doc(`old-${i}`, 'comment', NEG, at(now - 30 * DAY - i * DAY))),
    // F3: complaints in the middle and on the last millisecond of 2026-06-10, Beijing time
    doc('edge-mid', 'comment', NEG, '2026-06-05T12:00:00', 'kpi-edge-e2e'),
    doc('edge-last', 'comment', NEG, '2026-06-10T23:59:59.999', 'kpi-edge-e2e'),
    doc('edge-after', 'comment', NEG, '2026-06-11T00:00:00.000', 'kpi-edge-e2e'),
  ]);
  ({ page } = await openPage(e2e.browser, { width: 1366, height: 900 }));
  await signIn(page, e2e.server.base, e2e.server.adminKey);
}, 240_000);

const rowSel = (category: string) => `.kpi-table tr[data-category="${category}"]`;

/** Opens the dashboard fresh (reload: no earlier query's table can show) and waits for a KPI row. */
async function openDashboard(hash: string, category: string): Promise<void> {
  await page.goto(`${e2e.server.base}/#/dashboard${hash}`);
  await page.reload();
  await page.waitForSelector(rowSel(category), { timeout: 20_000 });
}

/** "negative / total" of the row's current period, as the table shows it. */
async function rowCurrent(category: string): Promise<{ negative: number; total: number }> {
  const title = (await page.locator(`${rowSel(category)} td.num`).first().getAttribute('title')) ?? '';
  const [negative, total] = title.split('/').map((x) => Number(x.trim()));
  return { negative: negative!, total: total! };
}

/** Clicks the row's category and waits for the feed it opens to count its tags. */
async function drill(category: string): Promise<{ params: URLSearchParams; count: number }> {
  await page.click(`${rowSel(category)} button`);
  await waitForPage(page, "location.hash.startsWith('#/feed') && document.querySelector('.feed-count')?.dataset.complete === 'true'", 20_000);
  const params = new URLSearchParams(((await page.evaluate('location.hash')) as string).split('?')[1] ?? '');
  const text = (await page.textContent('.feed-count')) ?? '';
  const m = /^(\d+) 条匹配/.exec(text);
  expect(m, text).not.toBeNull();
  return { params, count: Number(m![1]) };
}

describe('dashboard KPI table', () => {
  test('F1: without dates the table compares the last 7 days, says so, and its drill-down opens exactly those days', async () => {
    await openDashboard('?channel=kpi-e2e', 'network');
    const from = addDays(today(), -6);
    const head = (await page.textContent('.kpi-table-card h2')) ?? '';
    expect(head).toContain(`本期 ${from} ~ ${today()}`);
    expect(head).toContain(`上期 ${addDays(from, -7)} ~ ${addDays(from, -1)}`);
    expect(await page.textContent('.kpi-default-period')).toBe('（未选日期：最近 7 天，上方图表为全部时间）');

    const row = await rowCurrent('network');
    expect(row).toEqual({ negative: 5, total: 6 });
    const { params, count } = await drill('network');
    expect(Object.fromEntries(params)).toEqual({ channel: 'kpi-e2e', from, to: today(), category: 'network', polarity: 'negative' });
    // the feed lists the 5 the row counted, not the 12 of all time
    expect(count).toBe(row.negative);
    expect(await page.inputValue('input[name=from]')).toBe(from);
    expect(await page.inputValue('input[name=to]')).toBe(today());

    await page.evaluate("localStorage.setItem('guandian.lang', 'en')");
    await openDashboard('?channel=kpi-e2e', 'network');
    expect(await page.textContent('.kpi-default-period')).toBe(' (no dates chosen: the last 7 days, while the charts above cover all time)');
    await page.evaluate("localStorage.setItem('guandian.lang', 'zh')");
  });

  test('F2: kind scopes the table as it scopes the charts, and the drill-down opens what the row counted', async () => {
    await openDashboard('?channel=kpi-e2e&kind=survey', 'network');
    const row = await rowCurrent('network');
    expect(row).toEqual({ negative: 2, total: 2 });
    const kpi = (await e2e.api<{ categories: KpiRow[] }>('GET', `/v1/stats/kpi?channel=kpi-e2e&kind=survey&from=${addDays(today(), -6)}&to=${today()}T23:59:59.999`)).body;
    expect(kpi.categories.find((c) => c.category === 'network')?.current).toMatchObject(row);
    const { params, count } = await drill('network');
    expect(params.get('kind')).toBe('survey');
    expect(count).toBe(2);

    await openDashboard('?channel=kpi-e2e&kind=comment', 'network');
    expect(await rowCurrent('network')).toEqual({ negative: 3, total: 4 });
  });

  test('F3: with dates chosen, a tag on the last millisecond of the last day is in the table as in the charts', async () => {
    await openDashboard('?channel=kpi-edge-e2e&from=2026-06-04&to=2026-06-10', 'network');
    expect(await page.locator('.kpi-default-period').count()).toBe(0);
    const head = (await page.textContent('.kpi-table-card h2')) ?? '';
    expect(head).toContain('本期 2026-06-04 ~ 2026-06-10');
    expect(head).toContain('上期 2026-05-28 ~ 2026-06-03');
    // the charts (the summary) and the table's current period count the same 2 complaints
    const summary = (await e2e.api<{ byCategory: { category: string; negative: number; total: number }[] }>('GET', '/v1/stats/summary?channel=kpi-edge-e2e&from=2026-06-04&to=2026-06-10T23:59:59.999')).body;
    const charted = summary.byCategory.find((c) => c.category === 'network');
    expect(await rowCurrent('network')).toEqual({ negative: charted!.negative, total: charted!.total });
    expect(await rowCurrent('network')).toEqual({ negative: 2, total: 2 });
    const { params, count } = await drill('network');
    expect([params.get('from'), params.get('to')]).toEqual(['2026-06-04', '2026-06-10']);
    expect(count).toBe(2);
  });
});

describe('labeling queue count', () => {
  const remaining = () => page.evaluate("document.querySelector('.queue-remaining')?.getAttribute('data-remaining') ?? null") as Promise<string | null>;
  const apiRemaining = async () => (await e2e.api<{ total: number }>('GET', '/v1/labeling/queue?limit=1&withTotal=true')).body.total;
  const shows = (n: number) => waitForPage(page, `document.querySelector('.queue-remaining')?.getAttribute('data-remaining') === '${n}'`, 20_000);

  test('F5: the unreviewed count follows accepts, a correction, its undo, and another labeler', async () => {
    await page.goto(`${e2e.server.base}/#/label`);
    await page.reload();
    await page.waitForSelector('.label-text', { timeout: 20_000 });
    const start = await apiRemaining();
    expect(start).toBeGreaterThan(5);
    await shows(start);
    expect(await page.textContent('.queue-remaining')).toBe(`待审核 ${start} 篇`);
    const docOf = (await page.textContent('.doc-of')) ?? '';

    await page.keyboard.press('a');
    await page.keyboard.press('a');
    await shows(start - 2);
    expect(await apiRemaining()).toBe(start - 2);
    // the list being paged through keeps its size: the accepted documents are still in it, behind
    expect(await page.textContent('.doc-of')).toBe(docOf.replace(/第 1 /, '第 3 '));

    // a correction takes the document out; undoing it (the only correction on it) puts it back
    await page.keyboard.press('3');
    await shows(start - 3);
    await page.keyboard.press('u');
    await shows(start - 2);
    expect(await apiRemaining()).toBe(start - 2);

    // another labeler accepts a document this page has not reached: the next action here shows it too
    const queue = (await e2e.api<{ items: { id: string }[] }>('GET', '/v1/labeling/queue?limit=100')).body.items;
    const other = queue[queue.length - 1]!.id;
    expect((await e2e.api('POST', `/v1/documents/${other}/corrections`, { actions: [{ op: 'accept' }] })).status).toBe(200);
    await page.keyboard.press('a');
    await shows(start - 4);
    expect(await apiRemaining()).toBe(start - 4);

    // and without any action here: coming back to the tab reads the count again
    const later = (await e2e.api<{ items: { id: string }[] }>('GET', '/v1/labeling/queue?limit=100')).body.items;
    expect((await e2e.api('POST', `/v1/documents/${later[later.length - 1]!.id}/corrections`, { actions: [{ op: 'accept' }] })).status).toBe(200);
    expect(await apiRemaining()).toBe(start - 5);
    expect(await remaining()).toBe(String(start - 4));
    await page.evaluate("window.dispatchEvent(new Event('focus'))");
    await shows(start - 5);

    await page.evaluate("localStorage.setItem('guandian.lang', 'en')");
    await page.reload();
    await page.waitForSelector('.label-text', { timeout: 20_000 });
    expect(await remaining()).toBe(String(start - 5));
    expect(await page.textContent('.queue-remaining')).toBe(`${start - 5} left to review`);
    await page.evaluate("localStorage.setItem('guandian.lang', 'zh')");
  });
});
