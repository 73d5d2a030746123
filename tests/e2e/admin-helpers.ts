import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, waitFor } from './server-harness.js';

// Shared by the admin-*.test.ts browser tests. Browser code is passed as strings: the test tsconfig has no DOM lib.

/** Every admin page's route, and what shows once that page has loaded (the a11y and phone-width passes visit them all). */
export const ADMIN_PAGES: readonly (readonly [hash: string, ready: string])[] = [
  ['#/admin/keys', '.keys-table'],
  ['#/admin/settings', '.settings-form'],
  ['#/admin/webhooks', '.create-webhook'],
  ['#/admin/rules', '[data-action=new-rule]'],
  ['#/admin/routing', '.routing-form'],
  ['#/admin/erasure', '.erasure-form'],
  ['#/admin/audit', '[data-admin-section=audit] .adm-footer'],
];

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Whether focus is inside the open dialog. */
export const focusInDialog = (page: Page) => page.evaluate(`Boolean(document.activeElement && document.activeElement.closest('[role=dialog]'))`) as Promise<boolean>;

/** Presses Tab (and Shift+Tab) a few times and checks that focus never leaves the dialog. */
export async function expectTabTrapped(page: Page): Promise<void> {
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    expect(await focusInDialog(page), `focus left the dialog after ${key}`).toBe(true);
  }
}

/** The page's layout at a phone's width: how wide it is, and what sticks out (outside scrolling tables). */
export async function overflow(page: Page, width: number): Promise<{ scrollWidth: number; wide: string[] }> {
  return (await page.evaluate(`(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 && b.right > ${width} + 1 && !e.closest('.table-scroll, .topbar nav'); })
      .slice(0, 6)
      .map((e) => e.tagName + '.' + String(e.className).slice(0, 40) + ' right=' + Math.round(e.getBoundingClientRect().right)),
  }))()`)) as { scrollWidth: number; wide: string[] };
}

/** The visually hidden page heading the shell renders for the page (one h1 in the one main landmark). */
export async function pageHeading(page: Page): Promise<string> {
  expect(await page.locator('main').count()).toBe(1);
  expect(await page.locator('main h1').count()).toBe(1);
  return (await page.locator('main h1').textContent()) ?? '';
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  return waitFor(what, async () => (await fn()) || null, timeoutMs) as Promise<T>;
}
