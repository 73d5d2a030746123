import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { checkWebhookUrl, guardedLookup, hostAllowed, isBlockedAddress } from '../../src/actions/url-guard.js';

// QA audit 2026-11-29, finding 12: IETF special-purpose ranges that were accepted, and an allowlist
// entry that opened every port of the host (http://127.0.0.1:6379/ with WEBHOOK_ALLOWED_HOSTS=127.0.0.1).
const none = { allowedHosts: [] };

test('IPv4 special-purpose ranges are refused; their neighbours are public', () => {
  const blocked = [
    '192.0.0.1', '192.0.0.170', '192.0.2.1', '192.0.2.255', '192.88.99.1', '198.18.0.1', '198.19.255.254', '198.51.100.7',
    '203.0.113.9', '100.64.0.1', '100.127.255.255', '240.0.0.1', '255.255.255.255', '224.0.0.1', '0.1.2.3',
  ];
  for (const ip of blocked) expect(isBlockedAddress(ip), ip).toBe(true);
  for (const ip of ['192.0.1.1', '192.0.3.1', '198.17.255.255', '198.20.0.1', '198.51.99.1', '198.51.101.1', '203.0.112.1', '203.0.114.1', '100.63.255.255', '100.128.0.1', '223.255.255.254', '8.8.8.8', '1.1.1.1']) {
    expect(isBlockedAddress(ip), ip).toBe(false);
  }
  for (const url of ['http://192.0.2.10/', 'http://192.0.0.8/hook', 'http://198.51.100.1/', 'http://203.0.113.200:8443/', 'http://240.1.2.3/']) {
    expect(() => checkWebhookUrl(url, none), url).toThrow(/private or loopback/);
  }
});

test('IPv6: documentation, IETF assignments, NAT64 and anything outside global unicast are refused; mapped forms follow their IPv4 address', () => {
  const blocked = [
    '2001:db8::1', '2001:db8:ffff::1', '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:2::1', '2001:10::1', '2001:1ff::1', '3fff::1', '3fff:fff::1',
    '64:ff9b::c000:201', '64:ff9b::808:808', '64:ff9b:1::1', '100::1', '5f00::1', '::ffff:192.0.2.1', '::ffff:c000:1', '::ffff:0:cb00:7101', '2002:c000:201::',
    '2002:c633:6401::', '::ffff:f000:1', '4000::1', 'e000::1',
  ];
  for (const ip of blocked) expect(isBlockedAddress(ip), ip).toBe(true);
  for (const ip of ['2001:4860:4860::8888', '2001:200::1', '2001:db9::1', '2400:cb00::1', '2a00:1450::1', '3ffe::1', '::ffff:8.8.8.8', '2002:808:808::']) {
    expect(isBlockedAddress(ip), ip).toBe(false);
  }
  for (const url of ['http://[2001:db8::5]/', 'http://[::ffff:192.0.2.1]/', 'http://[64:ff9b::c633:6401]/', 'http://[3fff::1]/']) {
    expect(() => checkWebhookUrl(url, none), url).toThrow(/private or loopback/);
  }
});

test('an allowlist entry may carry a port: host:port and [v6]:port allow that port only; without one, every port', () => {
  const policy = { allowedHosts: ['127.0.0.1:8080', '[::1]:9443', '*.corp.example:443', 'tickets.internal', '[fd00::5]', 'fd00::6', 'localhost:3000'] };
  expect(() => checkWebhookUrl('http://127.0.0.1:8080/hook', policy)).not.toThrow();
  expect(() => checkWebhookUrl('http://127.0.0.1:6379/', policy)).toThrow(/private or loopback/);
  expect(() => checkWebhookUrl('http://127.0.0.1/', policy)).toThrow(/private or loopback/);
  expect(() => checkWebhookUrl('https://[::1]:9443/', policy)).not.toThrow();
  expect(() => checkWebhookUrl('http://[0:0:0:0:0:0:0:1]:9443/', policy)).not.toThrow();
  expect(() => checkWebhookUrl('http://[::1]:9444/', policy)).toThrow(/private or loopback/);
  expect(() => checkWebhookUrl('http://localhost:3000/', policy)).not.toThrow();
  expect(() => checkWebhookUrl('http://localhost:3001/', policy)).toThrow(/private or loopback/);
  expect(() => checkWebhookUrl('http://[fd00::5]:1234/', policy)).not.toThrow();
  expect(() => checkWebhookUrl('http://[fd00::6]:1234/', policy)).not.toThrow();
  // Default ports count: https://host/ is port 443.
  expect(hostAllowed(policy, 'hooks.corp.example', 443)).toBe(true);
  expect(hostAllowed(policy, 'hooks.corp.example', 80)).toBe(false);
  expect(hostAllowed(policy, 'tickets.internal', 6379)).toBe(true);
  expect(hostAllowed(policy, 'TICKETS.internal', 80)).toBe(true);
  expect(hostAllowed(policy, 'other.internal', 80)).toBe(false);
});

let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(policy: { allowedHosts: string[] }, connectPort: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request({ host: 'localhost', port: connectPort, family: 4, agent: false, lookup: guardedLookup(policy, 'localhost', connectPort) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

test('at connect time, a name that resolves to loopback passes only on the allowlisted port', async () => {
  expect(await get({ allowedHosts: [`localhost:${port}`] }, port)).toBe(200);
  expect(await get({ allowedHosts: [`localhost:${port + 1}`] }, port)).toBe('EADDRBLOCKED');
  expect(await get({ allowedHosts: ['localhost'] }, port)).toBe(200);
  expect(await get({ allowedHosts: [] }, port)).toBe('EADDRBLOCKED');
});
