import http from 'node:http';
import { describe, expect, test } from 'vitest';
import { signPayload, verifySignature } from '../../src/actions/signature.js';
import { checkWebhookUrl, isBlockedAddress } from '../../src/actions/url-guard.js';
import { ADMIN_KEY, bearer, createKey, type TestRuntime } from '../helpers/runtime.js';
import { Receiver, settle } from './receiver.js';
import { addWebhook, deliveriesOf, ingest, waitDone, useActionsRuntimeWithReceiver } from './setup.js';

let rt: TestRuntime;
let receiver: Receiver;
useActionsRuntimeWithReceiver((s) => ({ rt, receiver } = s));

async function waitDelivery(webhookId: string, id: string, status: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = (await deliveriesOf(rt, webhookId)).find((x) => x.id === id);
    if (d?.status === status) return d;
    if (Date.now() > deadline) throw new Error(`delivery ${id} is ${JSON.stringify(d)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('webhook endpoints', () => {
  test('the secret is shown once; the list never shows it', async () => {
    const res = await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: `${receiver.url}/once`, description: 'ops' }).expect(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    const list = await rt.http.get('/v1/webhooks').set(bearer(ADMIN_KEY)).expect(200);
    expect(list.body.items.find((w: any) => w.id === res.body.id)).toMatchObject({ url: `${receiver.url}/once`, active: true });
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    const one = await rt.http.get(`/v1/webhooks/${res.body.id}`).set(bearer(ADMIN_KEY)).expect(200);
    expect(one.body.secret).toBeUndefined();
    const rotated = await rt.http.patch(`/v1/webhooks/${res.body.id}`).set(bearer(ADMIN_KEY)).send({ rotateSecret: true, active: false }).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(res.body.secret);
    expect(rotated.body.active).toBe(false);
    await rt.http.delete(`/v1/webhooks/${res.body.id}`).set(bearer(ADMIN_KEY)).expect(204);
    await rt.http.get(`/v1/webhooks/${res.body.id}`).set(bearer(ADMIN_KEY)).expect(404);
  });

  test('PATCH refuses null for fields that cannot be cleared, naming the field; description may be cleared', async () => {
    const res = await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: `${receiver.url}/nulls`, description: 'ops' }).expect(201);
    for (const field of ['active', 'url', 'rotateSecret']) {
      const bad = await rt.http.patch(`/v1/webhooks/${res.body.id}`).set(bearer(ADMIN_KEY)).send({ [field]: null }).expect(400);
      expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
    const cleared = await rt.http.patch(`/v1/webhooks/${res.body.id}`).set(bearer(ADMIN_KEY)).send({ description: null }).expect(200);
    expect(cleared.body).toMatchObject({ active: true, url: `${receiver.url}/nulls`, description: null });
    expect(cleared.body.secret).toBeUndefined();
  });

  test('SSRF guard: only http(s), no credentials, no private addresses unless allowlisted', async () => {
    for (const url of ['http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://[::]/', 'http://0.0.0.0/', 'http://100.64.0.1/', 'ftp://example.com/x', 'file:///etc/passwd', 'gopher://127.0.0.1/', 'http://user:pw@example.com/', 'http://10.0.0.8/hook', 'http://169.254.169.254/latest', 'http://[::1]:8080/', 'http://localhost:9/', 'not a url']) {
      const res = await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url });
      expect(res.status, url).toBe(400);
    }
    // 127.0.0.1 is in WEBHOOK_ALLOWED_HOSTS for these tests.
    await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: `${receiver.url}/allowed` }).expect(201);
  });

  test('address policy without an allowlist', () => {
    const none = { allowedHosts: [] };
    for (const url of ['http://0x7f000001/', 'http://2130706433/', 'http://127.1/', 'http://[0:0:0:0:0:ffff:7f00:1]/', 'http://[::ffff:10.1.2.3]/', 'http://192.168.1.10/', 'http://172.20.0.1/', 'http://app.localhost/']) {
      expect(() => checkWebhookUrl(url, none), url).toThrow(/private or loopback/);
    }
    expect(checkWebhookUrl('https://hooks.example.com/guandian', none).hostname).toBe('hooks.example.com');
    expect(checkWebhookUrl('http://8.8.8.8/x', none).hostname).toBe('8.8.8.8');
    expect(() => checkWebhookUrl('http://10.0.0.1/', { allowedHosts: ['10.0.0.1'] })).not.toThrow();
    expect(() => checkWebhookUrl('http://tickets.corp.example/', { allowedHosts: ['*.corp.example'] })).not.toThrow();
    expect(isBlockedAddress('2001:4860:4860::8888')).toBe(false);
    expect(isBlockedAddress('::ffff:8.8.8.8')).toBe(false);
    expect(isBlockedAddress('64:ff9b::a00:1')).toBe(true);
    expect(isBlockedAddress('ff02::1')).toBe(true);
    // Forms that embed a private IPv4 address, and IPv6 site-local.
    for (const ip of ['::ffff:0:7f00:1', '::ffff:0:a00:1', '2002:7f00:1::', '2002:a9fe:a9fe::1', '2002:c0a8:101::', 'fec0::1']) expect(isBlockedAddress(ip), ip).toBe(true);
    expect(isBlockedAddress('2002:808:808::')).toBe(false);
    expect(() => checkWebhookUrl('http://[2002:a9fe:a9fe::]/latest', none)).toThrow(/private or loopback/);
  });

  test('a test event arrives signed; the receiver verifies it by the documented recipe', async () => {
    const id = await addWebhook(rt, receiver);
    const sent = await rt.http.post(`/v1/webhooks/${id}/test`).set(bearer(ADMIN_KEY)).expect(202);
    await receiver.waitFor((r) => r.some((x) => x.body.id === sent.body.deliveryId));
    const got = receiver.received.find((x) => x.body.id === sent.body.deliveryId)!;
    expect(got.verified).toBe(true);
    expect(got.headers['content-type']).toContain('application/json');
    expect(got.headers['x-guandian-delivery']).toBe(sent.body.deliveryId);
    expect(got.body).toMatchObject({ type: 'test', tenant: 'default', rule: null, data: { webhookId: id } });
    // A tampered body or a stale timestamp must fail the same check.
    const secret = [...receiver.secrets.values()].at(-1)!;
    const ts = String(got.headers['x-guandian-timestamp']);
    expect(verifySignature(secret, { timestamp: ts, signature: String(got.headers['x-guandian-signature']) }, got.raw).ok).toBe(true);
    expect(verifySignature(secret, { timestamp: ts, signature: String(got.headers['x-guandian-signature']) }, got.raw.replace('test', 'tesT')).ok).toBe(false);
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect(verifySignature(secret, { timestamp: String(old), signature: signPayload(secret, old, got.raw) }, got.raw)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
    const d = await waitDelivery(id, sent.body.deliveryId, 'delivered');
    expect(d).toMatchObject({ event: 'test', attempts: 1, responseCode: 200 });
    expect(Date.parse(d.deliveredAt)).toBeGreaterThanOrEqual(Date.parse(d.createdAt));
  });

  test('a test event to an inactive endpoint is a 409 naming why, and logs no delivery', async () => {
    const id = await addWebhook(rt, receiver);
    await rt.http.patch(`/v1/webhooks/${id}`).set(bearer(ADMIN_KEY)).send({ active: false }).expect(200);
    const refused = await rt.http.post(`/v1/webhooks/${id}/test`).set(bearer(ADMIN_KEY)).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'webhook_inactive', details: [{ field: 'active', message: 'endpoint inactive' }] });
    expect(refused.body.error.message).toMatch(/inactive/);
    await settle(300);
    expect(await deliveriesOf(rt, id)).toEqual([]);
    // Active again, the same button works.
    await rt.http.patch(`/v1/webhooks/${id}`).set(bearer(ADMIN_KEY)).send({ active: true }).expect(200);
    const sent = await rt.http.post(`/v1/webhooks/${id}/test`).set(bearer(ADMIN_KEY)).expect(202);
    await waitDelivery(id, sent.body.deliveryId, 'delivered');
  });

  test('deactivating or deleting an endpoint fails its pending deliveries at once, and no retry goes out (docs audit 2026-11-29, finding 8)', async () => {
    // A delivery waiting for its retry: the receiver answered 500 once; the next attempt is a second away.
    const waitPending = async (webhookId: string, deliveryId: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const d = await rt.services.store.actions.deliveries.findById(deliveryId);
        if (d?.status === 'pending' && d.attempts === 1 && d.lastError) return;
        if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} of ${webhookId} is ${JSON.stringify(d)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const paused = await addWebhook(rt, receiver);
    receiver.script = [500];
    const sent = await rt.http.post(`/v1/webhooks/${paused}/test`).set(bearer(ADMIN_KEY)).expect(202);
    await waitPending(paused, sent.body.deliveryId);
    await rt.http.patch(`/v1/webhooks/${paused}`).set(bearer(ADMIN_KEY)).send({ active: false }).expect(200);
    // right after the PATCH, not when the next attempt comes up
    expect((await deliveriesOf(rt, paused)).find((x) => x.id === sent.body.deliveryId)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'webhook is inactive' });

    const removed = await addWebhook(rt, receiver);
    receiver.script = [500];
    const other = await rt.http.post(`/v1/webhooks/${removed}/test`).set(bearer(ADMIN_KEY)).expect(202);
    await waitPending(removed, other.body.deliveryId);
    await rt.http.delete(`/v1/webhooks/${removed}`).set(bearer(ADMIN_KEY)).expect(204);
    expect(await rt.services.store.actions.deliveries.findById(other.body.deliveryId)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'webhook was deleted' });

    // the retries, due a second after the first attempts, find them failed and send nothing
    await settle(2500);
    for (const id of [sent.body.deliveryId, other.body.deliveryId]) expect(receiver.received.filter((x) => x.body.id === id)).toHaveLength(1);
    expect((await deliveriesOf(rt, paused)).find((x) => x.id === sent.body.deliveryId)).toMatchObject({ status: 'failed', lastError: 'webhook is inactive' });
  });

  test('an attempt in flight when the endpoint is deactivated does not put its delivery back to pending when it fails', async () => {
    // A receiver that holds its answer until told, then answers 500.
    let release: (() => void) | null = null;
    let arrived = false;
    const slow = http.createServer((req, res) => {
      req.resume();
      arrived = true;
      release = () => res.writeHead(500).end('no');
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}/held`;
      const hook = (await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url }).expect(201)).body.id as string;
      const sent = await rt.http.post(`/v1/webhooks/${hook}/test`).set(bearer(ADMIN_KEY)).expect(202);
      for (const deadline = Date.now() + 10_000; !arrived; ) {
        if (Date.now() > deadline) throw new Error('the held receiver got nothing');
        await new Promise((r) => setTimeout(r, 10));
      }
      await rt.http.patch(`/v1/webhooks/${hook}`).set(bearer(ADMIN_KEY)).send({ active: false }).expect(200);
      release!();
      // the retry would be a second away: watch the delivery until then, it must never read pending again
      const seen = new Set<string>();
      for (const until = Date.now() + 800; Date.now() < until; ) {
        seen.add((await rt.services.store.actions.deliveries.findById(sent.body.deliveryId))!.status);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect([...seen]).toEqual(['failed']);
      expect(await rt.services.store.actions.deliveries.findById(sent.body.deliveryId)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'webhook is inactive' });
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  test('5xx answers are retried with backoff until the receiver accepts; 4xx fails at once', async () => {
    const id = await addWebhook(rt, receiver);
    receiver.script = [500, 503];
    const sent = await rt.http.post(`/v1/webhooks/${id}/test`).set(bearer(ADMIN_KEY)).expect(202);
    const d = await waitDelivery(id, sent.body.deliveryId, 'delivered');
    expect(d).toMatchObject({ attempts: 3, responseCode: 200, lastError: null });
    const tries = receiver.received.filter((x) => x.body.id === sent.body.deliveryId);
    expect(tries.map((t) => t.answered)).toEqual([500, 503, 200]);
    expect(tries.every((t) => t.verified)).toBe(true);
    // Same event, same body on every attempt; the timestamp (and so the signature) is per attempt.
    expect(new Set(tries.map((t) => t.raw)).size).toBe(1);

    receiver.script = [410];
    const gone = await rt.http.post(`/v1/webhooks/${id}/test`).set(bearer(ADMIN_KEY)).expect(202);
    const failed = await waitDelivery(id, gone.body.deliveryId, 'failed');
    expect(failed).toMatchObject({ attempts: 1, responseCode: 410 });
  });

  test('a failed delivery is sent again on request, the same event under the same id; nothing else is', async () => {
    const id = await addWebhook(rt, receiver);
    // the receiver was gone (410 is final: no retries), then comes back
    receiver.script = [410];
    const sent = await rt.http.post(`/v1/webhooks/${id}/test`).set(bearer(ADMIN_KEY)).expect(202);
    const did = sent.body.deliveryId as string;
    expect(await waitDelivery(id, did, 'failed')).toMatchObject({ attempts: 1, responseCode: 410 });
    const first = receiver.received.find((x) => x.body.id === did)!;

    const again = await rt.http.post(`/v1/webhooks/${id}/deliveries/${did}/retry`).set(bearer(ADMIN_KEY)).expect(202);
    expect(again.body).toEqual({ deliveryId: did, status: 'pending' });
    expect(await waitDelivery(id, did, 'delivered')).toMatchObject({ attempts: 1, responseCode: 200, lastError: null });
    const tries = receiver.received.filter((x) => x.body.id === did);
    expect(tries.map((t) => t.answered)).toEqual([410, 200]);
    expect(tries[1]!.raw).toBe(first.raw);
    expect(tries[1]!.verified).toBe(true);

    // delivered: nothing to send again
    const done = await rt.http.post(`/v1/webhooks/${id}/deliveries/${did}/retry`).set(bearer(ADMIN_KEY)).expect(409);
    expect(done.body.error).toMatchObject({ code: 'delivery_not_failed', details: [{ field: 'status' }] });
    // not this endpoint's delivery, not this tenant's endpoint, no such delivery: 404
    const other = await addWebhook(rt, receiver);
    await rt.http.post(`/v1/webhooks/${other}/deliveries/${did}/retry`).set(bearer(ADMIN_KEY)).expect(404);
    await rt.http.post(`/v1/webhooks/${id}/deliveries/${'0'.repeat(32)}/retry`).set(bearer(ADMIN_KEY)).expect(404);
    const elsewhere = await createKey(rt, ['admin'], 'redeliver-other-tenant');
    await rt.http.post(`/v1/webhooks/${id}/deliveries/${did}/retry`).set(bearer(elsewhere)).expect(404);
    // a labeler may not; a body is refused
    await rt.http.post(`/v1/webhooks/${id}/deliveries/${did}/retry`).set(bearer(await createKey(rt, ['labeler']))).expect(403);
    await rt.http.post(`/v1/webhooks/${id}/deliveries/${did}/retry`).set(bearer(ADMIN_KEY)).send({ force: true }).expect(400);

    // an inactive endpoint's failed delivery waits for it to be active again
    receiver.script = [410];
    const second = (await rt.http.post(`/v1/webhooks/${id}/test`).set(bearer(ADMIN_KEY)).expect(202)).body.deliveryId as string;
    await waitDelivery(id, second, 'failed');
    await rt.http.patch(`/v1/webhooks/${id}`).set(bearer(ADMIN_KEY)).send({ active: false }).expect(200);
    const inactive = await rt.http.post(`/v1/webhooks/${id}/deliveries/${second}/retry`).set(bearer(ADMIN_KEY)).expect(409);
    expect(inactive.body.error.code).toBe('webhook_inactive');
    expect((await deliveriesOf(rt, id)).find((x) => x.id === second)).toMatchObject({ status: 'failed', attempts: 1 });

    const audit = await rt.http.get('/v1/audit?action=webhook.redeliver').set(bearer(ADMIN_KEY)).expect(200);
    expect(audit.body.items.map((e: { target: string; details: { deliveryId: string } }) => [e.target, e.details.deliveryId])).toEqual([[id, did]]);
  });

  test('the delivery log pages through deliveries created in the same millisecond without skipping any', async () => {
    const id = await addWebhook(rt, receiver);
    const same = new Date(Date.now() - 60_000);
    const older = new Date(same.getTime() - 1000);
    const ids: string[] = [];
    // One document matching several rules, or a batch tagged at once, gives one endpoint many deliveries per millisecond.
    for (let i = 0; i < 7; i++) {
      const did = `same-ms-${id}-${i}`;
      ids.push(did);
      await rt.services.store.actions.deliveries.insertIfAbsent({
        _id: did, tenant: 'default', endpointId: id, ruleId: null, event: 'test', payload: {}, status: 'failed', attempts: 1,
        responseCode: 410, lastError: 'receiver answered 410', createdAt: i < 5 ? same : older, lastAttemptAt: same, deliveredAt: null,
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await rt.http.get(`/v1/webhooks/${id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(bearer(ADMIN_KEY)).expect(200);
      seen.push(...res.body.items.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(7);
    expect([...seen].sort()).toEqual([...ids].sort());
    // Newest first: the five of the same millisecond, then the older two.
    expect(seen.slice(5).sort()).toEqual(ids.slice(5).sort());
    const bad = await rt.http.get(`/v1/webhooks/${id}/deliveries?cursor=nope`).set(bearer(ADMIN_KEY)).expect(400);
    expect(bad.body.error.details[0].field).toBe('cursor');
  });

  test('a receiver that answers 200 and then never finishes its body does not hold the delivery', async () => {
    // Answers at once, then trickles the body: each byte resets a socket idle timeout, so a sender
    // that waits for the end of the body waits as long as the receiver likes, holding a delivery slot.
    const sockets = new Set<import('node:net').Socket>();
    const slow = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const drip = setInterval(() => res.write('.'), 200);
      res.on('close', () => clearInterval(drip));
    });
    slow.on('connection', (sock) => sockets.add(sock));
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const port = (slow.address() as import('node:net').AddressInfo).port;
      const hook = (await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: `http://127.0.0.1:${port}/slow` }).expect(201)).body.id as string;
      const sent = await rt.http.post(`/v1/webhooks/${hook}/test`).set(bearer(ADMIN_KEY)).expect(202);
      const d = await waitDelivery(hook, sent.body.deliveryId, 'delivered');
      expect(d).toMatchObject({ attempts: 1, responseCode: 200 });
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  test('network errors are retried too, and the log says why', async () => {
    const res = await rt.http.post('/v1/webhooks').set(bearer(ADMIN_KEY)).send({ url: 'http://127.0.0.1:9/closed' }).expect(201);
    const sent = await rt.http.post(`/v1/webhooks/${res.body.id}/test`).set(bearer(ADMIN_KEY)).expect(202);
    const deadline = Date.now() + 15_000;
    let d: Record<string, any> | undefined;
    while (Date.now() < deadline) {
      d = (await deliveriesOf(rt, res.body.id)).find((x) => x.id === sent.body.deliveryId);
      if (d && d.attempts >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(d!.attempts).toBeGreaterThanOrEqual(2);
    expect(d!.lastError).toMatch(/ECONNREFUSED|connect/);
  });
});

describe('per-document rules', () => {
  test('a negative account_security tag fires once, even when the document is processed again', async () => {
    const hook = await addWebhook(rt, receiver);
    const rule = await rt.http
      .post('/v1/rules')
      .set(bearer(ADMIN_KEY))
      .send({ name: 'account security complaints', type: 'document', webhookIds: [hook], match: { categories: ['account_security'], polarities: ['negative'] } })
      .expect(201);
    const kw = await rt.http
      .post('/v1/rules')
      .set(bearer(ADMIN_KEY))
      .send({ name: 'regulator', type: 'document', webhookIds: [hook], match: { keywords: ['银保监'], channels: ['app'] } })
      .expect(201);
    const ingestKey = await createKey(rt, ['ingest']);
    const bad = await ingest(rt, ingestKey, 'sec-1', '账户安全太差了，被盗刷了');
    const good = await ingest(rt, ingestKey, 'sec-2', '网络很顺畅');
    const reg = await ingest(rt, ingestKey, 'sec-3', '网络很顺畅，不过我会找银保监');
    const otherChannel = await ingest(rt, ingestKey, 'sec-4', '我要找银保监', { source: 'weibo' });
    await waitDone(rt, [bad, good, reg, otherChannel]);
    await receiver.waitFor((r) => r.filter((x) => x.body.type === 'rule.document' && x.body.rule.id === rule.body.id).length >= 1);
    await receiver.waitFor((r) => r.filter((x) => x.body.type === 'rule.document' && x.body.rule.id === kw.body.id).length >= 1);

    const fromRule = () => receiver.ofType('rule.document').filter((x) => x.body.rule.id === rule.body.id);
    expect(fromRule()).toHaveLength(1);
    const event = fromRule()[0]!;
    expect(event.verified).toBe(true);
    expect(event.body.data.document).toMatchObject({ id: bad, channel: 'app', externalId: 'sec-1' });
    expect(event.body.data.tags[0]).toMatchObject({ category: 'account_security', polarity: 'negative' });
    const byKeyword = receiver.ofType('rule.document').filter((x) => x.body.rule.id === kw.body.id);
    expect(byKeyword.map((x) => x.body.data.document.id)).toEqual([reg]);

    // Re-running the job (retry re-tags) must not send the alert again.
    await rt.http.post(`/v1/documents/${bad}/retry`).set(bearer(ADMIN_KEY)).expect((r) => expect(r.status).toBeLessThan(300));
    await waitDone(rt, [bad]);
    await settle(800);
    expect(fromRule()).toHaveLength(1);
    expect((await deliveriesOf(rt, hook)).filter((d) => d.ruleId === rule.body.id)).toHaveLength(1);
  });

  test("a labeler's correction that makes a document match fires its document rules, once per rule, document and endpoint", async () => {
    const hook = await addWebhook(rt, receiver);
    const rule = await rt.http
      .post('/v1/rules')
      .set(bearer(ADMIN_KEY))
      .send({ name: 'security, found by people too', type: 'document', webhookIds: [hook], match: { categories: ['account_security'], polarities: ['negative'] } })
      .expect(201);
    const ingestKey = await createKey(rt, ['ingest']);
    const labeler = await createKey(rt, ['labeler']);
    const text = '网络很顺畅，就是昨天半夜收到一条陌生验证码';
    const missed = await ingest(rt, ingestKey, 'corr-sec-1', text);
    const mislabelled = await ingest(rt, ingestKey, 'corr-sec-2', '网络信号太差');
    await waitDone(rt, [missed, mislabelled]);
    const tagsOf = async (id: string) => (await rt.http.get(`/v1/documents/${id}`).set(bearer(labeler)).expect(200)).body.tags as { id: string; category: string; polarity: string }[];
    // The premise: the model saw no negative security opinion in either.
    for (const id of [missed, mislabelled]) expect((await tagsOf(id)).some((t) => t.category === 'account_security' && t.polarity === 'negative')).toBe(false);
    await settle(400);
    const fromRule = () => receiver.ofType('rule.document').filter((x) => x.body.rule.id === rule.body.id);
    expect(fromRule()).toHaveLength(0);

    // A tag the labeler adds.
    const start = text.indexOf('收到');
    await rt.http
      .post(`/v1/documents/${missed}/corrections`)
      .set(bearer(labeler))
      .send({ actions: [{ op: 'add', span: { start, end: text.length }, aspect: '验证码', polarity: 'negative', category: 'account_security' }] })
      .expect(200);
    await receiver.waitFor(() => fromRule().length >= 1);
    expect(fromRule()[0]!.body.data.document.id).toBe(missed);
    expect(fromRule()[0]!.body.data.tags[0]).toMatchObject({ category: 'account_security', polarity: 'negative', aspect: '验证码' });

    // A machine tag the labeler re-categorizes.
    const [wrong] = await tagsOf(mislabelled);
    await rt.http.patch(`/v1/tags/${wrong!.id}`).set(bearer(labeler)).send({ category: 'account_security' }).expect(200);
    await receiver.waitFor(() => fromRule().some((x) => x.body.data.document.id === mislabelled));

    // Later corrections of documents that already fired send nothing new.
    await rt.http.patch(`/v1/tags/${wrong!.id}`).set(bearer(labeler)).send({ aspect: '信号' }).expect(200);
    await rt.http.post(`/v1/documents/${missed}/corrections`).set(bearer(labeler)).send({ actions: [{ op: 'accept' }] }).expect(200);
    await settle(800);
    expect(fromRule().map((x) => x.body.data.document.id).sort()).toEqual([missed, mislabelled].sort());
    expect((await deliveriesOf(rt, hook)).filter((d) => d.ruleId === rule.body.id)).toHaveLength(2);
  });

  test('inactive rules and inactive webhooks do not fire', async () => {
    const hook = await addWebhook(rt, receiver);
    const rule = await rt.http
      .post('/v1/rules')
      .set(bearer(ADMIN_KEY))
      .send({ name: 'off', type: 'document', active: false, webhookIds: [hook], match: { keywords: ['静默规则'] } })
      .expect(201);
    const paused = await addWebhook(rt, receiver);
    await rt.http.patch(`/v1/webhooks/${paused}`).set(bearer(ADMIN_KEY)).send({ active: false }).expect(200);
    const toPaused = await rt.http
      .post('/v1/rules')
      .set(bearer(ADMIN_KEY))
      .send({ name: 'to a paused endpoint', type: 'document', webhookIds: [paused], match: { keywords: ['静默规则'] } })
      .expect(201);
    const ingestKey = await createKey(rt, ['ingest']);
    await waitDone(rt, [await ingest(rt, ingestKey, 'quiet-1', '静默规则测试，网络信号太差')]);
    await settle(400);
    expect(receiver.received.filter((x) => x.body.rule?.id === rule.body.id || x.body.rule?.id === toPaused.body.id)).toHaveLength(0);
    expect(await deliveriesOf(rt, paused)).toEqual([]);
  });

  test('rule validation', async () => {
    const hook = await addWebhook(rt, receiver);
    await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'x', type: 'document', webhookIds: [hook], match: {} }).expect(400);
    await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'x', type: 'document', webhookIds: [hook], match: { categories: ['nope'] } }).expect(400);
    await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'x', type: 'threshold', webhookIds: [hook] }).expect(400);
    await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'x', type: 'threshold', webhookIds: [hook], threshold: { minShare: 1.5 } }).expect(400);
    await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'x', type: 'document', webhookIds: ['missing'], match: { keywords: ['a'] } }).expect(400);
    const created = await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'x', type: 'sla_breach', webhookIds: [hook] }).expect(201);
    expect(created.body).toMatchObject({ type: 'sla_breach', teams: [], active: true });
    const replaced = await rt.http.put(`/v1/rules/${created.body.id}`).set(bearer(ADMIN_KEY)).send({ name: 'y', type: 'sla_breach', webhookIds: [hook], teams: ['risk'], active: false }).expect(200);
    expect(replaced.body).toMatchObject({ name: 'y', teams: ['risk'], active: false });
    await rt.http.delete(`/v1/rules/${created.body.id}`).set(bearer(ADMIN_KEY)).expect(204);
    await rt.http.get(`/v1/rules/${created.body.id}`).set(bearer(ADMIN_KEY)).expect(404);
  });

  test('a rule without webhookIds is told it needs them, in one sentence', async () => {
    const res = await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'x', type: 'document', match: { keywords: ['a'] } }).expect(400);
    expect(res.body.error.details.map((d: { field: string; message: string }) => [d.field, d.message])).toEqual([
      ['webhookIds', 'webhookIds is required: the ids of the webhooks (GET /v1/webhooks) the rule notifies, [] for none'],
    ]);
  });

  test('a webhook a rule sends to cannot be deleted until the rule lets go of it', async () => {
    const hook = await addWebhook(rt, receiver);
    const rule = await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: '资费投诉', type: 'document', webhookIds: [hook], match: { keywords: ['乱扣费'] } }).expect(201);
    const refused = await rt.http.delete(`/v1/webhooks/${hook}`).set(bearer(ADMIN_KEY)).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'webhook_in_use', details: [{ field: 'rules', message: `${rule.body.id} (资费投诉)` }] });
    await rt.http.get(`/v1/webhooks/${hook}`).set(bearer(ADMIN_KEY)).expect(200);
    // the rule still saves as it is (its webhook exists), and once it lets go the webhook can go
    const { id: _id, createdAt: _c, updatedAt: _u, ...body } = (await rt.http.get(`/v1/rules/${rule.body.id}`).set(bearer(ADMIN_KEY)).expect(200)).body;
    await rt.http.put(`/v1/rules/${rule.body.id}`).set(bearer(ADMIN_KEY)).send({ ...body, name: '资费投诉（改名）' }).expect(200);
    await rt.http.put(`/v1/rules/${rule.body.id}`).set(bearer(ADMIN_KEY)).send({ ...body, webhookIds: [] }).expect(200);
    await rt.http.delete(`/v1/webhooks/${hook}`).set(bearer(ADMIN_KEY)).expect(204);
  });
});

describe('roles and tenants', () => {
  test('rules, webhooks and routing are admin-only and tenant-scoped', async () => {
    const hook = await addWebhook(rt, receiver);
    const rule = await rt.http.post('/v1/rules').set(bearer(ADMIN_KEY)).send({ name: 'a', type: 'document', webhookIds: [hook], match: { keywords: ['x'] } }).expect(201);
    for (const role of ['analyst', 'labeler', 'ingest']) {
      const key = await createKey(rt, [role]);
      await rt.http.get('/v1/webhooks').set(bearer(key)).expect(403);
      await rt.http.post('/v1/webhooks').set(bearer(key)).send({ url: `${receiver.url}/x` }).expect(403);
      await rt.http.get(`/v1/webhooks/${hook}`).set(bearer(key)).expect(403);
      await rt.http.patch(`/v1/webhooks/${hook}`).set(bearer(key)).send({ active: false }).expect(403);
      await rt.http.delete(`/v1/webhooks/${hook}`).set(bearer(key)).expect(403);
      await rt.http.get(`/v1/webhooks/${hook}/deliveries`).set(bearer(key)).expect(403);
      await rt.http.post(`/v1/webhooks/${hook}/test`).set(bearer(key)).expect(403);
      await rt.http.get('/v1/rules').set(bearer(key)).expect(403);
      await rt.http.post('/v1/rules').set(bearer(key)).send({ name: 'a', type: 'document', webhookIds: [hook], match: { keywords: ['x'] } }).expect(403);
      await rt.http.get(`/v1/rules/${rule.body.id}`).set(bearer(key)).expect(403);
      await rt.http.put(`/v1/rules/${rule.body.id}`).set(bearer(key)).send({}).expect(403);
      await rt.http.delete(`/v1/rules/${rule.body.id}`).set(bearer(key)).expect(403);
      await rt.http.get('/v1/routing').set(bearer(key)).expect(403);
      await rt.http.put('/v1/routing').set(bearer(key)).send({}).expect(403);
    }
    await rt.http.get('/v1/webhooks').expect(401);

    const otherAdmin = await createKey(rt, ['admin'], 'tenant-b');
    expect((await rt.http.get('/v1/webhooks').set(bearer(otherAdmin)).expect(200)).body.items).toEqual([]);
    expect((await rt.http.get('/v1/rules').set(bearer(otherAdmin)).expect(200)).body.items).toEqual([]);
    await rt.http.get(`/v1/webhooks/${hook}`).set(bearer(otherAdmin)).expect(404);
    await rt.http.patch(`/v1/webhooks/${hook}`).set(bearer(otherAdmin)).send({ active: false }).expect(404);
    await rt.http.delete(`/v1/webhooks/${hook}`).set(bearer(otherAdmin)).expect(404);
    await rt.http.get(`/v1/webhooks/${hook}/deliveries`).set(bearer(otherAdmin)).expect(404);
    await rt.http.post(`/v1/webhooks/${hook}/test`).set(bearer(otherAdmin)).expect(404);
    await rt.http.get(`/v1/rules/${rule.body.id}`).set(bearer(otherAdmin)).expect(404);
    await rt.http.delete(`/v1/rules/${rule.body.id}`).set(bearer(otherAdmin)).expect(404);
    const hookB = (await rt.http.post('/v1/webhooks').set(bearer(otherAdmin)).send({ url: `${receiver.url}/b` }).expect(201)).body.id;
    await rt.http.put(`/v1/rules/${rule.body.id}`).set(bearer(otherAdmin)).send({ name: 'b', type: 'document', webhookIds: [hookB], match: { keywords: ['x'] } }).expect(404);
    // Tenant A's rule is untouched by all of that.
    expect((await rt.http.get(`/v1/rules/${rule.body.id}`).set(bearer(ADMIN_KEY)).expect(200)).body).toMatchObject({ name: 'a', webhookIds: [hook] });
    expect((await rt.http.get(`/v1/webhooks/${hook}`).set(bearer(ADMIN_KEY)).expect(200)).body.active).toBe(true);
    // Another tenant's webhook cannot be attached to a rule.
    await rt.http.post('/v1/rules').set(bearer(otherAdmin)).send({ name: 'steal', type: 'document', webhookIds: [hook], match: { keywords: ['x'] } }).expect(400);
    // Tenant B's documents never fire tenant A's rules.
    const ingestB = await createKey(rt, ['ingest'], 'tenant-b');
    const before = receiver.received.length;
    await waitDone(rt, [await ingest(rt, ingestB, 'b-1', 'x 账户安全太差了')]);
    await settle(400);
    expect(receiver.received.slice(before).filter((r) => r.body.tenant !== 'tenant-b')).toHaveLength(0);
  });
});
