import { expect, test } from 'vitest';
import { openRoute, signedInAs } from './console-helpers.js';
import { apiClient } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Revoking the last key that can manage keys is refused by the API (409 last_admin_key). The console must not offer
// what can only fail, and must word the refusal it cannot foresee in the page's language.

const e2e = useConsole();

test('the platform key offers no revoke, in Chinese and English; the page says how it is replaced', async () => {
  const { p, ctx } = await (async () => {
    const c = await e2e.browser.newContext({ viewport: { width: 1300, height: 860 }, locale: 'zh-CN' });
    return { ctx: c, p: await c.newPage() };
  })();
  for (const [lang, note, how] of [
    ['zh', '平台密钥，不能吊销', '更换它需设置新的 GUANDIAN_ADMIN_KEY 并重启服务'],
    ['en', 'Platform key: cannot be revoked', 'to replace it, set a new GUANDIAN_ADMIN_KEY and restart the service'],
  ] as const) {
    await signedInAs(p, e2e.server.base, e2e.server.adminKey, lang);
    await openRoute(p, e2e.server.base, '#/admin/keys', '.keys-table');
    const row = p.locator('tr[data-key-id=bootstrap]');
    await row.waitFor();
    expect(await row.locator('[data-action=revoke]').count()).toBe(0);
    expect(await row.locator('[data-note=platform-key]').textContent()).toBe(note);
    // how it is replaced, above the list (a phone's actions cell has no room for it)
    expect(await p.locator('[data-hint=platform]').textContent()).toContain(how);
  }
  // and the API indeed refuses it, so the button could only have failed
  const refused = await e2e.api<{ error: { code: string } }>('DELETE', '/v1/api-keys/bootstrap');
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe('last_admin_key');
  await ctx.close();
});

test("a tenant admin revoking its tenant's last admin key is told why, in the page's language, and the key stays", async () => {
  const made = await e2e.api<{ id: string; key: string }>('POST', '/v1/api-keys', { name: '分行管理员', roles: ['admin'], tenant: 'branch-sz' });
  expect(made.status).toBe(201);
  const ctx = await e2e.browser.newContext({ viewport: { width: 1300, height: 860 }, locale: 'zh-CN' });
  const p = await ctx.newPage();
  await signedInAs(p, e2e.server.base, made.body.key, 'zh');
  await openRoute(p, e2e.server.base, '#/admin/keys', '.keys-table');
  const row = p.locator(`tr[data-key-id="${made.body.id}"]`);
  await row.locator('[data-action=revoke]').click();
  const dialog = p.locator('[data-dialog=revoke-key]');
  await dialog.locator('input[name=acknowledge]').check();
  const [resp] = await Promise.all([
    p.waitForResponse((r) => r.url().endsWith(`/v1/api-keys/${made.body.id}`) && r.request().method() === 'DELETE'),
    dialog.locator('[data-action=confirm]').click(),
  ]);
  expect(resp.status()).toBe(409);
  const error = dialog.locator('.form-error');
  await error.waitFor();
  expect(await error.textContent()).toContain('这是最后一个能管理密钥的管理员密钥');
  expect(await error.textContent()).not.toContain('last admin key');
  // still signed in, the key still works
  expect(await p.locator('input[name=apiKey]').count()).toBe(0);
  const me = await apiClient(e2e.server.base, made.body.key)<{ tenant: string }>('GET', '/v1/me');
  expect(me.status).toBe(200);
  expect(me.body.tenant).toBe('branch-sz');
  await ctx.close();
});
