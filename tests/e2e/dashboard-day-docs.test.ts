import { beforeAll, describe, expect, test } from 'vitest';
import { signedInAs, waitSettled } from './console-helpers.js';
import { openPage, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// 每日负面率: a day's point said its rate and how many tags it rests on (负面 3 / 共 5 个标签), never how many
// pieces of feedback those tags came from: five tags of one long complaint read like five customers. The
// tooltip and the data table now say both, from GET /v1/stats/summary's byDay of real documents sent to the
// real built service; nothing is replaced in the browser.

const e2e = useConsole();
const pageErrors: string[] = [];

/** The `day`th of last June, 04:00 UTC (noon in Beijing): dates of one year whenever the test runs. */
const lastJune = (day: number) => new Date(Date.UTC(new Date().getUTCFullYear() - 1, 5, day, 4)).toISOString();
const SEEDED: [number, string[]][] = [
  // one customer's long complaint: many tags, one document
  [8, ['前台服务态度很差，早餐太贵了，网速也很慢，房间隔音太差，空调噪音很大。']],
  // three customers: praise only, a complaint, a mixed one
  [9, ['房间很干净，服务很热情。', '退款申请一个星期了还没到账，客服电话也打不通。', '位置很方便，但是停车位太少了。']],
];
type Day = { day: string; negative: number; total: number; documents: number; negativeDocuments: number };
let byDay: Day[] = [];

describe('每日负面率 says how many documents a day rests on (real server, chromium)', () => {
  beforeAll(async () => {
    const documents = SEEDED.flatMap(([d, texts]) => texts.map((text, i) => ({ kind: 'comment', source: 'dianping', externalId: `day-docs-${d}-${i}`, text, occurredAt: lastJune(d) })));
    const res = await e2e.api('POST', '/v1/documents/batch', { documents });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(207);
    await waitFor(
      'the documents analyzed',
      async () => {
        const pending = await Promise.all(['queued', 'processing'].map((s) => e2e.api<{ items: unknown[] }>('GET', `/v1/documents?status=${s}&limit=1`)));
        return pending.every((p) => p.body.items.length === 0);
      },
      60_000,
    );
    byDay = (await e2e.api<{ byDay: Day[] }>('GET', '/v1/stats/summary')).body.byDay;
  }, 90_000);

  test('each day’s point and table row name its documents beside its tags, in Chinese and English', async () => {
    const days = SEEDED.map(([d]) => lastJune(d).slice(0, 10));
    // what the seeded texts are, read by the analyzer: the one complaint on the first day, three documents (two negative) on the second
    expect(byDay.find((d) => d.day === days[0])).toMatchObject({ documents: 1, negativeDocuments: 1 });
    expect(byDay.find((d) => d.day === days[1])).toMatchObject({ documents: 3, negativeDocuments: 2 });
    for (const lang of ['zh', 'en'] as const) {
      const { page } = await openPage(e2e.browser, { width: 1366, height: 768 }, { errors: pageErrors });
      await signedInAs(page, e2e.server.base, e2e.server.adminKey, lang);
      await page.goto(`${e2e.server.base}/#/dashboard?from=${days[0]}&to=${days[1]}T23:59:59.999Z`);
      await waitSettled(page);
      const section = '.chart-grid > .chart-card:nth-child(2)';
      const chart = `${section} .chart`;
      await page.locator(chart).scrollIntoViewIfNeeded();
      const r = (await page.evaluate(`(() => {
        const el = document.querySelector(${JSON.stringify(chart)});
        const box = el.getBoundingClientRect();
        return { axis: el.chartOption.xAxis.data, points: el.chartSeries()[0].points, origin: [box.left, box.top] };
      })()`)) as { axis: string[]; points: [number, number][]; origin: [number, number] };
      for (const day of days) {
        const d = byDay.find((x) => x.day === day)!;
        const [x, y] = r.points[r.axis.indexOf(day)]!;
        await page.mouse.move(r.origin[0] + x, r.origin[1] + y);
        const tip = page.locator(`${chart} .chart-tip`);
        await waitFor(`the tooltip of ${day}`, async () => ((await tip.count()) > 0 && (await tip.isVisible()) && (await tip.textContent())?.includes(day) ? true : null), 5_000);
        const said = (await tip.textContent()) ?? '';
        const docs =
          lang === 'zh'
            ? `来自 ${d.documents} 篇反馈，其中 ${d.negativeDocuments} 篇有负面`
            : `from ${d.documents} document${d.documents === 1 ? '' : 's'}, ${d.negativeDocuments} with a negative tag`;
        expect(said, `${lang} ${day}`).toContain(docs);
        expect(said, `${lang} ${day}: the tag counts stay`).toContain(lang === 'zh' ? `共 ${d.total} 个标签` : `of ${d.total} tags`);
      }
      await page.click(`${section} .chart-data summary`);
      const table = (await page.evaluate(`(() => {
        const t = document.querySelector(${JSON.stringify(`${section} .chart-data table`)});
        return [...t.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent.trim()));
      })()`)) as string[][];
      expect(table[0]!.slice(-2)).toEqual(lang === 'zh' ? ['反馈数', '有负面的反馈'] : ['Documents', 'Documents with a negative']);
      for (const day of days) {
        const d = byDay.find((x) => x.day === day)!;
        expect(table.find((row) => row[0] === day)?.slice(-2), `${lang} ${day} row`).toEqual([String(d.documents), String(d.negativeDocuments)]);
      }
      await page.context().close();
    }
    expect(pageErrors).toEqual([]);
  });
});

