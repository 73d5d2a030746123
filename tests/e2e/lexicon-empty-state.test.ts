import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { ingest, openRoute, signedInAs, waitDone } from './console-helpers.js';
import { openPage } from './server-harness.js';
import { useConsole } from './console-fixture.js';

// Web QA 2026-11-30: after a training made only of added tags the Models page sends the admin to 词典,
// which said only "没有新的建议" when the added tags gave no suggestion, with no word why.

const e2e = useConsole();
let page: Page;

beforeAll(async () => {
  ({ page } = await openPage(e2e.browser, { width: 1300, height: 860 }));
}, 120_000);

const emptyText = async () => {
  // from another page, so the lexicon page loads its suggestions afresh
  await openRoute(page, e2e.server.base, '#/feed', '.topbar');
  await openRoute(page, e2e.server.base, '#/admin/lexicon', '[data-empty="suggestions"]');
  return (await page.textContent('[data-empty="suggestions"]')) ?? '';
};

test('the lexicon page says why it has no suggestions: no added tags yet, or added tags that hold no new word', async () => {
  await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'zh');
  expect(await emptyText()).toContain('还没有标注员新增的标签');

  // an added tag whose words the lexicon and the taxonomy already hold (网络, 很差): nothing to suggest
  const text = '家里的网络很差';
  const doc = await waitDone(e2e.api, await ingest(e2e.api, { kind: 'comment', source: 'app', externalId: 'lex-empty-1', text }));
  const start = text.indexOf('网络很差');
  const added = await e2e.api('POST', `/v1/documents/${doc.id}/corrections`, { actions: [{ op: 'add', span: { start, end: start + 4 }, aspect: '网络', polarity: 'negative', category: 'network' }] });
  expect(added.status, JSON.stringify(added.body)).toBe(200);
  const sug = (await e2e.api<{ addedTags: number; sentiment: unknown[]; aspects: unknown[] }>('GET', '/v1/taxonomy/suggestions')).body;
  expect(sug, JSON.stringify(sug)).toMatchObject({ addedTags: 1, sentiment: [], aspects: [] });
  expect(await emptyText()).toContain('1 条新增标签里没有词典尚未收录的评价词');

  await signedInAs(page, e2e.server.base, e2e.server.adminKey, 'en');
  expect(await emptyText()).toContain('the 1 added tags hold no evaluative word the lexicon lacks');
});
