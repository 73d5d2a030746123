import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ingest, openRoute, seedCustomerHistory, signIn, waitDone, waitSettled } from './console-helpers.js';
import { openPage, ROOT, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The console's Content-Security-Policy has no 'unsafe-inline' in style-src: styles come from the
// bundle's stylesheet and the CSSOM (React's style props, ECharts' element.style), never from markup
// with style attributes or <style> elements. Every console page is opened with data present, chart
// tooltips and dialogs are opened, and any violation the browser reports fails the test.

const COMMENTS = [
  '网络很卡，经常断线，客服态度很好。',
  '快递太慢了，等了一个星期，价格还贵。',
  '这个手机质量很差，用了两天就坏了。',
  '资费太贵了，套餐不透明，乱扣费。',
  '信号很好，网速很快，非常满意。',
  '营业厅排队太久，工作人员态度冷淡。',
];
const CUSTOMER = 'csp-cust-1';
const DAY = 86_400_000;

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
  source: string;
  page: string;
}

const e2e = useConsole();
let context: BrowserContext;
let page: Page;
const ids: string[] = [];
let transcriptId = '';
const violations: Violation[] = [];
const consoleCsp: string[] = [];
const pageErrors: string[] = [];

// Browser code as strings: the test tsconfig has no DOM lib. The listener is installed before any of
// the page's own scripts run, in every document the context opens, and hands each violation to Node
// through a binding (which the page's CSP does not govern), so none is lost to a reload.
const RECORD_VIOLATIONS = `window.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolation({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: String(e.blockedURI || ''),
    sample: String(e.sample || ''),
    source: (e.sourceFile || '') + ':' + e.lineNumber + ':' + e.columnNumber,
    page: location.pathname + location.hash,
  });
}, true);`;

function watch(p: Page): void {
  p.on('pageerror', (e) => pageErrors.push(e.message));
  p.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) consoleCsp.push(`${p.url()}: ${m.text()}`);
  });
}

/**
 * Violations so far, emptied; the console messages Chromium logs for them are checked alongside. The page
 * reports a violation in an event of its own, a task after the style was refused, and the event reaches Node
 * through the binding: once a call of the binding made after the page's next frames and tasks has come back,
 * every report the page made before it has arrived (binding calls arrive in order). The page is waited for
 * first (waitSettled by the callers): what it draws after a late answer is still checked.
 */
async function takeViolations(): Promise<{ events: Violation[]; console: string[] }> {
  await page.evaluate(`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))).then(() => window.__cspViolation({ flush: true }))`);
  return { events: violations.splice(0), console: consoleCsp.splice(0) };
}

/** A short account of violations for a failure message: each kind once, with how often it happened. */
function summary(v: { events: Violation[]; console: string[] }): string[] {
  const counts = new Map<string, number>();
  for (const e of v.events) {
    const k = `${e.directive} at ${e.source}${e.sample ? ` (${e.sample})` : ''} on ${e.page}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const c of v.console) {
    const k = `console: ${c.slice(0, 160)}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n}× ${k}`);
}

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of (header ?? '').split(';')) {
    const [name, ...values] = d.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

/**
 * The console's routes, read from the code that routes them, so that a page added later is either
 * given a ready selector here or fails this test: the shell's sections (app.tsx, hash routes parsed by
 * router.ts) and the admin area's sub-pages (admin/sections.ts).
 */
function consoleRoutes(): { sections: string[]; admin: string[] } {
  const app = fs.readFileSync(path.join(ROOT, 'web/src/app.tsx'), 'utf8');
  const sections = [...new Set([...app.matchAll(/section === '([a-z-]+)'/g)].map((m) => m[1]!))];
  const src = fs.readFileSync(path.join(ROOT, 'web/src/admin/sections.ts'), 'utf8');
  const admin = [...src.matchAll(/\{ path: '([a-z-]+)', label:/g)].map((m) => m[1]!);
  return { sections, admin };
}

/** What shows once each page has loaded its data. */
const READY: Record<string, string> = {
  feed: '.feed-card .chip',
  dashboard: '.kpi-table tbody tr',
  nps: '.drivers-category canvas',
  label: '.label-text',
  export: '.export-actions',
  ingest: '.ingest-form',
  models: '.models-page',
  cases: '.cases-page [data-case-id]',
  doc: '.doc-card',
  customers: '.journey-table',
  admin: '.admin-page .adm-section',
  'admin/keys': '.keys-table',
  'admin/settings': '.settings-form',
  'admin/lexicon': '.lexicon-form',
  'admin/webhooks': '.create-webhook',
  'admin/rules': '[data-action=new-rule]',
  'admin/routing': '.routing-form',
  'admin/erasure': '.erasure-form',
  'admin/audit': '[data-admin-section=audit] .adm-footer',
};

/** Moves the pointer over a chart until ECharts shows its tooltip; returns the tooltip's text. */
async function hoverChart(chart: Locator, probe: (w: number, h: number) => [number, number][]): Promise<string> {
  const canvas = chart.locator('canvas').first();
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  for (const [x, y] of probe(box.width, box.height)) {
    await page.mouse.move(box.x + x, box.y + y);
    // ECharts' tooltip is the element it adds after its own drawing surface in the chart's box; away from
    // the chart's marks there may be none to wait for
    const tip = chart.locator('.chart > div + div');
    const shown = async () => ((await tip.count()) > 0 && (await tip.first().isVisible()) ? ((await tip.first().textContent()) ?? '').trim() || null : null);
    const text = await waitFor('a tooltip', shown, 150).catch(() => null);
    if (text) return text;
  }
  throw new Error(`no tooltip over ${await chart.evaluate('(e) => e.className')}`);
}

const across = (w: number, h: number): [number, number][] => {
  const out: [number, number][] = [];
  for (const fy of [0.5, 0.35, 0.65, 0.2, 0.8]) for (const fx of [0.3, 0.5, 0.7, 0.15, 0.85]) out.push([w * fx, h * fy]);
  return out;
};

describe('Content-Security-Policy: no inline styles anywhere in the console (real server, chromium)', () => {
  beforeAll(async () => {
    const now = Date.now();
    ids.push(...(await seedCustomerHistory(e2e.api, { prefix: 'csp', customer: CUSTOMER, comments: COMMENTS, n: 12, at: (i) => new Date(now - (i % 6) * DAY - i * 3_600_000).toISOString() })));
    transcriptId = await ingest(e2e.api, {
      kind: 'transcript',
      source: 'call',
      externalId: 'csp-call',
      customerId: CUSTOMER,
      turns: [
        { speaker: 'agent', text: '您好，请问有什么可以帮您？' },
        { speaker: 'customer', text: '我家宽带网络很卡，一直断线，售后也不来修。' },
        { speaker: 'agent', text: '非常抱歉，我马上为您登记报修。' },
      ],
    });
    ids.push(transcriptId);
    await Promise.all(ids.map((id) => waitDone(e2e.api, id)));
    // Rows for the webhook and rule pages (deliveries to this host fail, which those pages also show).
    const hook = await e2e.api<{ id: string }>('POST', '/v1/webhooks', { url: 'https://hooks.example.com/guandian-csp', description: '工单系统' });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const rule = await e2e.api('POST', '/v1/rules', { name: '应用差评', type: 'document', webhookIds: [hook.body.id], match: { channels: ['app'] } });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    ({ context, page } = await openPage(
      e2e.browser,
      { width: 1400, height: 860 },
      {
        beforePage: async (c) => {
          // a report, or takeViolations' marker that every report before it has arrived
          await c.exposeFunction('__cspViolation', (v: Violation | { flush: true }) => void ('flush' in v || violations.push(v)));
          await c.addInitScript(RECORD_VIOLATIONS);
        },
      },
    ));
    watch(page);
  }, 180_000);

  test('the console is served without unsafe-inline in its style directives', async () => {
    const res = await page.goto(`${e2e.server.base}/`);
    for (const header of [res!.headers()['content-security-policy'], (await fetch(`${e2e.server.base}/feed`)).headers.get('content-security-policy') ?? undefined]) {
      const csp = directives(header);
      expect(csp.get('style-src'), header).toEqual(["'self'"]);
      for (const name of ['style-src-attr', 'style-src-elem', 'default-src']) expect(csp.get(name) ?? [], `${name} in ${header}`).not.toContain("'unsafe-inline'");
      expect(csp.get('script-src')).toEqual(["'self'"]);
    }
  });

  test('the check sees a violation: markup with a style attribute or a <style> element is refused and reported', async () => {
    await page.goto(`${e2e.server.base}/`);
    await page.waitForSelector('input[name=apiKey]');
    await takeViolations();
    // What a library injecting markup would do.
    await page.evaluate(`(() => {
      const d = document.createElement('div');
      d.innerHTML = '<span class="csp-canary" style="color: rgb(255, 0, 0)">x</span><style>.csp-canary { font-size: 40px }</style>';
      document.body.append(d);
    })()`);
    const applied = await page.evaluate(`(() => { const s = getComputedStyle(document.querySelector('.csp-canary')); return [s.color, s.fontSize]; })()`);
    expect(applied).not.toContain('rgb(255, 0, 0)');
    expect(applied).not.toContain('40px');
    const seen = await takeViolations();
    expect([...new Set(seen.events.map((v) => v.directive))].sort()).toEqual(['style-src-attr', 'style-src-elem']);
    expect(seen.console.length).toBeGreaterThanOrEqual(2);
    await page.reload();
    await page.waitForSelector('input[name=apiKey]');
    await takeViolations();

    // And one raised by what the console draws once a slow answer is in, well after the page's first content
    // (the feed's cards, 1.5 s after the top bar): the check waits for the page to settle, not a fixed time.
    const tags = (u: URL) => u.pathname === '/v1/tags';
    await page.route(tags, async (r) => {
      await new Promise((res) => setTimeout(res, 1500));
      await r.continue();
    });
    await page.evaluate(`new MutationObserver((_, o) => {
      if (!document.querySelector('.feed-card')) return;
      o.disconnect();
      const d = document.createElement('div');
      d.innerHTML = '<span class="csp-late-canary" style="color: rgb(255, 0, 0)">x</span>';
      document.body.append(d);
    }).observe(document.body, { childList: true, subtree: true })`);
    await page.fill('input[name=apiKey]', e2e.server.adminKey);
    await page.click('button[type=submit]');
    await page.waitForSelector('.topbar');
    await waitSettled(page);
    expect(await page.locator('.csp-late-canary').count(), 'the canary comes with the feed').toBe(1);
    expect((await takeViolations()).events.map((v) => v.directive)).toContain('style-src-attr');
    await page.unroute(tags);
    // signed out again: the test below starts at the sign-in page
    await page.getByRole('button', { name: /退出|Sign out/ }).click();
    await page.waitForSelector('input[name=apiKey]');
    await takeViolations();
  });

  test('every page, with data, chart tooltips and dialogs open, raises no violation', async () => {
    const found: Record<string, string[]> = {};
    const check = async (what: string) => {
      const v = await takeViolations();
      if (v.events.length || v.console.length) found[what] = summary(v);
    };

    // The sign-in page, then the whole console signed in.
    await page.goto(`${e2e.server.base}/`);
    await page.waitForSelector('input[name=apiKey]');
    await check('sign-in');
    await signIn(page, e2e.server.base, e2e.server.adminKey);
    await check('after sign-in');

    const { sections, admin } = consoleRoutes();
    expect(sections).toEqual(expect.arrayContaining(['feed', 'dashboard', 'nps', 'customers', 'label', 'export', 'ingest', 'models', 'admin', 'doc']));
    expect(admin.length).toBeGreaterThanOrEqual(8);
    const hashes: [string, string][] = [];
    for (const s of sections) {
      expect(READY[s], `no ready selector for the console section "${s}": add it to READY`).toBeDefined();
      const hash = s === 'doc' ? `#/doc/${ids[0]}` : s === 'customers' ? `#/customers/${CUSTOMER}` : `#/${s}`;
      hashes.push([hash, READY[s]!]);
    }
    for (const a of admin) {
      expect(READY[`admin/${a}`], `no ready selector for the admin section "${a}": add it to READY`).toBeDefined();
      hashes.push([`#/admin/${a}`, READY[`admin/${a}`]!]);
    }
    hashes.push(
      [`#/doc/${transcriptId}`, '.turn'],
      ['#/feed?q=zzzzqqq', '.page'],
      ['#/nps?scale=csat&interval=month', '.drivers-category canvas'],
      ['#/doc/does-not-exist', '[role=alert]'],
    );
    for (const [hash, ready] of hashes) {
      // A fresh document for each page, as a bookmark would open it: the route, reloaded. (Through about:blank
      // each page started a new renderer process, about a second of Chromium's CPU, for the same document.)
      await page.goto(`${e2e.server.base}/${hash}`);
      await page.reload();
      await page.waitForSelector(ready, { timeout: 20_000 });
      // not only the first content: every request the page makes answered and drawn (a chart, a late table)
      await waitSettled(page);
      await check(hash);
    }

    // Chart tooltips: ECharts' default (dashboard) and the pages' own (NPS drivers and trend, journey).
    await openRoute(page, e2e.server.base, '#/dashboard', '.kpi-table tbody tr');
    const cards = await page.locator('.chart-card').count();
    expect(cards).toBeGreaterThanOrEqual(3);
    const tips: string[] = [];
    for (let i = 0; i < cards; i++) {
      const card = page.locator('.chart-card').nth(i);
      if ((await card.locator('canvas').count()) === 0) continue;
      tips.push(await hoverChart(card, across));
    }
    expect(tips.length).toBeGreaterThanOrEqual(3);
    // The default tooltip is built as elements: a header, then a coloured marker, a name and a value per series.
    const markers = (await page.evaluate("[...document.querySelectorAll('.chart-tip-marker')].map((e) => getComputedStyle(e).backgroundColor)")) as string[];
    // the chart data tables open too
    await page.locator('.chart-data summary').first().click();
    await check('dashboard tooltips');

    await openRoute(page, e2e.server.base, '#/nps', '.drivers-category canvas');
    await waitSettled(page);
    expect(await hoverChart(page.locator('.drivers-category'), (w, h) => Array.from({ length: 12 }, (_, k): [number, number] => [w * 0.45, 14 + k * ((h - 40) / 12)]))).toMatch(/答卷数: \d+/);
    expect(await hoverChart(page.locator('.chart-wide'), across)).not.toBe('');
    await check('nps tooltips');

    await openRoute(page, e2e.server.base, `#/customers/${CUSTOMER}`, '.journey-table');
    await waitSettled(page);
    expect(await hoverChart(page.locator('.journey-page'), across)).toMatch(/\d/);
    await check('journey tooltip');

    // Dialogs: the labeling page's key help, the category picker, and the admin area's own.
    await openRoute(page, e2e.server.base, '#/label', '.label-text');
    await page.keyboard.press('?');
    await page.waitForSelector('.help[role=dialog]');
    await page.keyboard.press('Escape');
    await check('label help dialog');

    await openRoute(page, e2e.server.base, `#/feed?q=${encodeURIComponent('网络')}`, '.feed-card .chip');
    await page.locator('.feed-card .chip').first().click();
    await page.waitForSelector('.feed-card .tag-actions');
    await page.locator('.feed-card .tag-actions [data-action=category]').first().click();
    await page.waitForSelector('.picker');
    await page.keyboard.press('Escape');
    await check('category picker');

    await openRoute(page, e2e.server.base, '#/admin/keys', '.keys-table');
    await page.fill('input[name=keyName]', '质检 分析员');
    await page.check('.create-key input[name=role][value=analyst]');
    await page.click('[data-action=create-key]');
    await page.waitForSelector('[role=dialog][data-dialog=new-key]');
    await check('new key dialog');
    await page.click('[data-dialog=new-key] [data-action=close-secret]');
    await page.locator('.keys-table tbody tr').first().locator('[data-action=revoke]').click();
    await page.waitForSelector('[role=dialog][data-dialog=revoke-key]');
    await page.keyboard.press('Escape');
    await check('revoke key dialog');

    await openRoute(page, e2e.server.base, '#/admin/webhooks', '.create-webhook');
    const edit = page.locator('[data-action=edit-webhook]').first();
    await edit.click();
    await page.waitForSelector('[role=dialog][data-dialog=edit-webhook]');
    await page.keyboard.press('Escape');
    await check('webhook dialog');

    expect(found).toEqual({});
    expect(pageErrors).toEqual([]);
    expect(markers.length).toBeGreaterThan(0);
    // each marker in its series' colour, set through the CSSOM: the stacked polarity bars show several
    expect(new Set(markers).size).toBeGreaterThanOrEqual(2);
  }, 240_000);

  test('a key without the admin role sees the admin area\'s refusal without a violation', async () => {
    const created = await e2e.api<{ key: string }>('POST', '/v1/api-keys', { name: 'csp analyst', roles: ['analyst'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const other = await context.newPage();
    watch(other);
    const current = page;
    page = other;
    try {
      await signIn(other, e2e.server.base, created.body.key, '#/admin/keys');
      await other.waitForSelector('.page');
      await waitFor('the refusal', async () => (await other.locator('main').textContent())?.trim() || null, 10_000);
      expect(summary(await takeViolations())).toEqual([]);
    } finally {
      page = current;
      await other.close();
    }
  });

  test('the API documentation page (Swagger UI) raises no violation either', async () => {
    await page.goto(`${e2e.server.base}/docs`);
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 20_000 });
    await page.locator('.swagger-ui .opblock-summary').first().click();
    await page.waitForSelector('.swagger-ui .opblock-body');
    await page.waitForTimeout(300);
    expect(summary(await takeViolations())).toEqual([]);
  });
});
