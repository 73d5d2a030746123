import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { ExportQueryDto } from '../../src/api/dto/query-dto.js';
import { enumOf } from '../../src/api/openapi/dto-schema.js';
import { parseCsv } from '../../src/cli/csv.js';
import { SLANG_COMPLAINTS } from '../fixtures/slang-complaints.js';
import { runBuiltCli, useCliService, type CliResult } from '../helpers/cli.js';
import type { ServiceProcess } from '../helpers/process.js';

// The built CLI against the built service, both as real processes, as a user would run them.

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'tests/fixtures/cli');
const ADMIN_KEY = 'cli-test-admin-key-0123456789abcdef';
// Retag jobs are the spine's POST /v1/retag-jobs + GET /v1/retag-jobs/:id; the end-to-end test runs
// once that route is in src/api (the CLI side is covered against a stand-in server below either way).
const RETAG_ROUTE_EXISTS = fs.readdirSync(path.join(ROOT, 'src/api'), { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.ts') && fs.readFileSync(path.join(ROOT, 'src/api', f), 'utf8').includes('retag-jobs'));

const dtoProperties = (cls: new () => object) =>
  [...new Set((getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false) as unknown as { propertyName: string }[]).map((m) => m.propertyName))];

function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return runBuiltCli(args, { cwd: opts.cwd ?? work, env: { GUANDIAN_URL: service.url, GUANDIAN_KEY: ADMIN_KEY, ...opts.env }, timeoutMs: 45_000 });
}

async function api<T>(pathname: string, key = ADMIN_KEY): Promise<T> {
  const res = await fetch(service.url + pathname, { headers: { Authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitUntilAnalyzed(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await Promise.all(['queued', 'processing'].map((s) => api<{ items: unknown[] }>(`/v1/documents?status=${s}&limit=1`)));
    if (pending.every((p) => p.items.length === 0)) return;
    if (Date.now() > deadline) throw new Error('documents still pending');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Forwards to the real service but fails the Nth batch request once, like a server dying mid-import. */
async function flakyProxy(target: string, failBatchNumber: number): Promise<{ url: string; close: () => Promise<void> }> {
  let batches = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.url === '/v1/documents/batch' && ++batches === failBatchNumber) {
          res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal', message: 'injected failure', details: [] } }));
          return;
        }
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        const upstream = await fetch(target + req.url, {
          method: req.method ?? 'GET',
          headers: { authorization: req.headers.authorization ?? '', ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body } : {}),
        });
        res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()));
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

let service: ServiceProcess;
let work: string;

useCliService(
  {
    adminKey: ADMIN_KEY,
    workPrefix: 'guandian-cli-',
    prepare: (dir) => {
      for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    },
  },
  (s) => ({ service, work } = s),
);

describe('import', () => {
  test('JSONL: counts, the invalid line reported with its number, then a re-run skips everything', async () => {
    const first = await runCli(['import', 'feedback.jsonl']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe('accepted 19, duplicate 0, rejected 1, skipped 0');
    expect(first.stderr).toMatch(/^feedback\.jsonl:9: not valid JSON/m);
    expect(fs.existsSync(path.join(work, 'feedback.jsonl.guandian-progress'))).toBe(true);

    const again = await runCli(['import', 'feedback.jsonl']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe('accepted 0, duplicate 0, rejected 0, skipped 20');
    expect(again.stderr).toContain('resuming');

    // Without the saved progress the API's idempotency answers: every document is a duplicate.
    const restarted = await runCli(['import', 'feedback.jsonl', '--restart']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout.trim()).toBe('accepted 0, duplicate 19, rejected 1, skipped 0');
  });

  test('CSV with BOM and quoted fields: an import cut off mid-way resumes after the last fully-sent chunk', async () => {
    const proxy = await flakyProxy(service.url, 2);
    try {
      const cut = await runCli(['import', 'feedback.csv', '--batch-size', '7'], { env: { GUANDIAN_URL: proxy.url } });
      expect(cut.code).toBe(1);
      expect(cut.stderr).toContain('injected failure');
      expect(cut.stderr).toContain('run the same command again to resume');
      const state = JSON.parse(fs.readFileSync(path.join(work, 'feedback.csv.guandian-progress'), 'utf8')) as { recordsDone: number; chunksDone: number };
      expect(state).toMatchObject({ recordsDone: 7, chunksDone: 1 });

      const resumed = await runCli(['import', 'feedback.csv', '--batch-size', '7'], { env: { GUANDIAN_URL: proxy.url } });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout.trim()).toBe('accepted 12, duplicate 0, rejected 1, skipped 7');
      // The rejected row is the one with kind "email", on physical line 11 (a quoted field spans lines 9-10).
      expect(resumed.stderr).toMatch(/^feedback\.csv:11: validation_failed: .*kind must be one of/m);

      const done = await runCli(['import', 'feedback.csv', '--batch-size', '7'], { env: { GUANDIAN_URL: proxy.url } });
      expect(done.stdout.trim()).toBe('accepted 0, duplicate 0, rejected 0, skipped 20');
    } finally {
      await proxy.close();
    }
    // Quoted commas, doubled quotes and the line break inside quotes arrived intact.
    const docs = await api<{ items: { externalId: string; text: string }[] }>('/v1/documents?limit=100');
    const byId = new Map(docs.items.map((d) => [d.externalId, d.text]));
    expect(byId.get('csv-ar-003')).toBe('界面好看, 操作也简单');
    expect(byId.get('csv-sv-103')).toBe('宽带装机很快，师傅说"有问题随时找我"，很贴心');
    expect(byId.get('csv-ar-004')).toBe('话费充值总是失败,\n钱扣了却没到账');
    expect(byId.has('kind')).toBe(false);
  });

  test('a GBK file from Excel is refused as UTF-8 with the fix named, and imports with --encoding gb18030', async () => {
    const asUtf8 = await runCli(['import', 'feedback-gbk.csv']);
    expect(asUtf8.code).toBe(1);
    expect(asUtf8.stderr).toContain('is not valid utf-8');
    expect(asUtf8.stderr).toContain('--encoding gb18030');
    const r = await runCli(['import', 'feedback-gbk.csv', '--encoding', 'gb18030']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('accepted 3, duplicate 0, rejected 0, skipped 0');
    const doc = await api<{ items: { externalId: string; text: string }[] }>('/v1/documents?q=%E5%AE%BD%E5%B8%A6%E5%AE%89%E8%A3%85&limit=10');
    expect(doc.items.map((d) => d.text)).toContain('宽带安装拖了一个星期，太慢了');
  });

  test('survey answers come in by CSV too: question, score and scale columns; a bad score is that line\'s error', async () => {
    const csv = [
      'kind,source,externalId,text,question,score,scale',
      'survey,cli-survey,sv-1,客服很耐心，问题当场解决了,您向朋友推荐我们的可能性有多大？,9,nps',
      'survey,cli-survey,sv-2,等了四十分钟才有人接,【如不满意，请描述下问题】,2,csat',
      'survey,cli-survey,sv-3,还行吧,您向朋友推荐我们的可能性有多大？,十分,nps',
      'comment,cli-survey,sv-4,网速挺快的,,,',
      // the respondent gave only a score: an empty text cell
      'survey,cli-survey,sv-5,,您向朋友推荐我们的可能性有多大？,6,nps',
    ].join('\n');
    fs.writeFileSync(path.join(work, 'survey.csv'), csv + '\n');
    const r = await runCli(['import', 'survey.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('accepted 4, duplicate 0, rejected 1, skipped 0');
    expect(r.stderr).toMatch(/^survey\.csv:4: validation_failed: score/m);
    const docs = await api<{ items: { externalId: string; score?: number | null; scale?: string | null; question?: string | null }[] }>('/v1/documents?channel=cli-survey&limit=10');
    const byId = new Map(docs.items.map((d) => [d.externalId, d]));
    expect(byId.get('sv-1')).toMatchObject({ score: 9, scale: 'nps', question: '您向朋友推荐我们的可能性有多大？' });
    expect(byId.get('sv-2')).toMatchObject({ score: 2, scale: 'csat' });
    expect(byId.get('sv-5')).toMatchObject({ score: 6, scale: 'nps', text: null });
  });

  test('a document too large for any request is rejected with its line; the rest of the file goes in', async () => {
    // Every re-run used to stop at this line ("run the same command again to resume"), for ever.
    const lines = [
      { kind: 'comment', source: 'cli-big', externalId: 'big-1', text: '网络很稳定' },
      { kind: 'comment', source: 'cli-big', externalId: 'big-2', text: '差'.repeat(400_000) },
      { kind: 'comment', source: 'cli-big', externalId: 'big-3', text: '客服回复很快' },
    ];
    fs.writeFileSync(path.join(work, 'big.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await runCli(['import', 'big.jsonl']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('accepted 2, duplicate 0, rejected 1, skipped 0');
    expect(r.stderr).toMatch(/^big\.jsonl:2: payload_too_large: /m);
  });

  test('a progress file that cannot be written fails before anything is sent, without a stack trace', async () => {
    fs.writeFileSync(path.join(work, 'nostate.jsonl'), JSON.stringify({ kind: 'comment', source: 'cli-nostate', externalId: 'ns-1', text: '网速很快' }) + '\n');
    const r = await runCli(['import', 'nostate.jsonl', '--state', path.join(work, 'no-such-dir', 'p.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write the progress file');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const sent = await api<{ items: unknown[] }>('/v1/documents?channel=cli-nostate&limit=10');
    expect(sent.items).toEqual([]);
  });

  test('a quoted field with a line break, and a character, split by the 64 KiB read boundary arrive whole; later line numbers stay right', async () => {
    // Blank lines (no records) push the interesting row to the edge of the file stream's first read.
    const BOUNDARY = 64 * 1024;
    const head = 'kind,source,externalId,text\r\ncomment,cli-chunk,edge-1,网络很稳定\r\n';
    const rowStart = 'comment,cli-chunk,edge-2,"退款很慢\r\n';
    const gap = BOUNDARY - 1 - Buffer.byteLength(head + rowStart);
    const blank = '\r\n'.repeat(Math.floor(gap / 2)) + '\n'.repeat(gap % 2);
    const text = head + blank + rowStart + '客服一直没回复"\r\ncomment,cli-chunk\r\ncomment,cli-chunk,edge-3,"说""谢谢"""\r\n';
    const bytes = Buffer.from(text);
    // '客' starts one byte before the boundary, inside the quoted field, after its line break.
    expect(bytes.subarray(BOUNDARY - 1, BOUNDARY + 2).toString()).toBe('客');
    fs.writeFileSync(path.join(work, 'chunk.csv'), bytes);
    const rowLine = text.slice(0, text.indexOf(rowStart)).split('\n').length;

    const r = await runCli(['import', 'chunk.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('accepted 3, duplicate 0, rejected 1, skipped 0');
    expect(r.stderr).toMatch(new RegExp(`^chunk\\.csv:${rowLine + 2}: has 2 fields, the header has 4$`, 'm'));
    const docs = await api<{ items: { externalId: string; text: string }[] }>('/v1/documents?channel=cli-chunk&limit=10');
    const byId = new Map(docs.items.map((d) => [d.externalId, d.text]));
    expect(byId.get('edge-2')).toBe('退款很慢\r\n客服一直没回复');
    expect(byId.get('edge-3')).toBe('说"谢谢"');
  });

  test('invalid UTF-8 after the first 64 KiB still fails with the file and the fix named, before anything is sent', async () => {
    const first = JSON.stringify({ kind: 'comment', source: 'cli-late', externalId: 'late-1', text: '网络很稳定' }) + '\n';
    const last = '{"kind":"comment","source":"cli-late","externalId":"late-2","text":"';
    const bytes = Buffer.concat([Buffer.from(first + '\n'.repeat(70_000) + last), Buffer.from([0xb2, 0xee]), Buffer.from('"}\n')]);
    fs.writeFileSync(path.join(work, 'late.jsonl'), bytes);
    const r = await runCli(['import', 'late.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('late.jsonl is not valid utf-8 (files saved by Excel on Chinese Windows are usually GBK: pass --encoding gb18030)');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const sent = await api<{ items: unknown[] }>('/v1/documents?channel=cli-late&limit=10');
    expect(sent.items).toEqual([]);
  });

  test('a file changed after an interrupted import is sent again from its first line', async () => {
    const doc = (i: number) => JSON.stringify({ kind: 'comment', source: 'cli-change', externalId: `change-${i}`, text: `第${i}条：客服态度很好` }) + '\n';
    const file = path.join(work, 'change.jsonl');
    fs.writeFileSync(file, [1, 2, 3, 4, 5].map(doc).join(''));
    const proxy = await flakyProxy(service.url, 2);
    try {
      const cut = await runCli(['import', 'change.jsonl', '--batch-size', '2'], { env: { GUANDIAN_URL: proxy.url } });
      expect(cut.code).toBe(1);
      expect(JSON.parse(fs.readFileSync(`${file}.guandian-progress`, 'utf8'))).toMatchObject({ recordsDone: 2 });
      fs.appendFileSync(file, doc(6));
      const again = await runCli(['import', 'change.jsonl', '--batch-size', '2'], { env: { GUANDIAN_URL: proxy.url } });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('change.jsonl changed since the last run; starting from the first line');
      expect(again.stdout.trim()).toBe('accepted 4, duplicate 2, rejected 0, skipped 0');
    } finally {
      await proxy.close();
    }
  });

  test('a named pipe: the first batch is sent and answered before the rest of the input exists', async () => {
    // The rest of the input is written only once the first batch is visible in the service, so an
    // import that reads its whole input before sending never sees the end of it.
    const fifo = path.join(work, 'live.jsonl');
    execFileSync('mkfifo', [fifo]);
    const doc = (i: number) => JSON.stringify({ kind: 'comment', source: 'cli-fifo', externalId: `fifo-${i}`, text: `第${i}条：网络很稳定` }) + '\n';
    const run = runCli(['import', 'live.jsonl', '--batch-size', '2']);
    const writer = fs.createWriteStream(fifo);
    let firstBatchSeen = false;
    try {
      writer.write(doc(1) + doc(2) + doc(3));
      // A bound on waiting, not a speed check: the old importer never sends before the input ends.
      const deadline = Date.now() + 20_000;
      while (!firstBatchSeen && Date.now() < deadline) {
        const sent = await api<{ items: { externalId: string }[] }>('/v1/documents?channel=cli-fifo&limit=10');
        firstBatchSeen = sent.items.length >= 2;
        if (!firstBatchSeen) await new Promise((r) => setTimeout(r, 100));
      }
      writer.write(doc(4) + doc(5));
    } finally {
      await new Promise<void>((r) => writer.end(r));
    }
    const r = await run;
    expect(firstBatchSeen, 'the first batch reached the service before the input ended').toBe(true);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('accepted 5, duplicate 0, rejected 0, skipped 0');
    expect(r.stderr).toContain('not a regular file');
    const sent = await api<{ items: { externalId: string }[] }>('/v1/documents?channel=cli-fifo&limit=10');
    expect(sent.items.map((d) => d.externalId).sort()).toEqual(['fifo-1', 'fifo-2', 'fifo-3', 'fifo-4', 'fifo-5']);
  });

  test('a missing file fails with exit 1 and says which', async () => {
    const r = await runCli(['import', 'nope.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read nope.jsonl');
  });

  test('a directory is refused up front with exit 1, not announced as a pipe and then EISDIR', async () => {
    fs.mkdirSync(path.join(work, 'batch.jsonl'));
    const r = await runCli(['import', 'batch.jsonl']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read batch.jsonl: it is a directory');
    expect(r.stderr).not.toContain('not a regular file');
    expect(r.stderr).not.toMatch(/EISDIR|^\s+at /m);
  });

  test('a key without the ingest role is told so, without being told to run the command again', async () => {
    const created = await runCli(['keys', 'create', '--name', 'no-ingest', '--roles', 'analyst']);
    expect(created.code, created.stderr).toBe(0);
    fs.writeFileSync(path.join(work, 'noingest.jsonl'), JSON.stringify({ kind: 'comment', source: 'cli-noingest', externalId: 'ni-1', text: '网速很快' }) + '\n');
    const r = await runCli(['import', 'noingest.jsonl'], { env: { GUANDIAN_KEY: created.stdout.trim() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('lacks the ingest role');
    expect(r.stderr).not.toContain('again to resume');
  });

  test('something other than Guandian answering at the URL is one line naming the address, not a SyntaxError stack', async () => {
    // QA audit at scale 2026-11-29 (F8): another service on the port answered 200 "ok"
    const other = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      fs.writeFileSync(path.join(work, 'elsewhere.jsonl'), JSON.stringify({ kind: 'comment', source: 'cli-elsewhere', externalId: 'e-1', text: '网速很快' }) + '\n');
      for (const args of [['import', 'elsewhere.jsonl'], ['keys', 'list']]) {
        const r = await runCli(args, { env: { GUANDIAN_URL: url } });
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`answered 200 with something that is not JSON \\(text/plain\\); is --url right\\?`));
        expect(r.stderr).toContain(url);
        expect(r.stderr).not.toMatch(/SyntaxError|^\s+at /m);
      }
    } finally {
      await new Promise((r) => other.close(r));
    }
  });
});

describe('export', () => {
  // Analysis runs on worker threads that share the machine with everything else in CI; allow for that.
  beforeAll(async () => {
    await waitUntilAnalyzed(110_000);
  }, 120_000);

  test('CSV with filters: the header, every row matching, the count reported', async () => {
    const all = await runCli(['export', '--format', 'csv', '--out', 'all.csv']);
    expect(all.code, all.stderr).toBe(0);
    const text = fs.readFileSync(path.join(work, 'all.csv'), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parseCsv(text).map((r) => r.fields);
    expect(header!.slice(0, 4)).toEqual(['id', 'documentId', 'label', 'polarity']);
    const tags = await api<{ items: unknown[] }>('/v1/tags?limit=1000');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBe(tags.items.length);
    expect(all.stderr).toContain(`exported ${rows.length} tags to all.csv`);
    expect(fs.existsSync(path.join(work, 'all.csv.part'))).toBe(false);

    const neg = await runCli(['export', '--polarity', 'negative', '--channel', 'survey', '--out', 'neg.csv']);
    expect(neg.code, neg.stderr).toBe(0);
    const [h, ...negRows] = parseCsv(fs.readFileSync(path.join(work, 'neg.csv'), 'utf8')).map((r) => r.fields);
    const col = (name: string) => h!.indexOf(name);
    expect(negRows.length).toBeGreaterThan(0);
    expect(negRows.length).toBeLessThan(rows.length);
    for (const r of negRows) {
      expect(r[col('polarity')]).toBe('negative');
      expect(r[col('channel')]).toBe('survey');
    }
  });

  test('every filter GET /v1/tags/export takes is an option, and --source/--max-confidence reach the server', async () => {
    // --source and --max-confidence were missing, so "export the low-confidence machine tags for
    // review" could not be asked of the CLI.
    const help = (await runCli(['export', '--help'])).stdout;
    const paging = new Set(['limit', 'cursor', 'documentId']);
    for (const prop of dtoProperties(ExportQueryDto).filter((p) => !paging.has(p))) {
      expect(help, prop).toContain(`--${prop.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
    for (const kind of enumOf(ExportQueryDto, 'kind') as string[]) expect(help).toContain(kind);
    const r = await runCli(['export', '--format', 'jsonl', '--source', 'rule', '--max-confidence', '0.9']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { source: string; confidence: number });
    expect(rows.length).toBeGreaterThan(0);
    for (const t of rows) {
      expect(t.source).toBe('rule');
      expect(t.confidence).toBeLessThanOrEqual(0.9);
    }
    const all = await api<{ items: { source: string; confidence: number }[] }>('/v1/tags?limit=1000');
    expect(rows.length).toBe(all.items.filter((t) => t.source === 'rule' && t.confidence <= 0.9).length);
    const bad = await runCli(['export', '--max-confidence', '1.5']);
    expect(bad.code).toBe(2);
    // a value only the server checks is a usage error too (QA audit 2026-11-30: these exited 1)
    for (const args of [['export', '--polarity', 'bad'], ['export', '--from', '2024-02-31']]) {
      const refused = await runCli(args);
      expect(refused.code, `${args.join(' ')}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain(args[1]!.slice(2));
    }
    expect(bad.stderr).toContain('--max-confidence must be a number from 0 to 1');
  });

  test('an --out in a folder that does not exist is a message and exit 1, not a crash', async () => {
    const r = await runCli(['export', '--out', path.join(work, 'no-such-dir', 'tags.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write');
    expect(r.stderr).toContain('ENOENT');
    expect(r.stderr).not.toMatch(/^\s+at |Unhandled 'error' event/m);
  });

  test('--out naming a directory fails with exit 1 before downloading, leaving no .part file', async () => {
    fs.mkdirSync(path.join(work, 'exports'));
    const r = await runCli(['export', '--out', 'exports']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot write exports: it is a directory');
    expect(r.stderr).not.toMatch(/EISDIR|^\s+at /m);
    expect(fs.existsSync(path.join(work, 'exports.part'))).toBe(false);
  });

  test('JSONL to stdout', async () => {
    const r = await runCli(['export', '--format', 'jsonl', '--kind', 'transcript']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; turnIndex?: number });
    expect(lines.length).toBeGreaterThan(0);
    for (const t of lines) {
      expect(t.kind).toBe('transcript');
      expect(typeof t.turnIndex).toBe('number');
    }
  });
});

describe('keys', () => {
  test('create prints the key once, list shows it, revoke stops it working', async () => {
    const created = await runCli(['keys', 'create', '--name', '分析师 张三', '--roles', 'analyst,labeler']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^\S{24,}$/);
    const id = /created key (\S+)/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();
    expect(await api<{ roles: string[] }>('/v1/me', key)).toMatchObject({ roles: ['analyst', 'labeler'] });

    const list = await runCli(['keys', 'list']);
    expect(list.code, list.stderr).toBe(0);
    const row = list.stdout.split('\n').find((l) => l.startsWith(id!));
    expect(row).toContain('分析师 张三');
    expect(row).toContain('analyst,labeler');
    expect(row).toMatch(/active$/);
    expect(list.stdout).not.toContain(key);

    const asAnalyst = await runCli(['keys', 'list'], { env: { GUANDIAN_KEY: key } });
    expect(asAnalyst.code).toBe(1);
    expect(asAnalyst.stderr).toContain('admin');

    const revoked = await runCli(['keys', 'revoke', id!]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout.trim()).toBe(`revoked ${id}`);
    const json = await runCli(['keys', 'list', '--json']);
    const items = JSON.parse(json.stdout) as { id: string; revokedAt: string | null }[];
    expect(items.find((k) => k.id === id)?.revokedAt).not.toBeNull();
    const after = await runCli(['export', '--format', 'jsonl'], { env: { GUANDIAN_KEY: key } });
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('invalid or revoked');

    const unknown = await runCli(['keys', 'revoke', 'no-such-key']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not found');
  });
});

describe('retag', () => {
  // Needs POST /v1/retag-jobs and GET /v1/retag-jobs/:id from the spine (not in src/api yet when this was written).
  test.skipIf(!RETAG_ROUTE_EXISTS)('against the real service: starts a job and follows it to done', async () => {
    const survey = await api<{ items: unknown[] }>('/v1/documents?channel=survey&limit=1000');
    const r = await runCli(['retag', '--channel', 'survey', '--interval', '100']);
    expect(r.code, r.stderr).toBe(0);
    const n = survey.items.length;
    expect(r.stdout).toMatch(new RegExp(`^retag job \\S+ done: ${n}/${n} documents$`, 'm'));
    expect(r.stderr).toContain(`started for ${n} documents`);
  });

  test('follows the job contract: progress until done, exit 1 with the reason when it fails', async () => {
    let polls = 0;
    const posted: unknown[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        if (req.method === 'POST' && req.url === '/v1/retag-jobs') {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as { kind?: string };
          posted.push(body);
          res.writeHead(202).end(JSON.stringify(body.kind === 'social' ? { id: 'job-2', total: 40 } : { id: 'job-1', total: 40 }));
        } else if (req.url === '/v1/retag-jobs/job-1') {
          polls++;
          res.end(JSON.stringify({ id: 'job-1', status: polls < 3 ? 'running' : 'done', total: 40, done: Math.min(40, polls * 15) }));
        } else if (req.url === '/v1/retag-jobs/job-2') {
          res.end(JSON.stringify({ id: 'job-2', status: 'failed', total: 40, done: 12, error: 'model folder vanished' }));
        } else {
          res.writeHead(404).end(JSON.stringify({ error: { code: 'not_found', message: 'route not found', details: [] } }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await runCli(['retag', '--kind', 'comment', '--from', '2025-03-01', '--interval', '20'], { env: { GUANDIAN_URL: url } });
      expect(ok.code, ok.stderr).toBe(0);
      expect(posted[0]).toEqual({ kind: 'comment', from: '2025-03-01' });
      expect(polls).toBe(3);
      expect(ok.stdout.trim()).toBe('retag job job-1 done: 40/40 documents');
      expect(ok.stderr).toContain('retag job job-1 started for 40 documents');

      const failed = await runCli(['retag', '--kind', 'social', '--interval', '20'], { env: { GUANDIAN_URL: url } });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('retag job job-2 failed after 12/40 documents: model folder vanished');

      const detached = await runCli(['retag', '--detach'], { env: { GUANDIAN_URL: url } });
      expect(detached.code, detached.stderr).toBe(0);
      expect(detached.stdout.trim()).toBe('job-1');
      expect(posted[2]).toEqual({});
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('eval', () => {
  test('runs the eval task in-process and prints its JSON result', async () => {
    const r = await runCli(['eval', '--task', 'pii', '--file', path.join(work, 'pii-gold.jsonl')], { cwd: os.tmpdir() });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { task: string; n: number; precision: number; recall: number };
    expect(result).toMatchObject({ task: 'pii', n: 4 });
    expect(result.recall).toBeGreaterThan(0.5);
  });

  test('an unknown task is a usage error', async () => {
    const r = await runCli(['eval', '--task', 'nope', '--file', path.join(work, 'pii-gold.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^guandian: unknown task "nope" \(tasks: opinions, pii, sentiment, category\)$/m);
  });

  const OPINIONS_GOLD = [
    { id: 'o1', kind: 'comment', text: '网速太慢了，客服态度很好', opinions: [{ aspect: '网速', opinion: '太慢', polarity: 'negative', category: 'network' }], sentiment: 'negative' },
    { id: 'o2', kind: 'comment', text: '安装师傅很专业', opinions: [{ aspect: '安装师傅', opinion: '很专业', polarity: 'positive', category: 'installation' }], sentiment: 'positive' },
  ];
  const SENTIMENT_GOLD = [
    { text: '网速太慢了，太失望了', label: 'negative' },
    { text: '客服很耐心，问题很快解决了', label: 'positive' },
  ];
  const writeGold = (name: string, lines: unknown[]) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return file;
  };

  test('from another directory, the package\'s model is used; without a model a WARNING says the lexicon scored', async () => {
    const opinions = writeGold('opinions-gold.jsonl', OPINIONS_GOLD);
    const r = await runCli(['eval', '--task', 'opinions', '--file', opinions], { cwd: os.tmpdir() });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { task: string; modelVersion: string };
    expect(result.task).toBe('opinions');
    expect(result.modelVersion).not.toMatch(/^lexicon-/);
    expect(r.stderr).not.toContain('WARNING');

    const sentiment = await runCli(['eval', '--task', 'sentiment', '--file', writeGold('sentiment-gold.jsonl', SENTIMENT_GOLD)], { cwd: os.tmpdir() });
    expect(sentiment.code, sentiment.stderr).toBe(0);
    expect(JSON.parse(sentiment.stdout.trim().split('\n').at(-1)!)).toMatchObject({ task: 'sentiment', n: 2 });

    // An explicit --model still wins; one that holds no model falls back, loudly, and the JSON stays last.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-nomodel-'));
    try {
      const lex = await runCli(['eval', '--task', 'opinions', '--file', opinions, '--model', empty], { cwd: os.tmpdir() });
      expect(lex.code, lex.stderr).toBe(0);
      expect(lex.stderr).toContain('WARNING: no model in');
      expect(lex.stderr).toContain('lexicon fallback');
      expect((JSON.parse(lex.stdout.trim().split('\n').at(-1)!) as { modelVersion: string }).modelVersion).toMatch(/^lexicon-/);
      const none = await runCli(['eval', '--task', 'sentiment', '--file', path.join(work, 'sentiment-gold.jsonl'), '--model', empty], { cwd: os.tmpdir() });
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('no model found in');
      expect(none.stderr).not.toMatch(/^\s+at /m);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('a gold file in the wrong format is exit 1 with its line and the expected format, no stack trace; a missing one is exit 1 too', async () => {
    const cases: [string[], string, string][] = [
      [['--task', 'sentiment', '--file', path.join(work, 'feedback.csv')], 'feedback.csv:1: not JSON', '{"text":…,"label":…}'],
      [['--task', 'sentiment', '--file', path.join(work, 'pii-gold.jsonl')], 'pii-gold.jsonl:1: unknown sentiment label (none)', '{"text":…,"label":…}'],
      [['--task', 'category', '--file', path.join(work, 'pii-gold.jsonl')], 'pii-gold.jsonl:1: the category task needs {text, category} lines', '{"text":…,"category":…}'],
      [['--task', 'opinions', '--file', path.join(work, 'pii-gold.jsonl')], 'pii-gold.jsonl:1: unrecognised line schema', '"opinions":['],
      [['--task', 'pii', '--file', writeGold('sent-for-pii.jsonl', SENTIMENT_GOLD)], 'sent-for-pii.jsonl:1: a pii line needs', '"pii":['],
    ];
    for (const [args, message, format] of cases) {
      const r = await runCli(['eval', ...args]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`guandian: ${path.join(work, message)}`);
      expect(r.stderr).toContain(format);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    const missing = await runCli(['eval', '--task', 'pii', '--file', 'nope.jsonl']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read nope.jsonl: ENOENT');
  });
});

describe('models', () => {
  test('against the real service: train from corrections, list, promote, roll back; failures exit 1 with the reason', async () => {
    const before = await runCli(['models', 'list', '--json']);
    expect(before.code, before.stderr).toBe(0);
    const base = (JSON.parse(before.stdout) as { base: string }).base;
    expect(JSON.parse(before.stdout)).toEqual({ base, active: base, workers: 1, versions: [], training: [] });

    // nothing to learn from: refused up front (409), no job queued
    const none = await runCli(['models', 'train', '--interval', '100']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no corrections to learn from/);

    // A labeler's corrections: 绝了 is a complaint for this tenant's customers.
    for (const [i, text] of SLANG_COMPLAINTS.entries()) {
      const res = await fetch(`${service.url}/v1/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ kind: 'comment', source: 'cli-models', externalId: `slang-${i}`, text }),
      });
      expect(res.status).toBe(202);
    }
    // one from elsewhere, which a re-tag filtered to cli-models leaves alone
    const other = await fetch(`${service.url}/v1/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ kind: 'comment', source: 'cli-models-elsewhere', externalId: 'elsewhere-1', text: '网络很顺畅' }),
    });
    expect(other.status).toBe(202);
    await waitUntilAnalyzed();
    const docs = await api<{ items: { id: string }[] }>('/v1/documents?channel=cli-models&limit=100');
    for (const d of docs.items) {
      const doc = await api<{ tags: { id: string; opinion: string }[] }>(`/v1/documents/${d.id}`);
      const tag = doc.tags.find((t) => t.opinion.includes('绝了'));
      if (!tag) continue;
      const res = await fetch(`${service.url}/v1/documents/${d.id}/corrections`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ actions: [{ op: 'update', tagId: tag.id, polarity: 'negative' }] }),
      });
      expect(res.status).toBe(200);
    }

    const trained = await runCli(['models', 'train', '--interval', '100', '--note', '绝了 is a complaint here']);
    expect(trained.code, trained.stderr).toBe(0);
    const jobId = /training job (\S+) queued/.exec(trained.stderr)![1]!;
    const audit = await api<{ items: { action: string; target: string; details: Record<string, unknown> }[] }>('/v1/audit?action=model.train');
    expect(audit.items.find((a) => a.target === jobId)?.details).toMatchObject({ note: '绝了 is a complaint here' });
    const version = /^trained (\S+) from \d+ corrections: .*; gate passed$/m.exec(trained.stdout)?.[1];
    expect(version, trained.stdout).toBeDefined();

    const listed = await runCli(['models', 'list']);
    expect(listed.stdout).toContain(`active: ${base}`);
    expect(listed.stdout).toMatch(new RegExp(`^${version!.replace(/[.+]/g, '\\$&')}\\s+candidate\\s.*passed$`, 'm'));

    const promoted = await runCli(['models', 'promote', version!, '--no-retag']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout.trim()).toBe(`active: ${version} (was ${base})`);
    const again = await runCli(['models', 'promote', version!]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already the active version');

    const rolled = await runCli(['models', 'rollback']);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toMatch(new RegExp(`^active: ${base} \\(was ${version!.replace(/[.+]/g, '\\$&')}\\); re-tag job \\S+ for \\d+ documents`));
    const everything = Number(/for (\d+) documents/.exec(rolled.stdout)![1]);
    // A re-tag takes only finished documents: until the rollback's re-tag is done, some of them are queued
    // again, and a filtered re-tag started now would count fewer than it will once they are finished.
    const rollbackRetag = /re-tag job (\S+) for/.exec(rolled.stdout)![1];
    for (let i = 0; (await api<{ status: string }>(`/v1/retag-jobs/${rollbackRetag}`)).status !== 'done'; i++) {
      if (i > 600) throw new Error('the rollback re-tag did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }

    // re-tag filters narrow the re-tag that follows a promotion or a rollback, as the API's do
    const filtered = async (r: CliResult, filter: Record<string, string>) => {
      expect(r.code, r.stderr).toBe(0);
      const [, retagId, total] = /re-tag job (\S+) for (\d+) documents/.exec(r.stdout)!;
      const job = await api<{ filter: Record<string, string>; total: number }>(`/v1/retag-jobs/${retagId}`);
      expect(job.filter).toEqual(filter);
      expect(job.total).toBe(Number(total));
      return job.total;
    };
    const since = new Date(Date.now() - 3600_000).toISOString();
    const repromoted = await filtered(await runCli(['models', 'promote', version!, '--channel', 'cli-models', '--from', since]), { channel: 'cli-models', from: since });
    expect(repromoted).toBe(docs.items.length);
    expect(repromoted).toBeLessThan(everything);
    // a channel no document came in on (the import tests above leave surveys and others in this tenant)
    expect(await filtered(await runCli(['models', 'rollback', '--channel', 'cli-models-none']), { channel: 'cli-models-none' })).toBe(0);
    const conflicting = await runCli(['models', 'promote', version!, '--no-retag', '--channel', 'cli-models']);
    expect(conflicting.code).toBe(2);
    expect(conflicting.stderr).toContain('--no-retag skips the re-tag');

    const nothing = await runCli(['models', 'rollback', '--no-retag']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('no earlier version');
  });
});

describe('help and usage', () => {
  test('--help for the tool lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['import', 'export', 'keys create', 'keys list', 'keys revoke', 'retag', 'retag list', 'models list', 'models train', 'models promote', 'models rollback', 'eval']) expect(r.stdout).toContain(`  ${c} `);
  });

  test.each(['import', 'export', 'keys create', 'keys list', 'keys revoke', 'retag', 'retag list', 'models list', 'models train', 'models promote', 'models rollback', 'eval'])('%s --help', async (name) => {
    const r = await runCli([...name.split(' '), '--help'], { env: { GUANDIAN_KEY: '' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: guandian ${name}\\b`));
    const viaHelp = await runCli(['help', ...name.split(' ')]);
    expect(viaHelp.stdout).toBe(r.stdout);
  });

  test('--version works wherever the global options do', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['-V'], ['--url', 'http://127.0.0.1:9', '--version'], ['--key', 'k', '-V'], ['import', 'feedback.jsonl', '--version'], ['keys', 'list', '--version']]) {
      const r = await runCli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  test('the help says what the exit status and the date filters mean', async () => {
    const tool = await runCli(['--help']);
    expect(tool.stdout).toMatch(/Exit status: 0 success, 1 failure \(server, network, file\), 2 usage error \(also a value the\s+server refuses as invalid, a 400\),\s+130 interrupted/);
    const exp = await runCli(['export', '--help']);
    expect(exp.stdout).not.toContain('ISO 8601 dates, inclusive');
    expect(exp.stdout).toContain("a date alone is 00:00 in the\n                         server's TIME_ZONE (--to 2024-05-31T23:59:59.999 takes all of May 31)");
    const ev = await runCli(['eval', '--help']);
    for (const format of ['{"text":…,"label":…}', '{"text":…,"category":…}', '"opinions":[', '"aspects":[', '"pii":[']) expect(ev.stdout).toContain(format);
  });

  test('keys --help lists its subcommands', async () => {
    const r = await runCli(['keys', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/create[\s\S]*list[\s\S]*revoke/);
  });

  test.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['import'], 'missing argument FILE'],
    [['import', 'feedback.jsonl', 'extra.jsonl'], 'unexpected argument'],
    [['import', 'feedback.jsonl', '--batch-size', '501'], '--batch-size must be a whole number from 1 to 500'],
    [['import', 'feedback.txt'], 'pass --format csv or --format jsonl'],
    [['import', 'feedback.csv', '--encoding', 'klingon'], 'unknown --encoding "klingon"'],
    [['export', '--format', 'xml'], '--format must be csv or jsonl'],
    [['export', '--min-confidence', '2'], '--min-confidence must be a number from 0 to 1'],
    [['export', '--polarity'], "argument missing"],
    [['export', '--bogus'], "Unknown option '--bogus'"],
    [['keys'], 'needs a subcommand'],
    [['keys', 'create', '--name', 'x'], '--roles is required'],
    [['keys', 'create', '--name', 'x', '--roles', 'boss'], 'unknown role(s) boss'],
    [['keys', 'revoke'], 'missing argument ID'],
    [['retag', '--interval', 'soon'], '--interval must be a whole number'],
    [['eval', '--task', 'pii'], 'eval needs --task and --file'],
  ])('usage error %j exits 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('--help" for usage');
  });

  test('no API key is a usage error; an unreachable server is a failure', async () => {
    const noKey = await runCli(['keys', 'list'], { env: { GUANDIAN_KEY: '' } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no API key');
    const down = await runCli(['keys', 'list', '--url', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach http://127.0.0.1:9');
  });
});
