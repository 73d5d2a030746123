import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildOpenApi } from '../../src/api/openapi/build-openapi.js';
import { ADMIN_KEY, bearer, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// PATCH /v1/webhooks/:id rotates the signing secret; a client that lost the answer and retries under
// the same Idempotency-Key must get that answer's secret, not a second rotation that makes it useless.

let rt: TestRuntime;
let hookId: string;
let firstSecret: string;

beforeAll(async () => {
  // Loopback URLs must be allowlisted; nothing is ever delivered here.
  rt = await startRuntime({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', ACTIONS_INTERVAL_MS: '3600000' }, { worker: false });
  const created = await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: 'http://127.0.0.1:9/rotate', description: 'ops' }).expect(201);
  hookId = created.body.id;
  firstSecret = created.body.secret;
});
afterAll(async () => {
  await rt?.close();
});

const stored = async () => (await rt.services.store.actions.webhooks.findById(hookId))!.secret;
const rotate = (key?: string, body: Record<string, unknown> = { rotateSecret: true }) => {
  const req = rt.http.patch(`/v1/webhooks/${hookId}`).set(bearer(ADMIN_KEY));
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req.send(body);
};
const updateEntries = async () =>
  (await rt.http.get('/v1/audit').query({ action: 'webhook.update' }).set(bearer(ADMIN_KEY)).expect(200)).body.items.length as number;

describe('PATCH /v1/webhooks/:id with an Idempotency-Key', () => {
  test('a retried rotation replays the first answer and rotates once; a new key or none rotates again', async () => {
    const audits = await updateEntries();
    const first = await rotate('rotate-1').expect(200);
    expect(first.body.secret).toMatch(/^whsec_/);
    expect(first.body.secret).not.toBe(firstSecret);
    expect(await stored()).toBe(first.body.secret);

    const retry = await rotate('rotate-1').expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    // rotated once: the secret in force is the one the first answer gave, and one change is audited
    expect(await stored()).toBe(first.body.secret);
    expect(await updateEntries()).toBe(audits + 1);

    const fresh = await rotate('rotate-2').expect(200);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.body.secret).not.toBe(first.body.secret);
    const bare = await rotate().expect(200);
    expect(bare.body.secret).not.toBe(fresh.body.secret);
    expect(await stored()).toBe(bare.body.secret);
    expect(await updateEntries()).toBe(audits + 3);
  });

  test('the same key with another body is refused as the POST routes refuse it, and changes nothing', async () => {
    const before = await stored();
    await rotate('pause-1', { active: false }).expect(200);
    const reused = await rotate('pause-1', { active: false, rotateSecret: true }).expect(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect(reused.body.error.details).toEqual([{ field: 'Idempotency-Key' }]);
    expect(await stored()).toBe(before);
    // the same key on another route (a POST) is another request too
    const elsewhere = await rt.http.post(`/v1/webhooks/${hookId}/test`).set(bearer(ADMIN_KEY)).set('Idempotency-Key', 'pause-1').send({});
    expect(elsewhere.status).toBe(422);
  });

  test('the OpenAPI operation documents the header and its 422', () => {
    const op = buildOpenApi().paths['/v1/webhooks/{id}']!.patch as { parameters: { $ref?: string }[]; responses: Record<string, { $ref?: string }> };
    expect(op.parameters.map((p) => p.$ref)).toContain('#/components/parameters/IdempotencyKey');
    expect(op.responses['422']?.$ref).toBe('#/components/responses/IdempotencyKeyReused');
  });
});
