import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { benchTag } from '../../bench/lib/tags.js';
import { NedbEngine } from '../../src/store/nedb-engine.js';
import type { CorrectionRecord, TagRecord } from '../../src/store/records.js';
import { createStore } from '../../src/store/store.js';
import { startService, type ServiceProcess } from '../helpers/process.js';

// Exports stream page by page from the embedded store, which answers from memory without waiting on
// I/O. The page loop used to run from the first page to the last without a turn of the event loop, and
// each page cost as much as everything before it: with ~29,000 tags QA saw /healthz wait 3 s behind an
// export and a SIGTERM logged only after it. Here, in the real service (node dist/main.js, so the
// client's reads and the server's pages run in separate processes): /healthz is answered while an
// export is still streaming, the rows arrive complete and in order, and a SIGTERM cuts the export
// instead of waiting for it. Ordering only: nothing here depends on how fast the machine is.

const ADMIN = 'export-streaming-admin-key-0123456789';
const TAGS = 30_000;
const CORRECTIONS = 12_000;

let dataDir: string;
let svc: ServiceProcess;
let expected: TagRecord[];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-export-'));
  // written through the store before the service opens the directory (it locks it)
  const engine = await NedbEngine.open(dataDir);
  const store = await createStore(engine);
  expected = Array.from({ length: TAGS }, (_, i) => ({ ...benchTag(i), tenant: 'default' }));
  await engine.collection<TagRecord>('tags').insertManyIgnoreDuplicates(expected);
  const corrections: CorrectionRecord[] = Array.from({ length: CORRECTIONS }, (_, i) => {
    const tag = expected[(i * 7) % TAGS]!;
    return {
      _id: `corr-${String(i).padStart(6, '0')}`,
      tenant: 'default',
      documentId: tag.documentId,
      tagId: tag._id,
      op: 'update',
      before: { polarity: tag.polarity, category: tag.category },
      after: { polarity: 'negative', category: tag.category },
      actor: 'export-test',
      at: new Date(tag.createdAt.getTime() + 1000),
    };
  });
  await engine.collection<CorrectionRecord>('corrections').insertManyIgnoreDuplicates(corrections);
  await store.close();
  // newest first by when the feedback happened, ties by id: the feed's and the export's order
  expected.sort((a, b) => b.at.getTime() - a.at.getTime() || (a._id < b._id ? 1 : -1));
  svc = await startService({ DATA_DIR: dataDir, GUANDIAN_ADMIN_KEY: ADMIN, SHUTDOWN_TIMEOUT_MS: '20000' });
}, 120_000);

afterAll(async () => {
  if (svc && svc.child.exitCode === null) {
    svc.child.kill('SIGTERM');
    await svc.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const authorized = { headers: { Authorization: `Bearer ${ADMIN}` } };

/** One cell per column of a CSV line (quotes as csvCell in src/api/export.ts writes them). */
function csvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') cells.push(cell), (cell = '');
    else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * Downloads `route` as a client that reads as fast as the server sends, asking /healthz one request
 * after another from the first byte of the download on; counts the probes answered before the
 * download's last byte arrived.
 */
async function downloadWhileProbing(route: string): Promise<{ body: string; probesDuring: number }> {
  const res = await fetch(`${svc.url}${route}`, authorized);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let body = '';
  let ended = false;
  let probesDuring = 0;
  let probing: Promise<void> | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    body += decoder.decode(value, { stream: true });
    probing ??= (async () => {
      while (!ended) {
        const probe = await fetch(`${svc.url}/healthz`);
        expect(probe.status).toBe(200);
        await probe.arrayBuffer();
        if (!ended) probesDuring++;
      }
    })();
  }
  ended = true;
  await probing;
  return { body, probesDuring };
}

describe('streamed exports share the event loop', () => {
  test('GET /v1/tags/export: /healthz is answered while it streams; every tag once, newest first', async () => {
    const { body, probesDuring } = await downloadWhileProbing('/v1/tags/export?format=csv');
    // answered before the export ended, not queued behind it
    expect(probesDuring).toBeGreaterThanOrEqual(1);

    const lines = body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines.pop()).toBe('');
    const header = csvLine(lines.shift()!);
    const id = header.indexOf('id');
    const occurredAt = header.indexOf('occurredAt');
    const rows = lines.map(csvLine);
    expect(rows.length).toBe(TAGS);
    expect(new Set(rows.map((r) => r[id])).size).toBe(TAGS);
    expect(rows.map((r) => r[id])).toEqual(expected.map((t) => t._id));
    expect(rows.map((r) => r[occurredAt])).toEqual(expected.map((t) => t.at.toISOString()));
  });

  test('GET /v1/corrections/export: /healthz is answered while it streams; every correction once, by id', async () => {
    const { body, probesDuring } = await downloadWhileProbing('/v1/corrections/export');
    expect(probesDuring).toBeGreaterThanOrEqual(1);
    const rows = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; text: string | null });
    expect(rows.length).toBe(CORRECTIONS);
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: CORRECTIONS }, (_, i) => `corr-${String(i).padStart(6, '0')}`));
    // each line found its tag (the clause it corrects)
    expect(rows.every((r) => typeof r.text === 'string' && r.text.length > 0)).toBe(true);
  });

  // last: it stops the service
  test('a SIGTERM during an export cuts it (an incomplete transfer, not a file that looks whole) and the service exits 0', async () => {
    const res = await fetch(`${svc.url}/v1/tags/export?format=jsonl`, authorized);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let body = '';
    let signalled = false;
    let failure: unknown = null;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        body += decoder.decode(value, { stream: true });
        if (!signalled) {
          signalled = true;
          svc.child.kill('SIGTERM');
        }
      }
    } catch (err) {
      failure = err;
    }
    // the stop did not wait for the export: it was cut before its last row, and the client can tell
    expect(failure).not.toBeNull();
    const received = body.split('\n').slice(0, -1).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(received.length).toBeLessThan(TAGS);
    expect(received).toEqual(expected.slice(0, received.length).map((t) => t._id));
    expect(await svc.exited).toBe(0);
    // cut on purpose, not by a failure
    expect(svc.output()).not.toMatch(/unhandled error|export failed|timed out/);
  });
});
