import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, signedInAs, waitDone } from './console-helpers.js';
import { openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The NPS page's driver bars on a phone, in English: a category's name with its low-sample mark on one line
// ("Waiting & processing speed (Low sample)", some 230 px) took most of a 340 px chart, leaving the bars a sliver
// whose axis numbers ran together ("3692"). The names may take at most half the chart: the mark goes on a
// line of its own, a long name breaks.

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];
const CHART = '.drivers-category .chart';

describe('NPS drivers on a phone (real server, chromium)', () => {
  beforeAll(async () => {
    const api = e2e.api;
    // a few answers: every driver is a low-sample one, and 等待与办理速度 (Waiting & processing speed) is among them
    const answers: [number, string][] = [
      [2, '退款申请一个星期了还没到账，客服一直推脱'],
      [3, '营业厅排队两个小时，工作人员态度冷淡'],
      [0, '账单看不懂，莫名其妙多了十块钱增值业务费'],
      [10, '客服态度非常好，问题十分钟就解决了'],
      [9, '安装师傅很专业，准时上门，好评'],
    ];
    for (const [i, [score, text]] of answers.entries()) {
      await waitDone(api, await ingest(api, { kind: 'survey', source: 'nps-survey', externalId: `np-${i}`, scale: 'nps', score, question: '您向朋友推荐我们的可能性有多大？', text }));
    }
    ({ page } = await openPage(e2e.browser, { width: 390, height: 844 }, { errors: pageErrors }));
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
  }, 120_000);

  test('the category names leave the bars at least half of the chart', async () => {
    await page.goto(`${e2e.server.base}/#/nps`);
    await waitForPage(page, `!!document.querySelector(${JSON.stringify(CHART)})?.chartOption`);
    const r = (await page.evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(CHART)});
      const y = el.chartOption.yAxis;
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = '12px "WenQuanYi Zen Hei", sans-serif';
      // as drawn: each line of a name, no wider than the axis' label width when it sets one (it breaks there)
      const cap = y.axisLabel?.width ?? Infinity;
      const widths = y.data.map((name) => Math.max(...String(name).split('\\n').map((line) => Math.min(cap, ctx.measureText(line).width))));
      return { names: y.data, widest: Math.max(...widths), chart: el.clientWidth };
    })()`)) as { names: string[]; widest: number; chart: number };
    expect(r.names.some((n) => n.replace(/\n/g, ' ').startsWith('Waiting & processing speed')), r.names.join(' | ')).toBe(true);
    expect(r.widest, `names: ${r.names.join(' | ')}`).toBeLessThanOrEqual(r.chart / 2);
    expect(pageErrors).toEqual([]);
  });
});
