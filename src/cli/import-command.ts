import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TextDecoder } from 'node:util';
import { CsvReader, CsvSyntaxError, MAX_RECORD_CHARS, stripBom, type CsvRecord } from './csv.js';
import { CliFailure, UsageError } from './errors.js';
import { ApiError, type HttpClient } from './http-client.js';
import { ProgressBar } from './progress.js';

/** The server takes up to 1,000 per batch; 500 keeps each request well under the 1 MB body limit for typical comments. */
export const MAX_CHUNK = 500;

const CSV_REQUIRED = ['kind', 'source', 'externalId', 'text'] as const;
// question, score and scale let survey answers (kind survey: NPS 0-10 or CSAT 1-5) come in by CSV too
const CSV_OPTIONAL = ['customerId', 'occurredAt', 'question', 'score', 'scale'] as const;

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

// fatal: Excel on Chinese Windows saves "CSV" in GBK, which decoded as UTF-8 turns every character
// into replacement marks that would then be stored and tagged as garbage; refuse and name the fix.
function makeDecoder(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new UsageError(`unknown --encoding "${encoding}" (use utf-8 or gb18030)`, 'import');
  }
}

function notDecodable(file: string, decoder: TextDecoder): CliFailure {
  const hint = decoder.encoding === 'utf-8' ? ' (files saved by Excel on Chinese Windows are usually GBK: pass --encoding gb18030)' : '';
  return new CliFailure(`${file} is not valid ${decoder.encoding}${hint}`);
}

/** Bytes in, text out; a character whose bytes straddle two chunks comes out whole with the later one. */
async function* decodeChunks(chunks: AsyncIterable<Uint8Array>, file: string, encoding: string): AsyncGenerator<string> {
  const decoder = makeDecoder(encoding);
  let first = true;
  const emit = (text: string): string => {
    // The decoder drops a UTF-8 BOM itself; GB18030 has its own, which decodes to U+FEFF.
    if (first && text !== '') {
      first = false;
      return stripBom(text);
    }
    return text;
  };
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw notDecodable(file, decoder);
    }
    if (text !== '') yield emit(text);
  }
  let tail: string;
  try {
    // A file cut off in the middle of a character fails here.
    tail = decoder.decode();
  } catch {
    throw notDecodable(file, decoder);
  }
  if (tail !== '') yield emit(tail);
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

function jsonlRecord(line: number, raw: string): InputRecord | null {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { line, error: 'not a JSON object' };
    return { line, doc: value as Record<string, unknown> };
  } catch (err) {
    return { line, error: `not valid JSON (${jsonSyntaxError(err)})` };
  }
}

/**
 * What JSON.parse says is wrong with a line, without the piece of the line V8 quotes in some messages
 * (`Unexpected token '手', ..."text":手机13812345"... is not valid JSON`): the line is a customer's feedback,
 * and what this returns goes to stderr, which import jobs keep in logs. The kind of error and the position,
 * when the parser gives one, stay.
 */
function jsonSyntaxError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (!message.includes('"')) return message;
  const token = /^Unexpected token '(.)'/u.exec(message);
  // one character shows what broke the line and is no one's data (a digit is one of many)
  if (token) return `Unexpected token '${token[1]!}'`;
  return 'a syntax error';
}

function csvMalformed(err: unknown): unknown {
  return err instanceof CsvSyntaxError ? new CliFailure(`CSV is malformed at ${err.message}`) : err;
}

/**
 * Turns decoded text, given in pieces cut anywhere, into input records: a JSONL line or a CSV row
 * becomes a record once its end has arrived, numbered by the line it starts on in the file.
 */
export class RecordReader {
  // JSONL: the start of a line whose end has not arrived yet, kept in pieces so that a very long
  // line is not copied again for every chunk it spans.
  private partial: string[] = [];
  private partialChars = 0;
  /** The line being read ran past maxChars: what came of it is dropped, the rest skipped to its end. */
  private overlong = false;
  private lineNo = 1;
  private readonly csv: CsvReader | null;
  private names: string[] | null = null;

  constructor(
    readonly format: 'csv' | 'jsonl',
    private readonly maxChars = MAX_RECORD_CHARS,
  ) {
    this.csv = format === 'csv' ? new CsvReader(maxChars) : null;
  }

  push(text: string): InputRecord[] {
    if (!this.csv) return this.jsonl(text, false);
    let rows: CsvRecord[];
    try {
      rows = this.csv.push(text);
    } catch (err) {
      throw csvMalformed(err);
    }
    return this.csvRecords(rows);
  }

  end(): InputRecord[] {
    if (!this.csv) return this.jsonl('', true);
    let rows: CsvRecord[];
    try {
      rows = this.csv.end();
    } catch (err) {
      throw csvMalformed(err);
    }
    return this.csvRecords(rows);
  }

  private jsonl(text: string, last: boolean): InputRecord[] {
    const out: InputRecord[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.keep(text.slice(from, nl));
      const record = this.endLine(this.lineNo++);
      if (record) out.push(record);
      from = nl + 1;
    }
    if (from < text.length) this.keep(text.slice(from));
    if (last && (this.partial.length > 0 || this.overlong)) {
      const record = this.endLine(this.lineNo);
      if (record) out.push(record);
    }
    return out;
  }

  private keep(piece: string): void {
    if (this.overlong) return;
    this.partial.push(piece);
    this.partialChars += piece.length;
    if (this.partialChars > this.maxChars) {
      // One document's problem, like a document over the server's body limit: the rest goes in.
      this.overlong = true;
      this.partial = [];
    }
  }

  private endLine(line: number): InputRecord | null {
    const record = this.overlong
      ? { line, error: `longer than ${this.maxChars} characters, more than any document the server accepts` }
      : jsonlRecord(line, this.partial.join(''));
    this.partial = [];
    this.partialChars = 0;
    this.overlong = false;
    return record;
  }

  private csvRecords(rows: CsvRecord[]): InputRecord[] {
    if (rows.length === 0) return [];
    if (!this.names) this.names = checkHeader(rows.shift()!);
    const names = this.names;
    return rows.map((row) => {
      if (row.fields.length !== names.length) {
        return { line: row.line, error: `has ${row.fields.length} fields, the header has ${names.length}` };
      }
      const doc: Record<string, unknown> = {};
      names.forEach((name, i) => {
        const value = row.fields[i]!;
        // Empty optional cells mean "not given"; the API would refuse an empty customerId or date.
        if (value === '' && (CSV_OPTIONAL as readonly string[]).includes(name)) return;
        // CSV has no numbers; a score that is not one goes as written, for the API to refuse by name
        doc[name] = name === 'score' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
      });
      return { line: row.line, doc };
    });
  }
}

function checkHeader(header: CsvRecord): string[] {
  const names = header.fields.map((h) => h.trim());
  const known = new Set<string>([...CSV_REQUIRED, ...CSV_OPTIONAL]);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new CliFailure(`CSV header has unknown column(s) ${unknown.join(', ')}; expected ${[...CSV_REQUIRED, ...CSV_OPTIONAL].join(',')}`);
  }
  const missing = CSV_REQUIRED.filter((n) => !names.includes(n));
  if (missing.length > 0) throw new CliFailure(`CSV header lacks column(s) ${missing.join(', ')}`);
  return names;
}

function readAll(format: 'csv' | 'jsonl', text: string): InputRecord[] {
  const reader = new RecordReader(format);
  return [...reader.push(stripBom(text)), ...reader.end()];
}

export function readJsonlRecords(text: string): InputRecord[] {
  return readAll('jsonl', text);
}

export function readCsvRecords(text: string): InputRecord[] {
  return readAll('csv', text);
}

export interface RecordSource {
  file: string;
  format: 'csv' | 'jsonl';
  encoding: string;
}

/**
 * The records of a byte stream, in groups as the bytes arrive (one group per chunk read, so the
 * per-record cost stays that of a loop, not of an await). Nothing is read before it is asked for:
 * a consumer that is busy sending a batch holds the reading back.
 */
export async function* readRecords(chunks: AsyncIterable<Uint8Array>, source: RecordSource): AsyncGenerator<InputRecord[]> {
  const reader = new RecordReader(source.format);
  for await (const text of decodeChunks(chunks, source.file, source.encoding)) {
    const records = reader.push(text);
    if (records.length > 0) yield records;
  }
  const last = reader.end();
  if (last.length > 0) yield last;
}

export interface Batch {
  /** How many records of the file come before this batch. */
  start: number;
  records: InputRecord[];
}

/** Cuts records into batches of `size` after skipping the first `skip`; each batch leaves as soon as it is full. */
export async function* batches(groups: AsyncIterable<InputRecord[]>, size: number, skip = 0): AsyncGenerator<Batch> {
  let seen = 0;
  let start = skip;
  let batch: InputRecord[] = [];
  for await (const group of groups) {
    for (const record of group) {
      if (seen++ < skip) continue;
      batch.push(record);
      if (batch.length === size) {
        yield { start, records: batch };
        start += size;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield { start, records: batch };
}

async function* readFileChunks(file: string): AsyncGenerator<Buffer> {
  const stream = fs.createReadStream(file);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw new CliFailure(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * The first of two reads of a regular file: the hash that lets a later run resume, the count the
 * progress bar needs, and every encoding, CSV syntax or header error, all before anything is sent.
 */
async function survey(source: RecordSource, size: number): Promise<{ sha256: string; total: number }> {
  const hash = createHash('sha256');
  const bar = new ProgressBar(size, 'reading');
  let bytes = 0;
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of readFileChunks(source.file)) {
      hash.update(chunk);
      bytes += chunk.length;
      bar.update(bytes);
      yield chunk;
    }
  }
  let total = 0;
  try {
    for await (const group of readRecords(hashed(), source)) total += group.length;
  } finally {
    bar.finish();
  }
  return { sha256: hash.digest('hex'), total };
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

/**
 * The file's stat, or null when it cannot be had: a path through a regular file (ENOTDIR) throws even with
 * throwIfNoEntry off, and is reported as the file that cannot be read by the stat that follows.
 */
function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

export async function runImport(client: HttpClient, opts: ImportOptions, out: NodeJS.WritableStream = process.stdout): Promise<ImportSummary> {
  // A directory is neither a file nor a pipe: refused before anything else says otherwise (it used to
  // be announced as "not a regular file … sent as it is read", then fail with EISDIR).
  if (statOrNull(opts.file)?.isDirectory()) {
    throw new CliFailure(`cannot read ${opts.file}: it is a directory; import takes one JSONL or CSV file (or a pipe)`);
  }
  const format = detectFormat(opts.file, opts.format);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(opts.file);
  } catch (err) {
    throw new CliFailure(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const source: RecordSource = { file: opts.file, format, encoding: opts.encoding ?? 'utf-8' };
  // An unknown --encoding is a usage error before anything is read, not a failure half-way.
  makeDecoder(source.encoding);
  // A regular file is read twice, so that it is hashed and checked before anything is sent. A pipe
  // (`<(zcat export.jsonl.gz)`, /dev/stdin) can be read only once: it is sent as it is read, and
  // with no hash to recognise it by, no progress is kept.
  const resumable = stat.isFile();
  const surveyed = resumable ? await survey(source, stat.size) : null;
  if (!resumable) process.stderr.write(`${opts.file} is not a regular file: it is sent as it is read, and no progress is kept for a re-run\n`);

  // Knowing the tenant up front both checks the key before any upload and lets the state file refuse
  // to skip lines that were sent to a different tenant or server.
  const me = await client.json<{ tenant: string }>('/v1/me', { retries: 2 });
  const statePath = opts.statePath ?? `${opts.file}.guandian-progress`;
  let skip = 0;
  let chunksDone = 0;
  const previous = opts.restart || !surveyed ? null : readState(statePath);
  if (previous && surveyed) {
    if (previous.sha256 !== surveyed.sha256) {
      process.stderr.write(`${opts.file} changed since the last run; starting from the first line\n`);
    } else if (previous.url !== client.baseUrl || previous.tenant !== me.tenant) {
      process.stderr.write(`the last run went to ${previous.url} (tenant ${previous.tenant}); starting from the first line\n`);
    } else {
      skip = Math.min(previous.recordsDone, surveyed.total);
      chunksDone = previous.chunksDone;
      if (skip > 0) process.stderr.write(`resuming: ${skip} of ${surveyed.total} records were sent by an earlier run (${statePath}); use --restart to send them again\n`);
    }
  }

  const saveState = (recordsDone: number): void => {
    if (!surveyed) return;
    writeState(statePath, {
      version: 1,
      file: path.resolve(opts.file),
      sha256: surveyed.sha256,
      url: client.baseUrl,
      tenant: me.tenant,
      recordsDone,
      chunksDone,
      updatedAt: new Date().toISOString(),
    });
  };
  // Written before anything is sent: a progress file that cannot be written (a --state in a missing
  // folder) used to fail after the first chunk had gone in, unrecorded, with a stack trace.
  try {
    saveState(skip);
  } catch (err) {
    throw new CliFailure(`cannot write the progress file ${statePath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const again = surveyed
    ? 'run the same command again to resume'
    : 'sending the input again starts from its first line (documents already sent come back as duplicates)';

  const summary: ImportSummary = { accepted: 0, duplicate: 0, rejected: 0, skipped: skip };
  let rejections: string[] = [];
  const flushRejections = () => {
    for (const line of rejections) process.stderr.write(`${line}\n`);
    rejections = [];
  };
  const bar = new ProgressBar(surveyed?.total ?? 0, 'importing');
  if (surveyed) bar.update(skip, true);
  const label = path.basename(opts.file);
  // Ctrl-C between chunks loses nothing (the state file is current); say so, and leave a clean line.
  const onInterrupt = () => {
    bar.finish();
    process.stderr.write(`interrupted; ${summary.accepted} accepted so far — ${again}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  let done = skip;
  let sendFailed = false;
  try {
    // Each batch is sent, and its answer recorded, before the next one is read: memory holds one
    // batch and the read-ahead of the file stream, however large the file.
    for await (const { start, records: chunk } of batches(readRecords(readFileChunks(opts.file), source), opts.batchSize, skip)) {
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
          sendFailed = true;
          // Running the same command again fails the same way: the key is the problem, not the connection.
          if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
            const why =
              err.status === 403
                ? 'the API key lacks the ingest role, which sending documents needs; use a key that has it (an admin can create one: guandian keys create --name NAME --roles ingest)'
                : 'the API key is invalid or was revoked; use a valid key with the ingest role';
            throw new CliFailure(`${message}\nstopped at line ${chunk[0]!.line}; ${start} records are done — ${why}`);
          }
          throw new CliFailure(`${message}\nstopped at line ${chunk[0]!.line}; ${start} records are done — ${again}`);
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
      done = start + chunk.length;
      saveState(done);
      // Reported batch by batch: kept until the end, the rejections of a large, messy file would
      // grow with the file.
      const redraw = rejections.length > 0;
      if (redraw) {
        bar.finish();
        flushRejections();
      }
      if (surveyed) bar.update(done, redraw);
    }
  } catch (err) {
    // Reading failed part-way through (a bad byte or a broken CSV row late in a pipe, a file changed
    // since it was checked): earlier batches are in, and the user needs to know that.
    if (err instanceof CliFailure && !sendFailed && done > skip) throw new CliFailure(`${err.message}\n${done} records are done — ${again}`);
    throw err;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    bar.finish();
    flushRejections();
  }
  out.write(`accepted ${summary.accepted}, duplicate ${summary.duplicate}, rejected ${summary.rejected}, skipped ${summary.skipped}\n`);
  return summary;
}
