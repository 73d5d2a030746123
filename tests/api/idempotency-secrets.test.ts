import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// Security review 2026-11-29 (finding 3): the console sends an Idempotency-Key with every new API key, and
// the remembered reply held the key's secret in clear in the store for a day, while the key itself is
// only ever stored as a salted hash. The reply is remembered without it; a replay says so.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
}, 60_000);
afterAll(async () => rt?.close());

test('a new API key secret is not kept with the remembered reply; the replay says it was withheld', async () => {
  const send = () => rt.http.post('/v1/api-keys').set(bearer(ADMIN_KEY)).set('Idempotency-Key', 'new-analyst-key').send({ name: '分析员 张', roles: ['analyst'] });
  const first = await send().expect(201);
  expect(first.body.key).toMatch(/^gdk_/);
  // the secret works
  expect((await rt.http.get('/v1/me').set(bearer(first.body.key)).expect(200)).body.roles).toEqual(['analyst']);

  const replay = await send().expect(201);
  expect(replay.headers['idempotent-replayed']).toBe('true');
  expect(replay.body).toMatchObject({ id: first.body.id, name: '分析员 张', key: null, keyWithheld: true });

  // nowhere in the store's files
  const files = fs.readdirSync(rt.dataDir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(rt.dataDir, f)).isFile());
  expect(files.some((f) => f.startsWith('idempotency'))).toBe(true);
  for (const f of files) expect(fs.readFileSync(path.join(rt.dataDir, f), 'utf8'), f).not.toContain(first.body.key);
});
