import os from 'node:os';
import { expect, test } from 'vitest';
import { useConsole } from './console-fixture.js';

// Docs audit 2026-11-30: opened over plain HTTP at a LAN address (not localhost), the console was a blank
// page: helmet's default Content-Security-Policy carried upgrade-insecure-requests, so the browser asked
// for /assets/* over https, where nothing listens. A private deployment is often reached exactly so.

// The machine's own non-loopback address: the browser treats 127.0.0.1 as trustworthy and does not upgrade.
const lan = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

const e2e = useConsole({ HOST: '0.0.0.0' });

test('the policy asks no browser to upgrade the console to https', async () => {
  const res = await fetch(`${e2e.server.base}/`);
  expect(res.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
});

test.skipIf(!lan)('the console renders at http://<LAN address>:<port>, its scripts and styles loaded over http', async () => {
  const page = await e2e.browser.newPage();
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  await page.goto(`http://${lan}:${new URL(e2e.server.base).port}/`);
  await page.waitForSelector('input[type="password"], #root *', { timeout: 15_000 });
  expect(failed).toEqual([]);
  expect(await page.evaluate('document.getElementById("root").children.length')).toBeGreaterThan(0);
  await page.close();
});
