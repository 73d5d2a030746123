// RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks, so a record is not
// a line. Each record keeps the physical line it started on, because that is what a user can find
// in the file when a row is rejected.

export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const PLAIN_STOP = /[",\r\n]/g;

/**
 * Far beyond any document the server accepts (MAX_TEXT_LENGTH is at most a million characters); a
 * record this long is a quote never closed, which would otherwise hold the rest of the file in memory.
 */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Incremental: text may arrive in pieces cut anywhere (between the two quotes of a doubled quote,
 * between CR and LF, inside a quoted line break), and the records come out the same as from the
 * whole text at once. Large files are read in pieces so that memory follows a record, not the file.
 */
export class CsvReader {
  private fields: string[] = [];
  private field = '';
  /** Characters in `fields`, so the record's size is known without adding them up again. */
  private fieldsChars = 0;
  private line = 1;
  private recordLine = 1;
  /** `quote`: a quote seen inside a quoted field; only the next character tells a doubled quote from the closing one. */
  private state: 'plain' | 'quoted' | 'quote' = 'plain';
  // A field that was quoted stays a field even when empty; a bare empty line is no record at all.
  private sawContent = false;
  /** The last record ended on CR; an LF right after it belongs to the same line break. */
  private afterCr = false;
  private out: CsvRecord[] = [];

  constructor(private readonly maxChars = MAX_RECORD_CHARS) {}

  /** Takes the next piece of text and returns the records it completed. */
  push(text: string): CsvRecord[] {
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.afterCr) {
        this.afterCr = false;
        if (text.charCodeAt(i) === 10) {
          i++;
          continue;
        }
      }
      if (this.state === 'quoted') {
        const q = text.indexOf('"', i);
        const piece = text.slice(i, q === -1 ? n : q);
        this.field += piece;
        this.line += countNewlines(piece);
        if (q === -1) break;
        this.state = 'quote';
        i = q + 1;
        continue;
      }
      if (this.state === 'quote') {
        const c = text[i];
        if (c === '"') {
          this.field += '"';
          this.state = 'quoted';
          i++;
          continue;
        }
        if (c !== ',' && c !== '\n' && c !== '\r') throw new CsvSyntaxError(this.line, 'unexpected character after a closing quote');
        this.state = 'plain';
      }
      PLAIN_STOP.lastIndex = i;
      const stop = PLAIN_STOP.exec(text);
      const end = stop ? stop.index : n;
      if (end > i) {
        this.field += text.slice(i, end);
        i = end;
      }
      if (!stop) break;
      const c = text[i];
      i++;
      if (c === '"') {
        if (this.field !== '') throw new CsvSyntaxError(this.line, 'a quote inside an unquoted field (quote the whole field and double inner quotes)');
        this.state = 'quoted';
        this.sawContent = true;
      } else if (c === ',') {
        this.fields.push(this.field);
        this.fieldsChars += this.field.length;
        this.field = '';
        this.sawContent = true;
      } else {
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        this.afterCr = c === '\r';
      }
    }
    if (this.fieldsChars + this.field.length > this.maxChars) {
      throw new CsvSyntaxError(this.recordLine, `the record is longer than ${this.maxChars} characters (is a quote never closed?)`);
    }
    return this.take();
  }

  /** The input is over: returns the last record, or throws if a quoted field was left open. */
  end(): CsvRecord[] {
    if (this.state === 'quoted') throw new CsvSyntaxError(this.recordLine, 'a quoted field is never closed');
    this.state = 'plain';
    if (this.field !== '' || this.fields.length > 0 || this.sawContent) this.endRecord();
    return this.take();
  }

  private endRecord(): void {
    this.fields.push(this.field);
    if (this.sawContent || this.fields.length > 1 || this.field !== '') this.out.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.fieldsChars = 0;
    this.field = '';
    this.sawContent = false;
  }

  private take(): CsvRecord[] {
    const records = this.out;
    this.out = [];
    return records;
  }
}

export function parseCsv(input: string): CsvRecord[] {
  const reader = new CsvReader();
  return [...reader.push(stripBom(input)), ...reader.end()];
}
