import { ROLES } from '../store/records.js';
import { UsageError } from './errors.js';
import type { HttpClient } from './http-client.js';

interface KeyView {
  id: string;
  name: string;
  tenant: string;
  roles: string[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  key?: string;
}

export function parseRoles(raw: string): string[] {
  const roles = raw
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (roles.length === 0) throw new UsageError('--roles needs at least one role', 'keys create');
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length > 0) throw new UsageError(`unknown role(s) ${bad.join(', ')}; roles are ${ROLES.join(', ')}`, 'keys create');
  return [...new Set(roles)];
}

export async function keysCreate(client: HttpClient, o: { name: string; roles: string[]; tenant?: string }): Promise<KeyView> {
  const created = await client.json<KeyView>('/v1/api-keys', {
    method: 'POST',
    body: { name: o.name, roles: o.roles, ...(o.tenant !== undefined ? { tenant: o.tenant } : {}) },
  });
  // The key alone goes to stdout so `KEY=$(guandian keys create …)` captures exactly it.
  process.stdout.write(`${created.key}\n`);
  process.stderr.write(
    `created key ${created.id} "${created.name}" (tenant ${created.tenant}, roles ${created.roles.join(',')}); it is shown only this once\n`,
  );
  return created;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');

export async function keysList(client: HttpClient, o: { json: boolean }): Promise<KeyView[]> {
  const { items } = await client.json<{ items: KeyView[] }>('/v1/api-keys');
  if (o.json) {
    process.stdout.write(JSON.stringify(items, null, 2) + '\n');
    return items;
  }
  const rows = [
    ['ID', 'NAME', 'TENANT', 'ROLES', 'CREATED', 'LAST USED', 'STATUS'],
    ...items.map((k) => [k.id, k.name, k.tenant, k.roles.join(','), day(k.createdAt), day(k.lastUsedAt), k.revokedAt ? `revoked ${day(k.revokedAt)}` : 'active']),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c]!))));
  for (const r of rows) process.stdout.write(r.map((cell, c) => cell + ' '.repeat(widths[c]! - displayWidth(cell))).join('  ').trimEnd() + '\n');
  return items;
}

/** Key names are often Chinese; CJK characters take two terminal columns, so pad by columns, not length. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

export async function keysRevoke(client: HttpClient, id: string): Promise<void> {
  await client.json<void>(`/v1/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
  process.stdout.write(`revoked ${id}\n`);
}
