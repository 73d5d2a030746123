import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './eval-command.js';
import { CliFailure } from './errors.js';
import { ApiError, type HttpClient } from './http-client.js';
import { RecordReader } from './import-command.js';

/** The bundled sample: a telecom operator's feedback over four weeks, every channel and kind the API takes. */
export const SAMPLE_FILE = path.join(PACKAGE_ROOT, 'examples', 'sample-feedback.jsonl');
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DemoOptions {
  file: string;
  /** Seconds to wait for the worker to tag what was sent; 0 = do not wait. */
  waitSeconds: number;
}

export interface DemoSummary {
  accepted: number;
  duplicate: number;
  /** Sent before on another day: the same externalIds with other dates, which ingest refuses as a conflict. */
  loadedBefore: number;
  rejected: number;
}

interface BatchItem {
  index: number;
  status: 'accepted' | 'duplicate' | 'rejected';
  error?: { code?: string; message?: string };
}

/** The sample's documents, read as `guandian import` reads JSONL (a bad line is named by its line in the file). */
function readSample(file: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliFailure(`cannot read the sample file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const reader = new RecordReader('jsonl');
  const records = [...reader.push(text), ...reader.end()];
  const bad = records.find((r) => r.doc === undefined);
  if (bad) throw new CliFailure(`${file}:${bad.line}: ${bad.error ?? 'not a document'}`);
  return records.map((r) => r.doc!);
}

/**
 * Whole days that move the sample's newest feedback to within the last 24 hours: the dashboard's
 * KPIs compare the last 7 days, and a sample dated when it was written would leave them empty.
 * Whole days keep each document's time of day and weekday rhythm; the newest never lands in the future.
 */
export function shiftDays(docs: Record<string, unknown>[], now: Date): number {
  const times = docs.map((d) => Date.parse(String(d.occurredAt))).filter((t) => Number.isFinite(t));
  if (times.length === 0) return 0;
  return Math.floor((now.getTime() - Math.max(...times)) / DAY_MS);
}

/**
 * Loads the sample into the server as one batch, its dates moved to end today, then waits for the worker
 * to tag it. The externalIds are fixed, so a second run the same day changes nothing (duplicates) and
 * one on a later day is refused item by item (same ids, other dates): a tenant holds the sample once.
 */
export async function runDemo(client: HttpClient, o: DemoOptions): Promise<DemoSummary> {
  const docs = readSample(o.file);
  const days = shiftDays(docs, new Date());
  const moved = docs.map((d) =>
    typeof d.occurredAt === 'string' ? { ...d, occurredAt: new Date(Date.parse(d.occurredAt) + days * DAY_MS).toISOString() } : d,
  );
  const { items } = await client.json<{ items: BatchItem[] }>('/v1/documents/batch', { method: 'POST', body: { documents: moved }, retries: 3 });
  const summary: DemoSummary = { accepted: 0, duplicate: 0, loadedBefore: 0, rejected: 0 };
  for (const item of items) {
    if (item.status === 'accepted') summary.accepted++;
    else if (item.status === 'duplicate') summary.duplicate++;
    else if (item.error?.code === 'conflict') summary.loadedBefore++;
    else {
      summary.rejected++;
      process.stderr.write(`${path.basename(o.file)}:${item.index + 1}: ${item.error?.code ?? 'rejected'}: ${item.error?.message ?? ''}\n`);
    }
  }
  process.stdout.write(
    `accepted ${summary.accepted}, duplicate ${summary.duplicate}, loaded before ${summary.loadedBefore}, rejected ${summary.rejected}\n`,
  );
  if (summary.loadedBefore > 0) {
    process.stderr.write(`${summary.loadedBefore} sample document(s) were loaded on an earlier day, with other dates; they were left as they are\n`);
  }
  if (summary.accepted > 0 && o.waitSeconds > 0) await waitForTags(client, o.waitSeconds);
  return summary;
}

/** Until nothing of the tenant is queued or being analyzed (the sample, or whatever else was sent meanwhile). */
async function waitForTags(client: HttpClient, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  const busy = async () => {
    for (const status of ['queued', 'processing']) {
      const page = await client.json<{ items: unknown[] }>('/v1/documents', { query: { status, limit: '1' }, retries: 3 });
      if (page.items.length > 0) return true;
    }
    return false;
  };
  try {
    while (await busy()) {
      if (Date.now() > deadline) {
        process.stderr.write(`the worker is still tagging after ${seconds} s; the console fills in as it goes\n`);
        return;
      }
      await sleep(500);
    }
  } catch (err) {
    // an ingest-only key sent the sample but may not read documents back: the load is done, only the wait is not
    if (err instanceof ApiError && err.status === 403) {
      process.stderr.write('this key may send feedback but not read it (ingest role only), so the wait for tags is skipped; the console shows them as the worker tags them\n');
      return;
    }
    throw err;
  }
  const tags = await client.json<{ total?: number }>('/v1/tags', { query: { limit: '1', withTotal: 'true' }, retries: 3 });
  process.stderr.write(`tagged: the tenant now holds ${tags.total ?? 0} tags; open ${client.baseUrl}/ to explore them\n`);
}
