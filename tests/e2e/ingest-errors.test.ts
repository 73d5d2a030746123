import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { signIn } from './console-helpers.js';
import { openPage, waitFor } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// The Ingest page's refusals must name the field as the form names it (the API's `source` is the
// form's 渠道/Channel, not the feed's tag-source filter 来源) and say why, so the user can fix it.

const e2e = useConsole();
let page: Page;
const pageErrors: string[] = [];

// One character past the server's default MAX_TEXT_LENGTH (20,000).
const TOO_LONG = '慢'.repeat(20_001);

const ALERT = '.ingest-form [role=alert]';

/** Fills the form, submits it and returns the refusal's text once it has been shown. */
async function submit(kind: 'comment' | 'transcript', channel: string, text: string): Promise<string> {
  await page.selectOption('.ingest-form select', kind);
  await page.fill('.ingest-form input', channel);
  await page.fill('.ingest-form textarea', text);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/documents');
  await page.click('.ingest-form button[type=submit]');
  // The page clears the previous outcome when the form is submitted, so the alert after the answer is this one's.
  expect((await answered).status()).toBe(400);
  await page.locator(ALERT).waitFor({ timeout: 15_000 });
  return (await page.textContent(ALERT))!;
}

async function alertText(): Promise<string> {
  return (await page.textContent(ALERT))!;
}

describe('Ingest page validation errors (real server, chromium)', () => {
  beforeAll(async () => {
    ({ page } = await openPage(e2e.browser, { width: 1366, height: 860 }, { errors: pageErrors }));
    await signIn(page, e2e.server.base, e2e.server.adminKey, '#/ingest');
    await page.waitForSelector('.ingest-form');
  }, 90_000);

  test('a channel the API refuses is named 渠道 with the reason, not 来源', async () => {
    const text = await submit('comment', '微博', '网速太慢');
    expect(text).toBe('出错了: 请求内容无效：渠道只能包含英文字母、数字、“.”、“_”或“-”（如 app-review）');
    expect(text).not.toContain('来源');
    // The server's own words stay available on hover for whoever reports the problem.
    expect(await page.getAttribute(`${ALERT} .error-text`, 'title')).toBe('invalid request body: source');
  });

  test('an over-long text is named 文本 and says the limit', async () => {
    const text = await submit('comment', 'weibo', TOO_LONG);
    expect(text).toBe('出错了: 请求内容无效：文本不能超过 20000 个字符');
  });

  test('a transcript turn is named by its position, not as a raw path like turns.1.text', async () => {
    const text = await submit('transcript', 'call', `客户：网速太慢\n客户：${TOO_LONG}`);
    expect(text).toBe('出错了: 请求内容无效：转写第 2 句不能超过 20000 个字符');
    expect(text).not.toMatch(/turns|\.text/);
  });

  test('the English switch re-words the shown error with the English label and reason', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await waitFor('the alert in English', async () => /^Error/.test(await alertText()), 10_000);
    expect(await alertText()).toBe('Error: The request was invalid: Turn 2 of the transcript must be at most 20000 characters');

    const channel = await submit('comment', '微博', '网速太慢');
    expect(channel).toBe('Error: The request was invalid: Channel must be letters, digits, ".", "_" or "-" (e.g. app-review)');
    expect(channel).not.toMatch(/Source/);

    const long = await submit('comment', 'weibo', TOO_LONG);
    expect(long).toBe('Error: The request was invalid: Text must be at most 20000 characters');

    // Back in Chinese, the same refusal reads in Chinese again.
    await page.getByRole('button', { name: '中文' }).click();
    await waitFor('the alert in Chinese', async () => (await alertText()).startsWith('出错了'), 10_000);
    expect(await alertText()).toBe('出错了: 请求内容无效：文本不能超过 20000 个字符');
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });

  // Console QA 2026-12-01: the form offered comments, transcripts and social posts only, though the API takes
  // survey answers, most of them a score without a comment.
  test('a survey answer is sent with its scale, score and question, and without a comment when none is written', async () => {
    await page.selectOption('.ingest-form select', 'survey');
    await page.fill('.ingest-form input[name=source]', 'nps-survey');
    await page.selectOption('.ingest-form select[name=scale]', 'nps');
    await page.fill('.ingest-form input[name=score]', '2');
    await page.fill('.ingest-form input[name=question]', '您向朋友推荐我们的可能性有多大？');
    await page.fill('.ingest-form textarea', '');
    const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v1/documents');
    await page.click('.ingest-form button[type=submit]');
    const res = await answered;
    expect(res.status()).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(res.request().postDataJSON()).toMatchObject({ kind: 'survey', source: 'nps-survey', scale: 'nps', score: 2, question: '您向朋友推荐我们的可能性有多大？' });
    expect(res.request().postDataJSON()).not.toHaveProperty('text');
    await page.locator(`.ingest-form a[href$="${id}"]`).waitFor();
    const doc = await e2e.api<{ kind: string; score: number; scale: string; text: string | null }>('GET', `/v1/documents/${id}`);
    expect(doc.body).toMatchObject({ kind: 'survey', score: 2, scale: 'nps' });
    expect(doc.body.text ?? null).toBeNull();
    // CSAT asks for 1-5: the score field says so to the browser
    await page.selectOption('.ingest-form select[name=scale]', 'csat');
    expect([await page.getAttribute('.ingest-form input[name=score]', 'min'), await page.getAttribute('.ingest-form input[name=score]', 'max')]).toEqual(['1', '5']);
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });
});
