import type { BrowserContext, Page, Request } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_PAGES, expectTabTrapped, focusInDialog, overflow, pageHeading, shot } from './admin-helpers.js';
import { openRoute, signedInAs, signIn, waitSettled } from './console-helpers.js';
import { apiClient, openPage, waitForPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The admin area's API keys and tenant settings pages, and who may open the admin area at all,
// against the real service: what the page shows is checked against what the API then says.

interface Key {
  id: string;
  name: string;
  tenant: string;
  roles: string[];
  revokedAt: string | null;
  key?: string;
}

const e2e = useConsole();
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

async function keys(): Promise<Key[]> {
  const res = await e2e.api<{ items: Key[] }>('GET', '/v1/api-keys');
  expect(res.status).toBe(200);
  return res.body.items;
}

async function me(key: string) {
  return apiClient(e2e.server.base, key)<{ roles: string[]; tenant: string; platform: boolean; error?: { code: string } }>('GET', '/v1/me');
}

async function createInPage(name: string, roles: string[]): Promise<{ created: Key; request: Request }> {
  await page.fill('input[name=keyName]', name);
  for (const r of roles) await page.check(`.create-key input[name=role][value=${r}]`);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/api-keys') && r.request().method() === 'POST'),
    page.click('[data-action=create-key]'),
  ]);
  expect(resp.status(), await resp.text()).toBe(201);
  return { created: (await resp.json()) as Key, request: resp.request() };
}

async function newSession(key: string, hash = '', lang: 'zh' | 'en' = 'zh', viewport = { width: 1300, height: 860 }) {
  const ctx = await e2e.browser.newContext({ viewport, locale: 'zh-CN' });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => pageErrors.push(e.message));
  await p.goto(`${e2e.server.base}/`);
  await p.evaluate(`localStorage.setItem('guandian.lang', '${lang}')`);
  await signIn(p, e2e.server.base, key, hash);
  return { ctx, p };
}

describe('admin: API keys, tenant settings and access (real server, chromium)', () => {
  beforeAll(async () => {
    ({ context, page } = await openPage(
      e2e.browser,
      { width: 1300, height: 860 },
      { errors: pageErrors, beforePage: (c) => c.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.server.base }) },
    ));
  }, 120_000);

  test('a new key is shown once with a copy button, signs in with its roles, and is refused once revoked', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    // The admin entry is in the top bar and opens the keys page.
    const nav = page.locator('.topbar nav a[data-nav=admin]');
    expect(await nav.textContent()).toBe('管理');
    await nav.click();
    await page.waitForSelector('.keys-table');
    await waitForPage(page, "location.hash === '#/admin/keys'");
    expect(await nav.getAttribute('aria-current')).toBe('page');
    expect(await page.locator('.admin-nav a[data-admin-nav=keys]').getAttribute('aria-current')).toBe('page');
    expect(await pageHeading(page)).toBe('管理 · API 密钥');
    // The key this session uses is marked.
    expect(await page.locator('tr[data-key-id=bootstrap] .adm-badge-self').textContent()).toBe('当前登录');

    const { created, request } = await createInPage('质检 分析员', ['analyst', 'labeler']);
    expect(created.key).toMatch(/^gdk_/);
    expect(request.headers()['idempotency-key']).toMatch(/^console-[0-9a-f]{32}$/);

    const dialog = page.locator('[role=dialog][data-dialog=new-key]');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.locator('input[data-secret]').inputValue()).toBe(created.key);
    const warning = (await dialog.locator('.adm-warn').textContent()) ?? '';
    expect(warning).toContain('只显示这一次');
    expect(warning).toContain('无法再次查看');
    expect(await dialog.textContent()).toContain('分析员、标注员');
    await dialog.locator('[data-action=copy]').click();
    await dialog.locator('.adm-copy-status .adm-ok').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(created.key);
    // Tab stays inside; Escape must not throw the only copy away.
    await expectTabTrapped(page);
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    await shot(page, 'admin-key-created');
    await dialog.locator('[data-action=close-secret]').click();
    await dialog.waitFor({ state: 'detached' });
    // Gone for good: nowhere in the page, and the list the API gives has no secret either.
    expect(await page.content()).not.toContain(created.key);
    const listed = (await keys()).find((k) => k.id === created.id)!;
    expect(listed).toBeDefined();
    expect(listed.key).toBeUndefined();

    const row = page.locator(`.keys-table tr[data-key-id="${created.id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(0).textContent()).toBe('质检 分析员');
    expect(await row.locator('td.adm-roles').textContent()).toBe('分析员、标注员');
    expect(await row.locator('.adm-status').getAttribute('data-status')).toBe('active');
    // Newest first.
    expect(await page.locator('.keys-table tbody tr').first().getAttribute('data-key-id')).toBe(created.id);

    // The new key signs in with exactly the roles ticked.
    const who = await me(created.key!);
    expect(who.status).toBe(200);
    expect(who.body.roles).toEqual(['analyst', 'labeler']);
    const { ctx, p } = await newSession(created.key!);
    const navs = await p.locator('.topbar nav a').evaluateAll((els) => els.map((e) => e.getAttribute('data-nav')));
    expect(navs).toContain('label');
    expect(navs).not.toContain('admin');
    expect(await p.textContent('.topbar .who')).toContain('分析员');

    // Revoke: asks first (Escape cancels and gives focus back), then the key is refused.
    const revoke = row.locator('[data-action=revoke]');
    await revoke.click();
    const confirm = page.locator('[role=dialog][data-dialog=revoke-key]');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('质检 分析员');
    expect(await confirm.locator('[data-warning=self]').count()).toBe(0);
    expect(await focusInDialog(page)).toBe(true);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(await page.evaluate("document.activeElement && document.activeElement.getAttribute('data-action')")).toBe('revoke');
    expect((await me(created.key!)).status).toBe(200);
    await revoke.click();
    await confirm.locator('[data-action=confirm]').click();
    await confirm.waitFor({ state: 'detached' });
    await row.locator('.adm-status[data-status=revoked]').waitFor();
    // Its revoke button is gone, so focus goes to the page's heading, not back to the top of the page.
    expect(await page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.outerHTML.slice(0, 120))")).toBe('adm-keys-title');
    expect(await row.locator('.adm-status').textContent()).toMatch(/^已吊销 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await row.locator('[data-action=revoke]').count()).toBe(0);
    expect((await me(created.key!)).status).toBe(401);
    expect((await keys()).find((k) => k.id === created.id)!.revokedAt).not.toBeNull();
    // The session that used it is signed out at its next request, and cannot sign in again.
    await p.reload();
    await p.waitForSelector('input[name=apiKey]');
    await p.fill('input[name=apiKey]', created.key!);
    await p.click('button[type=submit]');
    await p.locator('.alert-error').waitFor();
    expect(await p.textContent('.alert-error')).toContain('登录失败');
    await ctx.close();
    expect(pageErrors).toEqual([]);
  });

  test('a key name with bidi overrides shows in the order it was typed, isolated from the text around it', async () => {
    // security review 2026-11-29 (finding 7): U+202E made "report\u202Egnp.exe" read as "reportexe.png"
    const res = await e2e.api<{ id: string }>('POST', '/v1/api-keys', { name: 'report\u202Egnp.exe', roles: ['analyst'] });
    expect(res.status).toBe(201);
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/admin/keys', '.keys-table');
    const cell = page.locator(`tr[data-key-id="${res.body.id}"] td:first-child bdi`);
    await cell.waitFor();
    expect(await cell.textContent()).toBe('reportgnp.exe');
  });

  test('an answer lost on the way is retried under the same Idempotency-Key: one key is created, not two', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/admin/keys', '.keys-table');
    const before = (await keys()).length;
    const sent: string[] = [];
    let first: Key | null = null;
    // The server creates the key, but its answer never reaches the browser.
    await page.route('**/v1/api-keys', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      sent.push(route.request().headers()['idempotency-key']!);
      const res = await route.fetch();
      first = (await res.json()) as Key;
      await route.abort('failed');
    });
    await page.fill('input[name=keyName]', 'crm 接入');
    await page.check('.create-key input[name=role][value=ingest]');
    await page.click('[data-action=create-key]');
    const error = page.locator('.create-key .form-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('无法连接到服务器');
    expect(first).not.toBeNull();
    expect((await keys()).length).toBe(before + 1);
    await page.unroute('**/v1/api-keys');

    // 再试: the same request, so the same Idempotency-Key, and the server answers with the key it made,
    // but not with its secret, which it keeps nowhere in clear (security review 2026-11-29, finding 3):
    // the console says the key exists and that it has to be revoked and made again.
    const { created, request } = await createInPage('crm 接入', []);
    expect(request.headers()['idempotency-key']).toBe(sent[0]);
    expect(created.id).toBe(first!.id);
    expect(created.key).toBeNull();
    const withheld = page.locator('[data-dialog=new-key-withheld]');
    await withheld.waitFor();
    expect(await withheld.locator('[data-withheld-key]').getAttribute('data-withheld-key')).toBe(first!.id);
    expect(await withheld.textContent()).toContain('请在列表中吊销这把密钥');
    expect(await page.locator('[data-dialog=new-key]').count()).toBe(0);
    await withheld.locator('[data-action=close-withheld]').click();
    expect((await keys()).filter((k) => k.name === 'crm 接入')).toHaveLength(1);
    expect((await keys()).length).toBe(before + 1);

    // The next key is a new intent: a new Idempotency-Key, a second key with the same name if asked for.
    const second = await createInPage('crm 接入', ['ingest']);
    expect(second.request.headers()['idempotency-key']).not.toBe(sent[0]);
    expect(second.created.id).not.toBe(first!.id);
    await page.click('[data-dialog=new-key] [data-action=close-secret]');
    // A double click sends one request.
    await page.fill('input[name=keyName]', 'double click');
    await page.check('.create-key input[name=role][value=analyst]');
    await page.dblclick('[data-action=create-key]');
    await page.locator('[data-dialog=new-key]').waitFor();
    await page.click('[data-dialog=new-key] [data-action=close-secret]');
    // a second request from the double click would be in flight (both clicks came before the dialog)
    await waitSettled(page);
    expect((await keys()).filter((k) => k.name === 'double click')).toHaveLength(1);
  });

  test('the platform key creates a key for another tenant from the form and sees it listed under that tenant; a tenant admin has no tenant field', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/admin/keys', '.keys-table');
    expect((await me(e2e.server.adminKey)).body.platform).toBe(true);
    // The list is one tenant's at a time (GET /v1/api-keys), and the page says whose.
    expect(await page.textContent('[data-hint=platform]')).toContain('列表每次只显示一个租户的密钥');
    expect(await page.textContent('.keys-showing')).toBe('租户 default 的密钥');
    expect(await page.locator('.keys-table th').allTextContents()).toContain('租户');
    const tenantField = page.locator('.create-key input[name=keyTenant]');
    expect(await tenantField.getAttribute('placeholder')).toBe('default');
    expect(await tenantField.getAttribute('aria-describedby')).toBe('key-tenant-hint');
    expect(await page.textContent('#key-tenant-hint')).toContain('留空则属于当前登录密钥的租户（default）');

    await page.fill('input[name=keyName]', 'acme 管理员');
    await tenantField.fill('acme');
    await page.check('.create-key input[name=role][value=admin]');
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/api-keys') && r.request().method() === 'POST'),
      page.click('[data-action=create-key]'),
    ]);
    expect(resp.status(), await resp.text()).toBe(201);
    expect(resp.request().postDataJSON()).toEqual({ name: 'acme 管理员', roles: ['admin'], tenant: 'acme' });
    const created = (await resp.json()) as Key;
    expect(created.tenant).toBe('acme');
    const dialog = page.locator('[data-dialog=new-key]');
    expect(await dialog.locator('[data-created-tenant]').textContent()).toBe(' 所属租户：acme。');
    await dialog.locator('[data-action=close-secret]').click();
    expect(await tenantField.inputValue()).toBe('');

    // The page now lists that tenant's keys, the new one among them with its tenant.
    await page.locator('.keys-showing[data-tenant=acme]').waitFor();
    const row = page.locator(`.keys-table tr[data-key-id="${created.id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(0).textContent()).toBe('acme 管理员');
    expect(await row.locator('td.adm-tenant').textContent()).toBe('acme');
    expect(new Set(await page.locator('.keys-table td.adm-tenant').allTextContents())).toEqual(new Set(['acme']));
    expect(await page.inputValue('input[name=listTenant]')).toBe('acme');
    await shot(page, 'admin-keys-other-tenant');
    // and the API agrees: a key of tenant acme, not the platform key
    const acme = await e2e.api<{ items: Key[] }>('GET', '/v1/api-keys?tenant=acme');
    expect(acme.body.items.map((k) => k.id)).toEqual([created.id]);
    expect((await me(created.key!)).body).toMatchObject({ tenant: 'acme', platform: false });
    expect((await keys()).some((k) => k.id === created.id)).toBe(false);

    // Back to its own tenant with the picker.
    await page.fill('input[name=listTenant]', 'default');
    await page.click('[data-action=show-tenant]');
    await page.locator('.keys-showing[data-tenant=default]').waitFor();
    await page.locator('.keys-table tr[data-key-id=bootstrap]').waitFor();
    expect(await row.count()).toBe(0);

    // English.
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
    await openRoute(page, e2e.server.base, '#/admin/keys', '.keys-table');
    expect(await page.textContent('.keys-showing')).toBe('Keys of tenant default');
    expect(await page.textContent('.create-key label:has(input[name=keyTenant]) > span:first-child')).toBe('Tenant');
    expect(await page.textContent('#key-tenant-hint')).toContain('Only the platform key can create keys for other tenants');

    // The acme admin: its own keys, no tenant field or picker, and what it creates is acme's.
    const { ctx, p } = await newSession(created.key!, '#/admin/keys');
    await p.locator(`.keys-table tr[data-key-id="${created.id}"] .adm-badge-self`).waitFor();
    expect(await p.locator('input[name=keyTenant]').count()).toBe(0);
    expect(await p.locator('input[name=listTenant]').count()).toBe(0);
    expect(await p.locator('[data-hint=platform], .keys-showing').count()).toBe(0);
    await p.fill('input[name=keyName]', 'acme 接入');
    await p.check('.create-key input[name=role][value=ingest]');
    const [own] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/v1/api-keys') && r.request().method() === 'POST'),
      p.click('[data-action=create-key]'),
    ]);
    expect(own.status()).toBe(201);
    expect(own.request().postDataJSON()).toEqual({ name: 'acme 接入', roles: ['ingest'] });
    const ownKey = (await own.json()) as Key;
    expect(ownKey.tenant).toBe('acme');
    expect(await p.locator('[data-dialog=new-key] [data-created-tenant]').count()).toBe(0);
    await p.click('[data-dialog=new-key] [data-action=close-secret]');
    const ownRow = p.locator(`.keys-table tr[data-key-id="${ownKey.id}"]`);
    await ownRow.waitFor();
    expect(await ownRow.locator('td.adm-tenant').textContent()).toBe('acme');
    await ctx.close();
    expect(pageErrors).toEqual([]);
  });

  test('a key without roles is refused next to the roles, and revoking the key in use needs its own warning and signs out', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/admin/keys', '.keys-table');
    await page.fill('input[name=keyName]', 'no roles');
    const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/v1/api-keys') && r.request().method() === 'POST'), page.click('[data-action=create-key]')]);
    expect(resp.status()).toBe(400);
    const err = page.locator('#key-roles-error');
    await err.waitFor();
    expect(await err.textContent()).toBe('角色不能为空');
    expect(await page.locator('.create-key fieldset').getAttribute('aria-describedby')).toBe('key-roles-error');
    expect((await keys()).some((k) => k.name === 'no roles')).toBe(false);

    // The platform key's own row offers no revoke (the API refuses it: nothing but a restart could replace it);
    // it says how the key is replaced instead.
    const bootRow = page.locator('tr[data-key-id=bootstrap]');
    expect(await bootRow.locator('[data-action=revoke]').count()).toBe(0);
    expect(await bootRow.locator('[data-note=platform-key]').textContent()).toBe('平台密钥，不能吊销');
    expect(await page.locator('[data-hint=platform]').textContent()).toContain('更换它需设置新的 GUANDIAN_ADMIN_KEY 并重启服务');

    const second = await e2e.api<Key>('POST', '/v1/api-keys', { name: '第二管理员', roles: ['admin'] });
    expect(second.status).toBe(201);
    const { ctx, p } = await newSession(second.body.key!, '#/admin/keys');
    await p.waitForSelector('.keys-table');
    const row = p.locator(`tr[data-key-id="${second.body.id}"]`);
    expect(await row.locator('.adm-badge-self').count()).toBe(1);
    await row.locator('[data-action=revoke]').click();
    const dialog = p.locator('[data-dialog=revoke-key]');
    const warning = dialog.locator('[data-warning=self]');
    expect(await warning.textContent()).toContain('当前登录使用的密钥');
    const confirm = dialog.locator('[data-action=confirm]');
    expect(await confirm.textContent()).toBe('吊销并退出');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.locator('input[name=acknowledge]').check();
    expect(await confirm.isEnabled()).toBe(true);
    await shot(p, 'admin-revoke-self');
    await confirm.click();
    await p.waitForSelector('input[name=apiKey]');
    expect((await me(second.body.key!)).status).toBe(401);
    expect((await keys()).find((k) => k.id === second.body.id)!.revokedAt).not.toBeNull();
    await ctx.close();
  });

  test('settings: the policies are explained, keep is warned about, a 400 is shown next to its field, and a save says so', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    await openRoute(page, e2e.server.base, '#/admin/settings', '.settings-form');
    expect(await pageHeading(page)).toBe('管理 · 租户设置');
    expect(await page.isChecked('input[name=piiPolicy][value=mask]')).toBe(true);
    expect(await page.isChecked('input[name=keepForever]')).toBe(true);
    expect(await page.isDisabled('input[name=retentionDays]')).toBe(true);
    for (const p of ['mask', 'hash', 'keep']) expect(((await page.textContent(`label[data-policy=${p}] .adm-option-hint`)) ?? '').length).toBeGreaterThan(5);
    expect(await page.locator('[data-warning=keep]').count()).toBe(0);
    await page.check('input[name=piiPolicy][value=keep]');
    expect(await page.textContent('[data-warning=keep]')).toContain('明文');
    await page.check('input[name=piiPolicy][value=hash]');
    expect(await page.locator('[data-warning=keep]').count()).toBe(0);

    // The API judges the number, and its reason shows next to the box.
    await page.uncheck('input[name=keepForever]');
    const save = async (status: number) => {
      const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/v1/tenant/settings') && r.request().method() === 'PUT'), page.click('[data-action=save-settings]')]);
      expect(resp.status()).toBe(status);
      return resp;
    };
    for (const [typed, reason] of [
      ['0', '保留天数不能小于 1'],
      ['1.5', '保留天数须为整数'],
      ['40000', '保留天数不能大于 36500'],
      ['abc', '保留天数须为整数，不能小于 1，不能大于 36500'],
    ] as const) {
      await page.fill('input[name=retentionDays]', typed);
      const resp = await save(400);
      const body = (await resp.json()) as { error: { details: { field: string }[] } };
      expect(body.error.details.map((d) => d.field)).toEqual(['retentionDays']);
      const err = page.locator('.retention #retention-error');
      await err.waitFor();
      expect(await err.textContent()).toBe(reason);
      expect(await page.getAttribute('input[name=retentionDays]', 'aria-invalid')).toBe('true');
      expect(await page.getAttribute('input[name=retentionDays]', 'aria-describedby')).toBe('retention-error');
      expect(await page.locator('[data-saved]').count()).toBe(0);
    }
    expect((await e2e.api('GET', '/v1/tenant/settings')).body).toMatchObject({ piiPolicy: 'mask', retentionDays: null });
    await shot(page, 'admin-settings-error');
    // An empty box is not sent: the page says what is missing.
    const puts: string[] = [];
    const onRequest = (r: Request) => r.method() === 'PUT' && puts.push(r.url());
    page.on('request', onRequest);
    await page.fill('input[name=retentionDays]', '');
    await page.click('[data-action=save-settings]');
    expect(await page.textContent('#retention-error')).toBe('请填写保留天数，或勾选“永久保留”');
    // a PUT started by the click would be in flight, and the page not settled, until it answered
    await waitSettled(page);
    expect(puts).toEqual([]);
    page.off('request', onRequest);

    await page.fill('input[name=retentionDays]', '90');
    await save(200);
    await page.locator('[data-saved]').waitFor();
    expect(await page.textContent('[data-saved]')).toBe('已保存');
    expect(await page.locator('#retention-error').count()).toBe(0);
    expect(await page.getAttribute('input[name=retentionDays]', 'aria-invalid')).toBeNull();
    expect((await e2e.api('GET', '/v1/tenant/settings')).body).toMatchObject({ piiPolicy: 'hash', retentionDays: 90 });
    // A change makes "saved" untrue.
    await page.fill('input[name=retentionDays]', '91');
    expect(await page.locator('[data-saved]').count()).toBe(0);
    await page.reload();
    await page.waitForSelector('.settings-form');
    expect(await page.isChecked('input[name=piiPolicy][value=hash]')).toBe(true);
    expect(await page.inputValue('input[name=retentionDays]')).toBe('90');

    // English: the same refusal, worded in English next to the field.
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
    await openRoute(page, e2e.server.base, '#/admin/settings', '.settings-form');
    expect(await pageHeading(page)).toBe('Admin · Tenant settings');
    await page.fill('input[name=retentionDays]', '0');
    await save(400);
    await page.locator('#retention-error').waitFor();
    expect(await page.textContent('#retention-error')).toBe('Retention in days must not be less than 1');
    await page.check('input[name=keepForever]');
    await page.check('input[name=piiPolicy][value=mask]');
    await save(200);
    expect(await page.textContent('[data-saved]')).toBe('Saved');
    expect((await e2e.api('GET', '/v1/tenant/settings')).body).toMatchObject({ piiPolicy: 'mask', retentionDays: null });
  });

  test('a key without the admin role sees no admin entry and, on a direct link, a no-access message (both languages)', async () => {
    const analyst = await e2e.api<Key>('POST', '/v1/api-keys', { name: 'analyst only', roles: ['analyst'] });
    const ingest = await e2e.api<Key>('POST', '/v1/api-keys', { name: 'ingest only', roles: ['ingest'] });
    for (const [key, roleZh, roleEn] of [
      [analyst.body.key!, '分析员', 'analyst'],
      [ingest.body.key!, '数据接入', 'ingest'],
    ] as const) {
      const { ctx, p } = await newSession(key, '#/admin/webhooks');
      const notice = p.locator('[data-no-access=admin]');
      await notice.waitFor();
      expect(await notice.getAttribute('role')).toBe('alert');
      expect(await notice.textContent()).toContain('没有访问权限');
      expect(await notice.textContent()).toContain(roleZh);
      expect(await p.locator('.topbar nav a[data-nav=admin]').count()).toBe(0);
      expect(await p.locator('.admin-page').count()).toBe(0);
      expect(await pageHeading(p)).toBe('管理');
      // It stays put (a bookmark is not silently swapped for another page).
      await p.waitForTimeout(300);
      expect(await p.evaluate('location.hash')).toBe('#/admin/webhooks');
      await p.evaluate(`localStorage.setItem('guandian.lang', 'en')`);
      await p.reload();
      await notice.waitFor();
      expect(await notice.textContent()).toContain('No access');
      expect(await notice.textContent()).toContain(roleEn);
      if (key === analyst.body.key) {
        await p.getByRole('link', { name: /^Back to / }).click();
        await waitForPage(p, "location.hash.startsWith('#/feed')");
      }
      await ctx.close();
    }
    expect(pageErrors).toEqual([]);
  });

  test('a list that fails to load says so in the page-error panel, and 重试 loads it', async () => {
    await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
    for (const [hash, route, ready] of [
      ['#/admin/keys', '**/v1/api-keys', '.keys-table'],
      ['#/admin/audit', '**/v1/audit?*', '[data-admin-section=audit] .adm-footer'],
    ] as const) {
      await page.route(route, (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'store down', details: [] } }) }));
      await page.goto(`${e2e.server.base}/${hash}`);
      const panel = page.locator('main .error-panel');
      await panel.waitFor();
      expect(await panel.textContent()).toContain('出错了');
      // The sub-navigation stays usable beside it.
      expect(await page.locator('.admin-nav a').count()).toBe(8);
      await page.unroute(route);
      await panel.locator('[data-action=retry]').click();
      await page.waitForSelector(ready);
      expect(await page.locator('main .error-panel').count()).toBe(0);
    }
  });

  test('on a phone every admin page fits the screen', async () => {
    // a key the revoke dialog can be opened for (the platform key offers none)
    expect((await e2e.api('POST', '/v1/api-keys', { name: '手机上的分析员', roles: ['analyst'] })).status).toBe(201);
    const { ctx, p } = await newSession(e2e.server.adminKey, '', 'zh', { width: 390, height: 844 });
    for (const [hash, ready] of ADMIN_PAGES) {
      await p.goto(`${e2e.server.base}/${hash}`);
      await p.waitForSelector(ready);
      await waitSettled(p);
      const o = await overflow(p, 390);
      expect(o.scrollWidth, `${hash}: ${o.wide.join(', ')}`).toBeLessThanOrEqual(390);
      if (hash === '#/admin/keys') {
        // the dialog too
        await p.locator('.keys-table tr[data-revoked=false] [data-action=revoke]').first().click();
        const box = (await p.locator('[data-dialog=revoke-key]').boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(390);
        await shot(p, 'admin-mobile-revoke');
        await p.keyboard.press('Escape');
      }
    }
    await ctx.close();
  });
});
