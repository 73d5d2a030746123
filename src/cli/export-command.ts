import fs from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CliFailure, UsageError } from './errors.js';
import type { HttpClient } from './http-client.js';

export interface ExportOptions {
  polarity?: string;
  category?: string;
  aspect?: string;
  channel?: string;
  /** Where the tag came from: model, rule or human. */
  source?: string;
  kind?: string;
  scale?: string;
  from?: string;
  to?: string;
  q?: string;
  minConfidence?: string;
  maxConfidence?: string;
  format: string;
  out?: string;
}

/** Counts records while the bytes stream past, without holding the export in memory. */
class RecordCounter {
  records = 0;
  private inQuotes = false;

  constructor(private readonly csv: boolean) {}

  feed(chunk: Buffer): void {
    for (const byte of chunk) {
      // Quotes and newlines are ASCII, so scanning bytes is safe inside UTF-8 multi-byte characters.
      if (this.csv && byte === 0x22) this.inQuotes = !this.inQuotes;
      else if (byte === 0x0a && !this.inQuotes) this.records++;
    }
  }
}

export function validateExportOptions(o: ExportOptions): void {
  if (o.format !== 'csv' && o.format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got "${o.format}"`, 'export');
  for (const [flag, raw] of [['min-confidence', o.minConfidence], ['max-confidence', o.maxConfidence]] as const) {
    if (raw === undefined) continue;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${flag} must be a number from 0 to 1, got "${raw}"`, 'export');
  }
}

export async function runExport(client: HttpClient, o: ExportOptions): Promise<number> {
  validateExportOptions(o);
  // Checked before downloading: the final rename onto a directory failed with EISDIR and a stack
  // trace, after the whole export, and left FILE.part behind.
  let outStat: fs.Stats | undefined;
  try {
    outStat = o.out !== undefined ? fs.statSync(o.out, { throwIfNoEntry: false }) : undefined;
  } catch (err) {
    // a path through a regular file (ENOTDIR) throws even with throwIfNoEntry off
    throw new CliFailure(`cannot write ${o.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (o.out !== undefined && outStat?.isDirectory()) {
    throw new CliFailure(`cannot write ${o.out}: it is a directory; --out takes a file name (e.g. ${o.out.replace(/\/+$/, '')}/tags.${o.format})`);
  }
  const res = await client.raw('/v1/tags/export', {
    query: {
      polarity: o.polarity,
      category: o.category,
      aspect: o.aspect,
      channel: o.channel,
      source: o.source,
      kind: o.kind,
      scale: o.scale,
      from: o.from,
      to: o.to,
      q: o.q,
      minConfidence: o.minConfidence,
      maxConfidence: o.maxConfidence,
      format: o.format,
    },
  });
  if (!res.body) throw new CliFailure('the server sent an empty export');
  const counter = new RecordCounter(o.format === 'csv');
  // Writing to a side file and renaming at the end means an interrupted export never leaves a
  // truncated file that looks complete.
  const partPath = o.out !== undefined ? `${o.out}.part` : undefined;
  // Opened synchronously so a bad --out (missing folder, no permission) is a message and exit 1; the
  // stream's own open failed later as an unhandled 'error' event that crashed with a Node trace.
  let fd: number | undefined;
  if (partPath !== undefined) {
    try {
      fd = fs.openSync(partPath, 'w');
    } catch (err) {
      await res.body.cancel();
      throw new CliFailure(`cannot write ${o.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const sink = fd !== undefined ? fs.createWriteStream('', { fd }) : process.stdout;
  const tap = new Writable({
    write(chunk: Buffer, _enc, done) {
      counter.feed(chunk);
      if (sink.write(chunk)) done();
      else sink.once('drain', () => done());
    },
    final(done) {
      if (sink === process.stdout) done();
      else sink.end(done);
    },
  });
  // A write that fails later (disk full) must stop the download instead of going unnoticed.
  if (sink !== process.stdout) sink.once('error', (err) => tap.destroy(err));
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), tap);
  } catch (err) {
    if (partPath !== undefined) fs.rmSync(partPath, { force: true });
    throw new CliFailure(`export interrupted: ${(err as Error).message}`);
  }
  if (partPath !== undefined) {
    try {
      fs.renameSync(partPath, o.out!);
    } catch (err) {
      // --out became something that cannot be replaced (a directory) while the export ran.
      fs.rmSync(partPath, { force: true });
      throw new CliFailure(`cannot write ${o.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const rows = o.format === 'csv' ? Math.max(0, counter.records - 1) : counter.records;
  if (o.out !== undefined) process.stderr.write(`exported ${rows} tags to ${o.out}\n`);
  return rows;
}
