import { afterAll, beforeAll, expect, test } from 'vitest';
import { bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// POST /v1/models/:version/promote and /v1/models/rollback take the re-tag's filters, or retag: false. Both
// together switched versions and ignored the filters without a word, where the CLI refuses
// `--no-retag --channel …` as a usage error: an admin who meant "re-tag only the app channel" got no
// re-tag at all, and one who meant no re-tag sent filters that did nothing.
let rt: TestRuntime;
beforeAll(async () => {
  rt = await startRuntime({ ACTIONS_INTERVAL_MS: '3600000' });
});
afterAll(async () => {
  await rt.close();
});

test('retag: false with re-tag filters is a 400 naming them, before anything is switched or audited', async () => {
  const admin = await createKey(rt, ['admin'], 'qa-model-switch');
  const rollback = await rt.http.post('/v1/models/rollback').set(bearer(admin)).send({ retag: false, channel: 'app-review', kind: 'comment' });
  expect(rollback.status).toBe(400);
  expect(rollback.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['channel', 'kind']);
  const promote = await rt.http.post('/v1/models/guandian-zh-cx+r1/promote').set(bearer(admin)).send({ retag: false, from: '2026-11-01', to: '2026-11-30T23:59:59.999' });
  expect(promote.status).toBe(400);
  expect(promote.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['from', 'to']);
  // neither reached the switch: no refusal was audited
  const audit = (await rt.http.get('/v1/audit').set(bearer(admin)).expect(200)).body.items as { action: string }[];
  expect(audit.filter((e) => e.action.startsWith('model.'))).toEqual([]);
  // each alone is read as before
  expect((await rt.http.post('/v1/models/rollback').set(bearer(admin)).send({ retag: false })).status).toBe(409);
  expect((await rt.http.post('/v1/models/rollback').set(bearer(admin)).send({ channel: 'app-review' })).status).toBe(409);
});
