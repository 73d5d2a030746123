import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TextDecoder } from 'node:util';
import { CsvSyntaxError, parseCsv, stripBom } from './csv.js';
import { CliFailure, UsageError } from './errors.js';
import { ApiError, type HttpClient } from './http-client.js';
import { ProgressBar } from './progress.js';

/** The server takes up to 1,000 per batch; 500 keeps each request well under the 1 MB body limit for typical comments. */
export const MAX_CHUNK = 500;

const CSV_REQUIRED = ['kind', 'source', 'externalId', 'text'] as const;
const CSV_OPTIONAL = ['customerId', 'occurredAt'] as const;

interface InputRecord {
  line: number;
  doc?: Record<string, unknown>;
  /** Set when the line cannot even be turned into a request item; counted as rejected. */
  error?: string;
}

interface BatchItem {
  index: number;
  id?: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  error?: { code?: string; message?: string; details?: { field?: string; message?: string }[] };
}

interface ProgressState {
  version: 1;
  file: string;
  sha256: string;
  url: string;
  tenant: string;
  /** Records (lines) fully answered by the server, counted from the top of the file. */
  recordsDone: number;
  chunksDone: number;
  updatedAt: string;
}

export interface ImportOptions {
  file: string;
  format?: string;
  statePath?: string;
  batchSize: number;
  restart: boolean;
  /** Any WHATWG encoding label; utf-8 unless given. */
  encoding?: string;
}

export interface ImportSummary {
  accepted: number;
  duplicate: number;
  rejected: number;
  skipped: number;
}

/**
 * Excel on Chinese Windows saves "CSV" in GBK, which decoded as UTF-8 turns every character into
 * replacement marks that would then be stored and tagged as garbage; refuse and name the fix.
 */
export function decode(buffer: Buffer, file: string, encoding: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new UsageError(`unknown --encoding "${encoding}" (use utf-8 or gb18030)`, 'import');
  }
  try {
    return decoder.decode(buffer);
  } catch {
    const hint = decoder.encoding === 'utf-8' ? ' (files saved by Excel on Chinese Windows are usually GBK: pass --encoding gb18030)' : '';
    throw new CliFailure(`${file} is not valid ${decoder.encoding}${hint}`);
  }
}

export function detectFormat(file: string, explicit?: string): 'csv' | 'jsonl' {
  if (explicit !== undefined) {
    if (explicit === 'csv' || explicit === 'jsonl') return explicit;
    throw new UsageError(`--format must be csv or jsonl, got "${explicit}"`, 'import');
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  throw new UsageError(`cannot tell the format of "${file}" from its extension; pass --format csv or --format jsonl`, 'import');
}

export function readJsonlRecords(text: string): InputRecord[] {
  const out: InputRecord[] = [];
  stripBom(text)
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (line.trim() === '') return;
      try {
        const value: unknown = JSON.parse(line);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) out.push({ line: i + 1, error: 'not a JSON object' });
        else out.push({ line: i + 1, doc: value as Record<string, unknown> });
      } catch (err) {
        out.push({ line: i + 1, error: `not valid JSON (${(err as Error).message})` });
      }
    });
  return out;
}

export function readCsvRecords(text: string): InputRecord[] {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new CliFailure(`CSV is malformed at ${err.message}`);
    throw err;
  }
  const header = rows.shift();
  if (!header) return [];
  const names = header.fields.map((h) => h.trim());
  const known = new Set<string>([...CSV_REQUIRED, ...CSV_OPTIONAL]);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new CliFailure(`CSV header has unknown column(s) ${unknown.join(', ')}; expected ${[...CSV_REQUIRED, ...CSV_OPTIONAL].join(',')}`);
  }
  const missing = CSV_REQUIRED.filter((n) => !names.includes(n));
  if (missing.length > 0) throw new CliFailure(`CSV header lacks column(s) ${missing.join(', ')}`);
  return rows.map((row) => {
    if (row.fields.length !== names.length) {
      return { line: row.line, error: `has ${row.fields.length} fields, the header has ${names.length}` };
    }
    const doc: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = row.fields[i]!;
      // Empty optional cells mean "not given"; the API would refuse an empty customerId or date.
      if (value === '' && (CSV_OPTIONAL as readonly string[]).includes(name)) return;
      doc[name] = value;
    });
    return { line: row.line, doc };
  });
}

function readState(statePath: string): ProgressState | null {
  let text: string;
  try {
    text = fs.readFileSync(statePath, 'utf8');
  } catch {
    return null;
  }
  try {
    const s = JSON.parse(text) as ProgressState;
    return s.version === 1 && typeof s.recordsDone === 'number' ? s : null;
  } catch {
    return null;
  }
}

/** Written to a temp file and renamed, so a crash mid-write never leaves a state that skips unsent lines. */
function writeState(statePath: string, state: ProgressState): void {
  const tmp = `${statePath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  fs.renameSync(tmp, statePath);
}

function describeItemError(e: BatchItem['error']): string {
  if (!e) return 'rejected';
  const details = (e.details ?? [])
    .map((d) => [d.field?.replace(/^documents\[\d+\]\./, ''), d.message].filter(Boolean).join(': '))
    .filter((s) => s !== '')
    .join('; ');
  // The server's message names the item's index inside its chunk, which means nothing to the user
  // reading line numbers; the field details say the same thing without it.
  return `${e.code ?? 'rejected'}: ${details || (e.message ?? '')}`;
}

async function postBatch(client: HttpClient, docs: Record<string, unknown>[]): Promise<BatchItem[]> {
  try {
    const res = await client.json<{ items: BatchItem[] }>('/v1/documents/batch', { method: 'POST', body: { documents: docs }, retries: 3 });
    return res.items;
  } catch (err) {
    // Long texts can push a chunk past the body limit; halves are retried, which is safe because
    // ingest is idempotent on (source, externalId).
    if (err instanceof ApiError && err.status === 413 && docs.length > 1) {
      const mid = Math.ceil(docs.length / 2);
      const first = await postBatch(client, docs.slice(0, mid));
      const second = await postBatch(client, docs.slice(mid));
      return [...first, ...second.map((item) => ({ ...item, index: item.index + mid }))];
    }
    // One document larger than the body limit on its own is that line's problem, not the import's:
    // stopping here made every re-run stop at the same line, so the rest of the file never went in.
    if (err instanceof ApiError && err.status === 413) {
      return [{ index: 0, status: 'rejected', error: { code: err.code, message: "the document alone is larger than the server's request body limit (BODY_LIMIT)" } }];
    }
    throw err;
  }
}

export async function runImport(client: HttpClient, opts: ImportOptions, out: NodeJS.WritableStream = process.stdout): Promise<ImportSummary> {
  const format = detectFormat(opts.file, opts.format);
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(opts.file);
  } catch (err) {
    throw new CliFailure(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const text = decode(buffer, opts.file, opts.encoding ?? 'utf-8');
  const records = format === 'csv' ? readCsvRecords(text) : readJsonlRecords(text);
  const sha256 = createHash('sha256').update(buffer).digest('hex');

  // Knowing the tenant up front both checks the key before any upload and lets the state file refuse
  // to skip lines that were sent to a different tenant or server.
  const me = await client.json<{ tenant: string }>('/v1/me', { retries: 2 });
  const statePath = opts.statePath ?? `${opts.file}.guandian-progress`;
  let skip = 0;
  let chunksDone = 0;
  const previous = opts.restart ? null : readState(statePath);
  if (previous) {
    if (previous.sha256 !== sha256) {
      process.stderr.write(`${opts.file} changed since the last run; starting from the first line\n`);
    } else if (previous.url !== client.baseUrl || previous.tenant !== me.tenant) {
      process.stderr.write(`the last run went to ${previous.url} (tenant ${previous.tenant}); starting from the first line\n`);
    } else {
      skip = Math.min(previous.recordsDone, records.length);
      chunksDone = previous.chunksDone;
      if (skip > 0) process.stderr.write(`resuming: ${skip} of ${records.length} records were sent by an earlier run (${statePath}); use --restart to send them again\n`);
    }
  }

  const state = (recordsDone: number): ProgressState => ({
    version: 1,
    file: path.resolve(opts.file),
    sha256,
    url: client.baseUrl,
    tenant: me.tenant,
    recordsDone,
    chunksDone,
    updatedAt: new Date().toISOString(),
  });
  // Written before anything is sent: a progress file that cannot be written (a --state in a missing
  // folder) used to fail after the first chunk had gone in, unrecorded, with a stack trace.
  try {
    writeState(statePath, state(skip));
  } catch (err) {
    throw new CliFailure(`cannot write the progress file ${statePath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }

  const summary: ImportSummary = { accepted: 0, duplicate: 0, rejected: 0, skipped: skip };
  const rejections: string[] = [];
  const bar = new ProgressBar(records.length, 'importing');
  bar.update(skip, true);
  const label = path.basename(opts.file);
  // Ctrl-C between chunks loses nothing (the state file is current); say so, and leave a clean line.
  const onInterrupt = () => {
    bar.finish();
    process.stderr.write(`interrupted; ${summary.accepted} accepted so far — run the same command again to resume\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (let start = skip; start < records.length; start += opts.batchSize) {
      const chunk = records.slice(start, start + opts.batchSize);
      const sendable: InputRecord[] = [];
      for (const r of chunk) {
        if (r.error !== undefined) {
          summary.rejected++;
          rejections.push(`${label}:${r.line}: ${r.error}`);
        } else sendable.push(r);
      }
      if (sendable.length > 0) {
        let items: BatchItem[];
        try {
          items = await postBatch(client, sendable.map((r) => r.doc!));
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          throw new CliFailure(`${message}\nstopped at line ${chunk[0]!.line}; ${start} records are done — run the same command again to resume`);
        }
        for (const item of items) {
          const record = sendable[item.index];
          if (item.status === 'accepted') summary.accepted++;
          else if (item.status === 'duplicate') summary.duplicate++;
          else {
            summary.rejected++;
            rejections.push(`${label}:${record?.line ?? '?'}: ${describeItemError(item.error)}`);
          }
        }
      }
      chunksDone++;
      writeState(statePath, state(start + chunk.length));
      bar.update(start + chunk.length);
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    bar.finish();
    for (const line of rejections) process.stderr.write(`${line}\n`);
  }
  out.write(`accepted ${summary.accepted}, duplicate ${summary.duplicate}, rejected ${summary.rejected}, skipped ${summary.skipped}\n`);
  return summary;
}
