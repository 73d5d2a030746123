import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { NedbEngine } from '../../src/store/nedb-engine.js';

// The embedded engine appends through one cached descriptor per file (src/store/nedb-append.ts).
// What must hold: nothing acknowledged is lost across compaction, reopen or a killed process.
type Row = { _id: string; n: number; note?: string };

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-append-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('embedded engine appends', () => {
  test('writes after a compaction land in the new file, and a reopen without close sees all of them', async () => {
    const dir = tempDir();
    const engine = await NedbEngine.open(dir);
    const rows = engine.collection<Row>('rows');
    await rows.ensureIndex({ fields: { n: 1 } });
    for (let i = 0; i < 50; i++) await rows.insertOne({ _id: `a${i}`, n: i });
    await rows.updateMany({ n: { $lt: 10 } }, { $set: { note: '已回访' } });
    await engine.compact();
    const compacted = fs.readFileSync(path.join(dir, 'rows.db'), 'utf8').trim().split('\n');
    // one line per live row plus the index line: the updates' superseded lines are gone
    expect(compacted.filter((l) => !l.includes('$$indexCreated'))).toHaveLength(50);
    await rows.insertManyIgnoreDuplicates(Array.from({ length: 20 }, (_, i) => ({ _id: `b${i}`, n: 100 + i })));
    await rows.updateOne({ _id: 'a1' }, { $set: { note: '压缩后修改' } });
    await rows.deleteMany({ _id: 'a2' });

    // a second engine on the same directory, as after a crash: it only sees what reached the file
    const reopened = await NedbEngine.open(dir);
    const again = reopened.collection<Row>('rows');
    expect(await again.count({})).toBe(69);
    expect((await again.findOne({ _id: 'a1' }))?.note).toBe('压缩后修改');
    expect(await again.findOne({ _id: 'a2' })).toBeNull();
    expect(await again.count({ note: '已回访' })).toBe(8);
    await engine.close();
    await reopened.close();
  });

  test('a writer killed with SIGKILL loses no acknowledged insert', async () => {
    const dir = tempDir();
    const script = path.join(dir, 'writer.mts');
    // The child acknowledges each insert on stdout only after the engine's promise resolved.
    fs.writeFileSync(
      script,
      `import { NedbEngine } from ${JSON.stringify(path.resolve('src/store/nedb-engine.ts'))};
const engine = await NedbEngine.open(${JSON.stringify(dir)});
const rows = engine.collection('rows');
for (let i = 0; ; i++) {
  await rows.insertOne({ _id: 'r' + i, n: i, note: '客服态度很好，问题当天就解决了' });
  process.stdout.write(i + '\\n');
}
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = -1;
    let errors = '';
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          const lines = d.toString().trim().split('\n');
          acked = Number(lines[lines.length - 1]);
          if (acked >= 2000) resolve();
        });
        child.on('exit', () => reject(new Error(`writer exited early: ${errors}`)));
        setTimeout(() => reject(new Error(`writer stalled at ${acked}: ${errors}`)), 30_000).unref();
      });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const engine = await NedbEngine.open(dir);
    const rows = engine.collection<Row>('rows');
    const stored = await rows.count({});
    expect(stored).toBeGreaterThanOrEqual(acked + 1);
    // every acknowledged id is there, in order: no hole left by a lost write
    const ids = new Set((await rows.find({})).map((r) => r._id));
    for (let i = 0; i <= acked; i++) expect(ids.has(`r${i}`)).toBe(true);
    await engine.close();
  }, 60_000);
});
