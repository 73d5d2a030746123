import { afterAll, beforeAll, expect, test } from 'vitest';
import { bearer, createKey, startRuntime, type TestRuntime } from '../helpers/runtime.js';

// Whether a re-send is the same document is decided on masked content, masked the way the stored twin
// was: a tenant that changes its PII policy still gets its unchanged re-sends recognised (QA audit
// 2026-11-29, fidelity F5), and nothing that masking removed can be probed (under mask, two numbers that
// mask alike are the same content: fidelity F4 is a documented limit, not a bug to trade privacy for).

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startRuntime({}, { worker: false });
}, 60_000);
afterAll(async () => rt?.close());

const send = (key: string, externalId: string, text: string, extra: Record<string, unknown> = {}) =>
  rt.http.post('/v1/documents').set(bearer(key)).send({ kind: 'comment', source: 'crm', externalId, customerId: 'c-1', text, ...extra });

test('under mask, a re-send is compared on what masking keeps: guesses at the masked digits all answer alike', async () => {
  // Only masked content is compared. Comparing what masking removed (a keyed hash of the unmasked text,
  // tried on 2026-11-29) answered 409 to every wrong guess of the masked digits and 200 to the right one,
  // and its key sat in the same store (security review 2026-11-29, findings 1 and 2).
  const key = await createKey(rt, ['admin'], 'resend-mask');
  const first = await send(key, 't-1', '我手机13812345678，网络太差了').expect(202);
  const stored = (await rt.http.get(`/v1/documents/${first.body.id}`).set(bearer(key)).expect(200)).body;
  expect(stored.text).toBe('我手机138****5678，网络太差了');
  for (const guess of ['13812345678', '13800005678', '13899995678']) {
    expect((await send(key, 't-1', `我手机${guess}，网络太差了`).expect(200)).body).toMatchObject({ id: first.body.id, duplicate: true });
  }
  // what masking keeps still decides
  await send(key, 't-1', '我手机13912345678，网络太差了').expect(409);
  await send(key, 't-1', '我手机13812345678，网络还可以').expect(409);

  // under hash and keep, another number is another document
  for (const policy of ['hash', 'keep']) {
    const k = await createKey(rt, ['admin'], `resend-${policy}`);
    await rt.http.put('/v1/tenant/settings').set(bearer(k)).send({ piiPolicy: policy }).expect(200);
    await send(k, 't-1', '我手机13812345678，网络太差了').expect(202);
    await send(k, 't-1', '我手机13899995678，网络太差了').expect(409);
    await send(k, 't-1', '我手机13812345678，网络太差了').expect(200);
  }

  // the batch route decides the same way, item by item
  const batch = await rt.http
    .post('/v1/documents/batch')
    .set(bearer(key))
    .send({ documents: [{ kind: 'comment', source: 'crm', externalId: 't-1', customerId: 'c-1', text: '我手机13800005678，网络太差了' }, { kind: 'comment', source: 'crm', externalId: 't-1', customerId: 'c-1', text: '我手机13812345678，网络还可以' }] });
  expect(batch.status).toBe(207);
  expect(batch.body.items.map((i: { status: string }) => i.status)).toEqual(['duplicate', 'rejected']);
  expect(batch.body.items[1].error.code).toBe('conflict');
});

test('after a change of PII policy, re-sending the unchanged body is a duplicate of the stored document', async () => {
  const key = await createKey(rt, ['admin'], 'resend-policy');
  const text = '我手机13812345678，身份证110105198803124517，网络太差了';
  const first = await send(key, 'p-1', text, { metadata: { contact: '13812345678' } }).expect(202);
  for (const policy of ['hash', 'keep', 'mask']) {
    await rt.http.put('/v1/tenant/settings').set(bearer(key)).send({ piiPolicy: policy }).expect(200);
    const again = await send(key, 'p-1', text, { metadata: { contact: '13812345678' } }).expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, duplicate: true });
    // and a real change is still a conflict under every policy
    await send(key, 'p-1', text.replace('网络太差了', '网络还可以'), { metadata: { contact: '13812345678' } }).expect(409);
  }
});

test('a document stored before its PII policy was recorded is still recognised by its masked content', async () => {
  const key = await createKey(rt, ['admin'], 'resend-legacy');
  const first = await send(key, 'l-1', '我手机13812345678，网络太差了').expect(202);
  // as stored by a version before this one: no piiPolicy
  await rt.services.store.documents.update(first.body.id, { $unset: { piiPolicy: true } });
  expect((await rt.services.store.documents.findById(first.body.id))!.piiPolicy).toBeUndefined();
  const again = await send(key, 'l-1', '我手机13812345678，网络太差了').expect(200);
  expect(again.body).toMatchObject({ id: first.body.id, duplicate: true });
  await send(key, 'l-1', '我手机13812345678，网络还可以').expect(409);
});

test('documents stored by earlier versions (other masking rules and hash keys) are still duplicates of an unchanged re-send', async () => {
  // QA audit 2026-11-29 (upgrade, finding 1): after the upgrade 320 of 367 unchanged re-sends of a hash
  // tenant's old documents, and 63 of a mask tenant's, were refused with 409
  const hashKey = await createKey(rt, ['admin'], 'legacy-hash');
  await rt.http.put('/v1/tenant/settings').set(bearer(hashKey)).send({ piiPolicy: 'hash' }).expect(200);
  const text = '我手机13812345678，身份证110105198803124517，网络太差了';
  const h = await send(hashKey, 'lh-1', text, { metadata: { contact: '13812345678' } }).expect(202);
  const stored = (await rt.services.store.documents.findById(h.body.id))!;
  expect(stored.text).toMatch(/\[phone:[0-9a-f]{16}\]/);
  // as the version before stored it: 8-hex tokens under the install-wide key, no piiPolicy
  const eightHex = (v: string) => v.replace(/\[([a-z_]+):([0-9a-f]{8})[0-9a-f]{8}\]/g, '[$1:$2]');
  await rt.services.store.documents.update(h.body.id, {
    $set: { text: eightHex(stored.text!), metadata: JSON.parse(eightHex(JSON.stringify(stored.metadata))), contentHash: 'hash-of-the-old-masking' },
    $unset: { piiPolicy: true },
  });
  expect((await send(hashKey, 'lh-1', text, { metadata: { contact: '13812345678' } }).expect(200)).body).toMatchObject({ id: h.body.id, duplicate: true });
  await send(hashKey, 'lh-1', text.replace('太差了', '还可以'), { metadata: { contact: '13812345678' } }).expect(409);

  const maskKey = await createKey(rt, ['admin'], 'legacy-mask');
  const glued = '联系方式Tel13812345678，宽带老是断';
  const m = await send(maskKey, 'lm-1', glued).expect(202);
  expect((await rt.services.store.documents.findById(m.body.id))!.text).toBe('联系方式Tel138****5678，宽带老是断');
  // the version before did not see a number glued to Tel, and stored it in clear
  await rt.services.store.documents.update(m.body.id, { $set: { text: glued, contentHash: 'hash-of-the-old-masking' }, $unset: { piiPolicy: true } });
  expect((await send(maskKey, 'lm-1', glued).expect(200)).body).toMatchObject({ id: m.body.id, duplicate: true });
  await send(maskKey, 'lm-1', glued.replace('老是断', '很稳定')).expect(409);
  // in a batch too
  const batch = await rt.http.post('/v1/documents/batch').set(bearer(maskKey)).send({ documents: [{ kind: 'comment', source: 'crm', externalId: 'lm-1', customerId: 'c-1', text: glued }] }).expect(207);
  expect(batch.body.items[0]).toMatchObject({ status: 'duplicate', id: m.body.id });
});

test('a document masked by an earlier detector that missed a number is a duplicate of its unchanged re-send, under its recorded policy', async () => {
  // Before this, only documents stored before piiPolicy was recorded were masked again to compare: one stored
  // with its policy by a detector that missed something today's finds was refused with 409 when re-sent as it was.
  const maskKey = await createKey(rt, ['admin'], 'detector-mask');
  const glued = '联系方式Tel13812345678，宽带老是断';
  const m = await send(maskKey, 'dm-1', glued).expect(202);
  expect((await rt.services.store.documents.findById(m.body.id))!.piiPolicy).toBe('mask');
  // as an earlier detector stored it: the glued number in clear, its hash over that text
  await rt.services.store.documents.update(m.body.id, { $set: { text: glued, contentHash: 'hash-of-the-earlier-detector' } });
  expect((await send(maskKey, 'dm-1', glued).expect(200)).body).toMatchObject({ id: m.body.id, duplicate: true });
  await send(maskKey, 'dm-1', glued.replace('老是断', '很稳定')).expect(409);

  // a transcript whose mobile was read out over two turns, which an earlier detector kept in clear
  const turns = [
    { speaker: 'customer', text: '我的手机是138' },
    { speaker: 'customer', text: '12345678，信号一直很差' },
    { speaker: 'agent', text: '好的，我帮您登记' },
  ];
  const t = await rt.http.post('/v1/documents').set(bearer(maskKey)).send({ kind: 'transcript', source: 'cc', externalId: 'dm-2', turns }).expect(202);
  const storedTurns = (await rt.services.store.documents.findById(t.body.id))!.turns!;
  expect(storedTurns.map((x) => x.text).join('')).not.toContain('12345678');
  await rt.services.store.documents.update(t.body.id, { $set: { turns, contentHash: 'hash-of-the-earlier-detector' } });
  expect((await rt.http.post('/v1/documents').set(bearer(maskKey)).send({ kind: 'transcript', source: 'cc', externalId: 'dm-2', turns }).expect(200)).body).toMatchObject({
    id: t.body.id,
    duplicate: true,
  });

  // under hash the tokens are the tenant's own: the number the earlier detector missed gets today's token,
  // and another number in its place is still another document
  const hashKey = await createKey(rt, ['admin'], 'detector-hash');
  await rt.http.put('/v1/tenant/settings').set(bearer(hashKey)).send({ piiPolicy: 'hash' }).expect(200);
  const text = '身份证110105198803124517，联系方式Tel13812345678，宽带老是断';
  const h = await send(hashKey, 'dh-1', text).expect(202);
  const hashed = (await rt.services.store.documents.findById(h.body.id))!.text!;
  expect(hashed).toMatch(/^身份证\[id_card:[0-9a-f]{16}\]，联系方式Tel\[phone:[0-9a-f]{16}\]/);
  await rt.services.store.documents.update(h.body.id, { $set: { text: hashed.replace(/\[phone:[0-9a-f]{16}\]/, '13812345678'), contentHash: 'hash-of-the-earlier-detector' } });
  expect((await send(hashKey, 'dh-1', text).expect(200)).body).toMatchObject({ id: h.body.id, duplicate: true });
  await send(hashKey, 'dh-1', text.replace('13812345678', '13912345678')).expect(409);
});
