import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

// nedb persists every insert, update and remove by appending lines to the collection's file through
// fs.promises.appendFile: open, write and close, three thread-pool round trips per command. Under the
// pipeline benchmark those calls were about 30% of the main thread's busy time (docs/benchmarks.md,
// pipeline profile). Here each data file keeps one append descriptor, written synchronously: a write
// of a few kilobytes into the page cache takes microseconds, cheaper than scheduling it. Durability is
// unchanged (appendFile did not fsync either; a killed process loses nothing the kernel accepted).
//
// Every other storage call that could replace or remove a data file (compaction writes `file~` and
// renames it over `file`; integrity checks at load; unlink) first drops the cached descriptor, so the
// next append opens the new file. nedb's executor runs one command at a time per datastore, so no
// append to a file can interleave with its compaction.

const require = createRequire(import.meta.url);
type StorageFn = (...args: unknown[]) => Promise<unknown>;
const storage = require('@seald-io/nedb/lib/storage.js') as Record<string, StorageFn> & { __appendHandles?: true };

const descriptors = new Map<string, number>();

function forget(file: string): void {
  const fd = descriptors.get(file);
  if (fd === undefined) return;
  descriptors.delete(file);
  fs.closeSync(fd);
}

function append(file: string, data: string, options?: { mode?: number }): void {
  let fd = descriptors.get(file);
  if (fd === undefined) {
    fd = fs.openSync(file, 'a', options?.mode ?? 0o644);
    descriptors.set(file, fd);
  }
  const bytes = Buffer.from(data, 'utf8');
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}

const REPLACING = ['crashSafeWriteFileLinesAsync', 'ensureDatafileIntegrityAsync', 'ensureFileDoesntExistAsync', 'renameAsync', 'unlinkAsync', 'writeFileAsync', 'writeFileLinesAsync'];

/** Installs the cached append descriptors into nedb's storage module; idempotent. */
export function installNedbAppendHandles(): void {
  if (storage.__appendHandles) return;
  storage.__appendHandles = true;
  storage.appendFileAsync = async (file: unknown, data: unknown, options: unknown) => {
    append(String(file), String(data), options as { mode?: number } | undefined);
    // Still yield to the event loop, as the asynchronous append did: a loop of awaited store writes
    // must not starve timers (queue lock renewals) and sockets until it ends.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (const name of REPLACING) {
    const original = storage[name]!;
    storage[name] = async (...args: unknown[]) => {
      const files = args.filter((a): a is string => typeof a === 'string');
      files.forEach(forget);
      try {
        return await original(...args);
      } finally {
        files.forEach(forget);
      }
    };
  }
}

/** Closes the cached descriptors of files under `dir` (an engine closing its data directory). */
export function closeNedbAppendHandles(dir: string): void {
  for (const file of [...descriptors.keys()]) if (path.dirname(file) === path.normalize(dir)) forget(file);
}
