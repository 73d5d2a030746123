import { readFileSync, writeFileSync } from 'node:fs';
import { TASK_CLASSES, type HeadTask } from './head.js';
import type { HeadExample } from './head-train.js';

/*
 * Derived training and regression features shipped with the model (models/<name>/head/*.bin): for
 * each clause its frozen base log-probabilities, hashed n-grams and label — never the text, because
 * several source corpora may be used for training but not redistributed (../shared/data/README.md).
 *
 * Layout (little-endian): "GDH1", u32 header length, JSON header {baseVersion, sources, count}, then
 * per example: u8 task (0 sentiment, 1 category), u8 label, u8 flags (1 = binary sentiment label),
 * u8 source index, u32 key count, f32 scale, f32[classes] base log-probs, u32[count] keys.
 */

export interface HeadDataExample extends HeadExample {
  source: number;
}

export interface HeadDataSet {
  baseVersion: string;
  sources: string[];
  examples: HeadDataExample[];
}

const MAGIC = 'GDH1';
const TASKS: HeadTask[] = ['sentiment', 'category'];

export function encodeHeadData(set: HeadDataSet): Buffer {
  const header = Buffer.from(JSON.stringify({ baseVersion: set.baseVersion, sources: set.sources, count: set.examples.length }), 'utf8');
  let size = 8 + header.length;
  for (const e of set.examples) size += 12 + 4 * TASK_CLASSES[e.task] + 4 * e.keys.length;
  const buf = Buffer.alloc(size);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(header.length, 4);
  header.copy(buf, 8);
  let o = 8 + header.length;
  for (const e of set.examples) {
    buf.writeUInt8(TASKS.indexOf(e.task), o);
    buf.writeUInt8(e.label, o + 1);
    buf.writeUInt8(e.binary ? 1 : 0, o + 2);
    buf.writeUInt8(e.source, o + 3);
    buf.writeUInt32LE(e.keys.length, o + 4);
    buf.writeFloatLE(e.scale, o + 8);
    o += 12;
    for (const v of e.base) o = buf.writeFloatLE(v, o);
    for (const k of e.keys) o = buf.writeUInt32LE(k, o);
  }
  return buf;
}

export function decodeHeadData(buf: Buffer, weight = 1): HeadDataSet {
  if (buf.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a head data file');
  const hl = buf.readUInt32LE(4);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + hl)) as { baseVersion: string; sources: string[]; count: number };
  const examples: HeadDataExample[] = [];
  let o = 8 + hl;
  for (let n = 0; n < header.count; n++) {
    const task = TASKS[buf.readUInt8(o)];
    if (!task) throw new Error(`head data: bad task at byte ${o}`);
    const label = buf.readUInt8(o + 1);
    const binary = buf.readUInt8(o + 2) === 1;
    const source = buf.readUInt8(o + 3);
    const nk = buf.readUInt32LE(o + 4);
    const scale = buf.readFloatLE(o + 8);
    o += 12;
    const base = new Float32Array(TASK_CLASSES[task]);
    for (let j = 0; j < base.length; j++, o += 4) base[j] = buf.readFloatLE(o);
    const keys = new Uint32Array(nk);
    for (let j = 0; j < nk; j++, o += 4) keys[j] = buf.readUInt32LE(o);
    examples.push({ task, label, binary, source, scale, base, keys, weight, anchor: true });
  }
  if (o !== buf.length) throw new Error(`head data: ${buf.length - o} trailing bytes`);
  return { baseVersion: header.baseVersion, sources: header.sources, examples };
}

export const writeHeadData = (file: string, set: HeadDataSet) => writeFileSync(file, encodeHeadData(set));
export const readHeadData = (file: string, weight = 1) => decodeHeadData(readFileSync(file), weight);
