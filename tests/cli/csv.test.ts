import { describe, expect, test } from 'vitest';
import { parseCsv } from '../../src/cli/csv.js';
import { detectFormat, readCsvRecords, readJsonlRecords } from '../../src/cli/import-command.js';
import { ProgressBar } from '../../src/cli/progress.js';

describe('parseCsv', () => {
  test('quoted commas, doubled quotes, line breaks inside quotes, CRLF, BOM', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"line one\r\nline two",\r\n\r\n3,,""\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'line one\r\nline two', ''] },
      { line: 6, fields: ['3', '', ''] },
    ]);
  });

  test('a last record without a newline, and Chinese text unquoted', () => {
    expect(parseCsv('kind,text\ncomment,网络很顺畅')).toEqual([
      { line: 1, fields: ['kind', 'text'] },
      { line: 2, fields: ['comment', '网络很顺畅'] },
    ]);
  });

  test('malformed quoting is an error naming the line', () => {
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(/line 2: a quoted field is never closed/);
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(/line 2/);
    expect(() => parseCsv('a,b\n1,x"y"\n')).toThrow(/line 2/);
  });
});

describe('import input', () => {
  test('CSV rows become API documents; empty optional cells are left out; short rows are rejected locally', () => {
    const recs = readCsvRecords('kind,source,externalId,text,customerId,occurredAt\ncomment,survey,s-1,"好,很好",,\ncomment,survey,s-2\n');
    expect(recs[0]).toEqual({ line: 2, doc: { kind: 'comment', source: 'survey', externalId: 's-1', text: '好,很好' } });
    expect(recs[1]).toMatchObject({ line: 3, error: 'has 3 fields, the header has 6' });
  });

  test('a CSV header with an unknown or missing column is refused', () => {
    expect(() => readCsvRecords('kind,source,externalId,body\n')).toThrow(/unknown column\(s\) body/);
    expect(() => readCsvRecords('kind,source,text\n')).toThrow(/lacks column\(s\) externalId/);
  });

  test('JSONL keeps line numbers past blank lines; arrays and bad JSON are rejected locally', () => {
    const recs = readJsonlRecords('\uFEFF{"kind":"comment"}\n\n[1]\n{bad\r\n');
    expect(recs.map((r) => [r.line, r.error === undefined])).toEqual([
      [1, true],
      [3, false],
      [4, false],
    ]);
  });

  test('format comes from the extension unless given', () => {
    expect(detectFormat('a.CSV')).toBe('csv');
    expect(detectFormat('a.ndjson')).toBe('jsonl');
    expect(detectFormat('a.txt', 'csv')).toBe('csv');
    expect(() => detectFormat('a.txt')).toThrow(/--format/);
  });
});

describe('ProgressBar', () => {
  const fakeStream = (isTTY: boolean) => {
    let written = '';
    return { stream: { isTTY, columns: 80, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream, out: () => written };
  };

  test('draws on a terminal and clears itself', () => {
    const t = fakeStream(true);
    const bar = new ProgressBar(200, 'importing', t.stream);
    bar.update(50, true);
    expect(t.out()).toContain('importing [');
    expect(t.out()).toContain(' 25% 50/200');
    bar.finish();
    expect(t.out().endsWith('\r\x1b[K')).toBe(true);
  });

  test('stays silent when stderr is not a terminal', () => {
    const t = fakeStream(false);
    const bar = new ProgressBar(10, 'importing', t.stream);
    bar.update(5, true);
    bar.finish();
    expect(t.out()).toBe('');
  });
});
