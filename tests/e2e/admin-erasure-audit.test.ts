import type { Page, Request } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectTabTrapped, pageHeading, shot, until } from './admin-helpers.js';
import { ingest, openRoute, signedInAs, waitDone } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Right to erasure and the audit log in the admin area, against the real service in a time zone
// other than the browser's (times must read in the service's TIME_ZONE, as everywhere in the console).

const ZONE = 'Asia/Shanghai';
const CUSTOMER = 'cust-erase-1';

interface Erasure {
  deleted: { documents: number; tags: number };
  models: { withdrawn: string[]; active: string | null; retrainJob: string | null };
}
interface Audit {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  at: string;
}

const e2e = useConsole({ TIME_ZONE: ZONE });
let page: Page;
const pageErrors: string[] = [];
const docs: Record<string, string> = {};

/** Every audit entry the API has for the tenant, newest first, page by page on its cursor. */
async function auditAll(action?: string): Promise<Audit[]> {
  const out: Audit[] = [];
  let cursor: string | null = null;
  do {
    const q: URLSearchParams = new URLSearchParams({ limit: '50', ...(action ? { action } : {}), ...(cursor ? { cursor } : {}) });
    const res: { status: number; body: { items: Audit[]; nextCursor: string | null } } = await e2e.api('GET', `/v1/audit?${q}`);
    expect(res.status).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

const inZone = (iso: string) => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
};

/** Opens the erasure dialog for `id` and returns it. */
async function askToErase(by: 'customer' | 'document', id: string) {
  await page.check(`input[name=eraseBy][value=${by}]`);
  await page.fill('input[name=eraseTarget]', id);
  await page.click('[data-action=erase]');
  const dialog = page.locator('[role=dialog][data-dialog=erase]');
  await dialog.waitFor();
  return dialog;
}

describe('admin: erasure and the audit log (real server in Asia/Shanghai, chromium)', () => {
  beforeAll(async () => {
    docs.a = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'er-a', customerId: CUSTOMER, text: '网络很卡，经常断线，客服态度很好。' });
    docs.b = await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'er-b', customerId: CUSTOMER, text: '快递太慢了，等了一个星期，价格还贵。' });
    docs.c = await ingest(e2e.api, { kind: 'comment', source: 'web', externalId: 'er-c', text: '这个手机质量很差，用了两天就坏了，售后也不理人。' });
    docs.d = await ingest(e2e.api, { kind: 'comment', source: 'web', externalId: 'er-d', text: '信号很好，网速很快，非常满意。' });
    for (const id of Object.values(docs)) await waitDone(e2e.api, id);
    // The browser runs on UTC; the service on Beijing time.
    ({ page } = await openPage(e2e.browser, { width: 1300, height: 900 }, { errors: pageErrors, options: { timezoneId: 'UTC' } }));
  }, 180_000);

  test('a document is erased only once its id is typed again; the counts the API returns are shown and the document is gone', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/admin/erasure', '.erasure-form');
    expect(await pageHeading(page)).toBe('管理 · 数据删除');
    const deletes: string[] = [];
    const onRequest = (r: Request) => r.method() === 'DELETE' && deletes.push(r.url());
    page.on('request', onRequest);

    // No id: said next to the box, nothing asked.
    await page.check('input[name=eraseBy][value=document]');
    await page.click('[data-action=erase]');
    expect(await page.textContent('#erase-target-error')).toBe('请输入要删除的 ID');
    expect(await page.locator('[data-dialog=erase]').count()).toBe(0);

    const tagsBefore = (await e2e.api<{ items: unknown[] }>('GET', `/v1/tags?documentId=${docs.c}&limit=100`)).body.items.length;
    expect(tagsBefore).toBeGreaterThan(0);
    const dialog = await askToErase('document', docs.c!);
    expect(await dialog.locator('h2').textContent()).toBe('删除这篇文档？');
    expect(await dialog.textContent()).toContain(docs.c);
    expect(await dialog.textContent()).toContain('此操作不可撤销');
    const confirm = dialog.locator('[data-action=confirm]');
    const typed = dialog.locator('input[name=confirm-typed]');
    // The typed box has focus, Tab stays in the dialog.
    expect(await page.evaluate("document.activeElement && document.activeElement.getAttribute('name')")).toBe('confirm-typed');
    await expectTabTrapped(page);
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill(docs.c!.slice(0, -1));
    expect(await confirm.isDisabled()).toBe(true);
    expect(await dialog.textContent()).toContain('与要删除的 ID 不一致');
    await typed.press('Enter');
    await typed.fill(`${docs.c} `);
    expect(await confirm.isDisabled()).toBe(true);
    expect(deletes).toEqual([]);
    await typed.fill(docs.c!);
    expect(await confirm.isEnabled()).toBe(true);
    await shot(page, 'admin-erase-confirm');
    const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/v1/documents/${docs.c}`) && r.request().method() === 'DELETE'), confirm.click()]);
    expect(resp.status()).toBe(200);
    const body = (await resp.json()) as Erasure;
    expect(body.deleted).toEqual({ documents: 1, tags: tagsBefore });
    await dialog.waitFor({ state: 'detached' });

    const result = page.locator('[data-erasure-result]');
    await result.waitFor();
    expect(await result.locator('h3').textContent()).toBe('已删除文档');
    expect(await result.locator('[data-count=documents]').textContent()).toBe('1');
    expect(await result.locator('[data-count=tags]').textContent()).toBe(String(tagsBefore));
    expect(await result.locator('[data-count=withdrawn]').textContent()).toBe(String(body.models.withdrawn.length));
    expect(await result.textContent()).toContain('没有模型版本受影响');
    expect(await page.inputValue('input[name=eraseTarget]')).toBe('');
    await shot(page, 'admin-erased');

    // Really gone.
    expect((await e2e.api('GET', `/v1/documents/${docs.c}`)).status).toBe(404);
    expect((await e2e.api<{ items: unknown[] }>('GET', `/v1/tags?documentId=${docs.c}`)).body.items).toEqual([]);
    expect((await e2e.api('GET', `/v1/documents/${docs.d}`)).status).toBe(200);

    // Once more: nothing there any more, and the dialog says so.
    const again = await askToErase('document', docs.c!);
    await again.locator('input[name=confirm-typed]').fill(docs.c!);
    await again.locator('[data-action=confirm]').click();
    await again.locator('.form-error').waitFor();
    expect(await again.locator('.form-error').textContent()).toContain('找不到请求的内容');
    await page.keyboard.press('Escape');
    await again.waitFor({ state: 'detached' });
    page.off('request', onRequest);
  });

  test('a customer is erased with the id typed again; the counts are the API\'s; in English too', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
    await openRoute(page, e2e.server.base, '#/admin/erasure', '.erasure-form');
    expect(await pageHeading(page)).toBe('Admin · Erasure');
    const before = (await e2e.api<{ items: { id: string }[] }>('GET', `/v1/documents?customerId=${CUSTOMER}`)).body.items.map((d) => d.id);
    expect(before.sort()).toEqual([docs.a, docs.b].sort());
    const dialog = await askToErase('customer', CUSTOMER);
    expect(await dialog.locator('h2').textContent()).toBe("Erase all of this customer's data?");
    await dialog.locator('input[name=confirm-typed]').fill(CUSTOMER);
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/v1/customers/${CUSTOMER}`) && r.request().method() === 'DELETE'),
      dialog.locator('[data-action=confirm]').click(),
    ]);
    const body = (await resp.json()) as Erasure;
    expect(body.deleted.documents).toBe(2);
    const result = page.locator('[data-erasure-result]');
    await result.waitFor();
    expect(await result.locator('h3').textContent()).toBe('Customer data erased');
    expect(await result.locator('[data-count=documents]').textContent()).toBe('2');
    expect(await result.locator('[data-count=tags]').textContent()).toBe(String(body.deleted.tags));
    expect(await result.textContent()).toContain('Documents deleted');
    expect((await e2e.api<{ items: unknown[] }>('GET', `/v1/documents?customerId=${CUSTOMER}`)).body.items).toEqual([]);
    for (const id of [docs.a, docs.b]) expect((await e2e.api('GET', `/v1/documents/${id}`)).status).toBe(404);

    // A customer id with no documents: nothing to delete, and the page says so.
    const none = await askToErase('customer', 'nobody-here');
    await none.locator('input[name=confirm-typed]').fill('nobody-here');
    await none.locator('[data-action=confirm]').click();
    await page.locator('[data-erasure-result][data-documents="0"]').waitFor();
    expect(await page.textContent('[data-erasure-result]')).toContain('No document has this customer id; nothing was deleted.');
  });

  test('the audit log shows these actions newest first in the service\'s time zone, pages with load more, and filters by action', async () => {
    // A key made in the page, and enough settings saves to need a second page.
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/admin/keys', '.keys-table');
    await page.fill('input[name=keyName]', '审计 测试');
    await page.check('.create-key input[name=role][value=analyst]');
    await page.click('[data-action=create-key]');
    await page.click('[data-dialog=new-key] [data-action=close-secret]');
    for (let i = 0; i < 55; i++) expect((await e2e.api('PUT', '/v1/tenant/settings', { retentionDays: 100 + i })).status).toBe(200);
    const all = await auditAll();
    expect(all.length).toBeGreaterThan(50);

    await openRoute(page, e2e.server.base, '#/admin/audit', '.audit-table');
    expect(await pageHeading(page)).toBe('管理 · 审计日志');
    const ids = () => page.locator('.audit-table tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-audit-id')));
    expect(await ids()).toEqual(all.slice(0, 50).map((a) => a.id));
    // Newest first, each time in Beijing time (the browser is on UTC).
    const first = page.locator('.audit-table tbody tr').first();
    expect(await first.locator('.adm-time').textContent()).toBe(inZone(all[0]!.at));
    expect(inZone(all[0]!.at)).not.toBe(all[0]!.at.slice(0, 19).replace('T', ' '));
    expect(await first.getAttribute('data-action')).toBe('tenant.settings.update');
    expect(await first.textContent()).toContain('修改租户设置');
    // The actor's name comes from a second request (the keys list), which may answer after the log: wait for it.
    await first.locator('td', { hasText: 'bootstrap admin' }).waitFor();
    expect(await first.textContent()).toContain('retentionDays');

    await page.click('[data-action=more-audit]');
    await page.locator(`.audit-table tbody tr[data-audit-id="${all[all.length - 1]!.id}"]`).waitFor();
    expect(await ids()).toEqual(all.map((a) => a.id));
    expect(new Set(await ids()).size).toBe(all.length);
    expect(await page.locator('[data-action=more-audit]').count()).toBe(0);
    expect(await page.textContent('.adm-footer')).toBe('已到底部');
    // The erasures and the key made in the page are there, with their ids and counts.
    const erased = page.locator(`.audit-table tr[data-action="document.erase"]`);
    expect(await erased.count()).toBe(1);
    expect(await erased.locator('td').nth(3).textContent()).toBe(docs.c);
    expect(await erased.textContent()).toContain('删除文档');
    const customer = page.locator(`.audit-table tr[data-action="customer.erase"]`).last();
    expect(await customer.locator('td').nth(3).textContent()).toBe(CUSTOMER);
    expect(await customer.locator('td').nth(4).textContent()).toContain('documents 2');
    const created = page.locator(`.audit-table tr[data-action="api_key.create"]`).first();
    expect(await created.textContent()).toContain('审计 测试');
    await shot(page, 'admin-audit');

    // One action only.
    await page.selectOption('select[name=action]', 'customer.erase');
    const only = await auditAll('customer.erase');
    expect(only.length).toBe(2);
    await until('the filtered list', async () => JSON.stringify(await ids()) === JSON.stringify(only.map((a) => a.id)));
    expect(await page.locator('[data-action=more-audit]').count()).toBe(0);

    // English.
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
    await openRoute(page, e2e.server.base, '#/admin/audit', '.audit-table');
    expect(await pageHeading(page)).toBe('Admin · Audit log');
    await page.selectOption('select[name=action]', 'document.erase');
    await page.locator(`.audit-table tbody tr[data-action="document.erase"]`).waitFor();
    expect(await page.locator('.audit-table tbody tr').count()).toBe(1);
    expect(await page.textContent('.audit-table tbody tr')).toContain('Document erased');
    expect(pageErrors).toEqual([]);
  });
});
