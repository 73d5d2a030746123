import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { CsvReader, parseCsv } from '../../src/cli/csv.js';
import { CliFailure } from '../../src/cli/errors.js';
import { batches, readCsvRecords, readJsonlRecords, readRecords, RecordReader, type RecordSource } from '../../src/cli/import-command.js';

// The importer reads its input in pieces. These tests cut the input at every possible place and
// compare with reading it whole, and check that a batch leaves before the input is over.

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/cli');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guandian-import-stream-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const HEADER = 'kind,source,externalId,text,customerId,occurredAt';
const TRICKY_CSV = [
  `${HEADER}\r\n`,
  'comment,survey,s-1,"网络很顺畅,\r\n但是""App""老是闪退",c-1,\r\n',
  '\r\n',
  'comment,survey,s-2,"",,\n',
  'comment,survey,s-3,宽带安装很快\r',
  'comment,survey,s-4,"第一行\n第二行\n第三行",,2025-05-06\n',
  'comment,survey,s-5\n',
  'comment,survey,s-6,"结尾没有换行",,',
].join('');

function cutEverywhere(text: string): string[][] {
  const cuts: string[][] = [];
  for (let i = 0; i <= text.length; i++) cuts.push([text.slice(0, i), text.slice(i)]);
  cuts.push([...text]);
  return cuts;
}

async function collect(chunks: AsyncIterable<Uint8Array>, source: RecordSource) {
  const out = [];
  for await (const group of readRecords(chunks, source)) out.push(...group);
  return out;
}

function writeTmp(name: string, content: Buffer | string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('CsvReader', () => {
  test('records and their line numbers do not depend on where the text is cut', () => {
    const whole = parseCsv(TRICKY_CSV);
    expect(whole.map((r) => r.line)).toEqual([1, 2, 5, 6, 7, 10, 11]);
    for (const pieces of cutEverywhere(TRICKY_CSV)) {
      const reader = new CsvReader();
      const got = [...pieces.flatMap((p) => reader.push(p)), ...reader.end()];
      expect(got, JSON.stringify(pieces.length === 2 ? pieces[0]!.length : 'per character')).toEqual(whole);
    }
  });

  test('a syntax error is the same error wherever the text is cut', () => {
    const cases: [string, string][] = [
      ['a,b\n1,"open\nmore\n', 'line 2: a quoted field is never closed'],
      ['a,b\n1,"x\ny"z\n', 'line 3: unexpected character after a closing quote'],
      ['a,b\n1,x"y"\n', 'line 2: a quote inside an unquoted field'],
    ];
    for (const [bad, wholeError] of cases) {
      expect(() => parseCsv(bad)).toThrow(wholeError);
      for (const pieces of cutEverywhere(bad)) {
        const reader = new CsvReader();
        expect(() => {
          for (const p of pieces) reader.push(p);
          reader.end();
        }).toThrow(wholeError);
      }
    }
  });
});

describe('RecordReader', () => {
  test('JSONL records and line numbers do not depend on where the text is cut', () => {
    const text = '{"kind":"comment","text":"网络很顺畅"}\r\n\n  \n[1]\n{"text":"跨\\n行"}\n{bad\n{"kind":"survey"}';
    const whole = readJsonlRecords(text);
    expect(whole.map((r) => [r.line, r.error === undefined])).toEqual([
      [1, true],
      [4, false],
      [5, true],
      [6, false],
      [7, true],
    ]);
    for (const pieces of cutEverywhere(text)) {
      const reader = new RecordReader('jsonl');
      expect([...pieces.flatMap((p) => reader.push(p)), ...reader.end()]).toEqual(whole);
    }
  });

  test('CSV documents do not depend on where the text is cut, and the header is checked when it is complete', () => {
    const whole = readCsvRecords(TRICKY_CSV);
    expect(whole[0]).toEqual({ line: 2, doc: { kind: 'comment', source: 'survey', externalId: 's-1', text: '网络很顺畅,\r\n但是"App"老是闪退', customerId: 'c-1' } });
    expect(whole.find((r) => r.line === 10)).toMatchObject({ error: 'has 3 fields, the header has 6' });
    for (const pieces of cutEverywhere(TRICKY_CSV)) {
      const reader = new RecordReader('csv');
      expect([...pieces.flatMap((p) => reader.push(p)), ...reader.end()]).toEqual(whole);
    }
    const reader = new RecordReader('csv');
    expect(reader.push('kind,source,ext')).toEqual([]);
    expect(() => reader.push('ernalId,body\n')).toThrow(/unknown column\(s\) body/);
  });
});

describe('a record whose end never comes', () => {
  // The limit is 64 Mi characters in use; a small one here shows the behaviour without the memory.
  const pieces = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

  test('an unclosed CSV quote fails at the limit, naming the line it started on, instead of holding the rest of the file', () => {
    const reader = new CsvReader(50);
    expect(reader.push('a,b\n1,"ok"\n2,"')).toEqual([{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', 'ok'] }]);
    expect(() => {
      for (const p of pieces('open\n'.repeat(100), 7)) reader.push(p);
    }).toThrow('line 3: the record is longer than 50 characters (is a quote never closed?)');
    const fits = new CsvReader(50);
    expect([...fits.push(`a,"${'x'.repeat(46)}"\n`), ...fits.end()]).toEqual([{ line: 1, fields: ['a', 'x'.repeat(46)] }]);
  });

  test('an overlong JSONL line is rejected with its number and the lines after it still count', () => {
    const long = JSON.stringify({ kind: 'comment', text: '长'.repeat(200) });
    const text = `{"n":1}\n${long}\n{"n":3}\n${long}`;
    const reader = new RecordReader('jsonl', 50);
    const got = [...pieces(text, 9).flatMap((p) => reader.push(p)), ...reader.end()];
    expect(got).toEqual([
      { line: 1, doc: { n: 1 } },
      { line: 2, error: 'longer than 50 characters, more than any document the server accepts' },
      { line: 3, doc: { n: 3 } },
      { line: 4, error: 'longer than 50 characters, more than any document the server accepts' },
    ]);
  });
});

describe('readRecords from a file read in small chunks', () => {
  test('UTF-8: characters and quoted line breaks split across chunks come out whole', async () => {
    const file = writeTmp('tricky.csv', '\uFEFF' + TRICKY_CSV);
    const expected = readCsvRecords(TRICKY_CSV);
    for (const highWaterMark of [1, 2, 3, 4, 5, 7, 16]) {
      const got = await collect(fs.createReadStream(file, { highWaterMark }), { file, format: 'csv', encoding: 'utf-8' });
      expect(got, `highWaterMark ${highWaterMark}`).toEqual(expected);
    }
  });

  test('GB18030: two- and four-byte characters split across chunks come out whole', async () => {
    // The GBK fixture as Excel saves it, plus one row with a character outside the BMP (four bytes in GB18030).
    const bytes = Buffer.concat([
      fs.readFileSync(path.join(FIXTURES, 'feedback-gbk.csv')),
      Buffer.from('comment,survey,gbk-sv-009,"', 'latin1'),
      Buffer.from([0xba, 0xc3, 0xc6, 0xc0, 0x94, 0x39, 0xfc, 0x36]),
      Buffer.from('",,\r\n', 'latin1'),
    ]);
    const file = writeTmp('gbk.csv', bytes);
    const whole = readCsvRecords(new TextDecoder('gb18030').decode(bytes));
    expect(whole.map((r) => r.doc?.text)).toEqual(['营业厅的工作人员很耐心，讲解得很清楚', '宽带安装拖了一个星期，太慢了', 'App账单页面经常加载失败', '好评😀']);
    for (const highWaterMark of [1, 2, 3, 5]) {
      const got = await collect(fs.createReadStream(file, { highWaterMark }), { file, format: 'csv', encoding: 'gb18030' });
      expect(got, `highWaterMark ${highWaterMark}`).toEqual(whole);
    }
  });

  test('invalid UTF-8 late in the file: the records before it come out, then the error names the file and --encoding', async () => {
    const good = Array.from({ length: 200 }, (_, i) => JSON.stringify({ kind: 'comment', source: 's', externalId: `e-${i}`, text: '网络很稳定' })).join('\n');
    const file = writeTmp('late.jsonl', Buffer.concat([Buffer.from(good + '\n{"text":"'), Buffer.from([0xff]), Buffer.from('"}\n')]));
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const group of readRecords(fs.createReadStream(file, { highWaterMark: 1024 }), { file, format: 'jsonl', encoding: 'utf-8' })) seen.push(...group.map((r) => r.line));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliFailure);
    expect((error as Error).message).toBe(`${file} is not valid utf-8 (files saved by Excel on Chinese Windows are usually GBK: pass --encoding gb18030)`);
    expect(seen.length).toBeGreaterThan(150);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
  });

  test('a file cut off in the middle of a character fails at its end, as a whole read would', async () => {
    const bytes = Buffer.concat([Buffer.from('{"text":"网络"}\n{"text":"'), Buffer.from('网').subarray(0, 2)]);
    const file = writeTmp('cut.jsonl', bytes);
    await expect(collect(fs.createReadStream(file, { highWaterMark: 4 }), { file, format: 'jsonl', encoding: 'utf-8' })).rejects.toThrow(`${file} is not valid utf-8`);
  });
});

describe('batches', () => {
  const doc = (i: number) => JSON.stringify({ kind: 'comment', source: 's', externalId: `e-${i}`, text: `第${i}条` }) + '\n';

  test('the first batch is handed out while the rest of the input does not exist yet', async () => {
    // The stream has the first three lines; the others are pushed only when the test says so, after
    // it has the first batch. An importer that reads to the end before batching waits for ever here.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let pulls = 0;
    const input = new Readable({
      read() {
        pulls++;
        if (pulls === 1) this.push(doc(1) + doc(2) + doc(3));
        else if (pulls === 2)
          void released.then(() => {
            this.push(doc(4) + doc(5));
            this.push(null);
          });
      },
    });
    const source: RecordSource = { file: 'live.jsonl', format: 'jsonl', encoding: 'utf-8' };
    const it = batches(readRecords(input, source), 2)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ start: 0, records: [{ line: 1 }, { line: 2 }] });
    expect(input.readableEnded).toBe(false);
    release();
    const rest = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    expect(rest.map((b) => [b.start, b.records.map((rec) => rec.line)])).toEqual([
      [2, [3, 4]],
      [4, [5]],
    ]);
  }, 10_000);

  test('skipping the records an earlier run sent keeps the batches where the earlier run cut them', async () => {
    const text = Array.from({ length: 7 }, (_, i) => doc(i + 1)).join('');
    const got = [];
    for await (const b of batches(readRecords(Readable.from([Buffer.from(text)]), { file: 'x.jsonl', format: 'jsonl', encoding: 'utf-8' }), 2, 3)) {
      got.push([b.start, b.records.map((r) => r.line)]);
    }
    expect(got).toEqual([
      [3, [4, 5]],
      [5, [6, 7]],
    ]);
  });
});
