import { dayOf } from '../time-zone.js';
import type { Response } from 'express';
import type { Services } from '../runtime.js';
import type { ExportQueryDto } from './dto/query-dto.js';
import { presentTag } from './presenters.js';

// `day` (TIME_ZONE) beside the UTC instant: a spreadsheet filtered by date counts what the dashboard counts.
const COLUMNS = ['id', 'documentId', 'label', 'polarity', 'category', 'aspect', 'opinion', 'sentence', 'confidence', 'source', 'modelVersion', 'channel', 'kind', 'occurredAt', 'day', 'spanStart', 'spanEnd', 'turnIndex'] as const;
const PAGE = 1000;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  // Cells starting with =, +, - or @ run as formulas in Excel: prefix a quote (OWASP CSV injection).
  // Leading whitespace does not stop every importer from reading one (LibreOffice trims it first).
  if (/^[\s\u3000]*[=+\-@]|^[\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Resolves once the response can take more, or once it is closed (a client gone never drains). */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Filters that are words a person typed (a text search, an aspect), which can be a customer's name or number. */
const TEXT_FILTERS = ['q', 'aspect'] as const;

/**
 * An export's filters as the audit log keeps them: which filters were used, but not the words of a text
 * search or an aspect (README: the audit log keeps no text; an analyst's search for a phone number must not
 * land there in clear, whatever the tenant's PII policy).
 */
export function auditedFilters(q: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...q };
  const typed: string[] = [];
  for (const f of TEXT_FILTERS) {
    if (out[f] === undefined) continue;
    delete out[f];
    typed.push(f);
  }
  return typed.length ? { ...out, textFilters: typed } : out;
}

/**
 * Sends one page of a streamed download, then lets the event loop turn before the next page is read,
 * and says whether to go on. The embedded store answers from memory without ever waiting on I/O, so
 * a download of a million rows otherwise held the event loop for minutes: health checks, every other
 * request, timers and SIGTERM all waited for its end.
 *
 * False when the client has gone (nobody reads the rest) or the service is shutting down: then the
 * response is cut rather than ended, so the client sees an incomplete transfer (the CLI removes its
 * partial file) instead of a file that looks complete, and the shutdown does not wait for the rest.
 * A stop that begins while the client is not reading is handled by the HTTP drain's grace period.
 */
export async function sendPage(s: Pick<Services, 'stopping'>, res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (chunk && !res.write(chunk)) await drained(res);
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (res.destroyed) return false;
  if (s.stopping()) {
    res.destroy();
    return false;
  }
  return true;
}

/**
 * Reads the next page of a download whose headers are already sent. A failure can no longer become
 * an error response, so it is logged and the response cut (the client sees an incomplete transfer).
 */
export async function nextPage<T>(s: Pick<Services, 'logger'>, res: Response, what: string, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    s.logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), export: what }, 'export failed after it began; response cut');
    res.destroy();
    return null;
  }
}

/**
 * Streams every tag matching the filters page by page: what an export holds at once is one page (1,000 tags
 * and their text), whatever its size. It is not free of garbage: each page's copies are left to the
 * collector, and V8 collects lazily, so a process doing back-to-back full exports grows by tens of MB
 * (measured about 95 MB per 58k-tag export, QA audit 2026-11-29) until a major collection returns it.
 */
export async function streamExport(s: Services, tenant: string, q: ExportQueryDto, res: Response): Promise<void> {
  const format = q.format ?? 'csv';
  // today where the console's users are (TIME_ZONE), not in UTC: a Shanghai morning is not yesterday
  const stamp = dayOf(new Date());
  const pageAfter = (cursor?: string) => s.query.tags(tenant, { ...q, limit: String(PAGE), ...(cursor ? { cursor } : {}) });
  // The first page is read before anything is written: a query the service refuses (from after to, a
  // bad date) must still be a 400 with the error body, not a download cut off after its header row.
  let page = await pageAfter();
  res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="guandian-tags-${stamp}.${format}"`);
  // The BOM makes Excel read the file as UTF-8, so Chinese shows correctly.
  let chunk = format === 'csv' ? '\uFEFF' + COLUMNS.join(',') + '\r\n' : '';
  for (;;) {
    for (const tag of page.items.map(presentTag)) {
      if (format === 'jsonl') {
        chunk += JSON.stringify(tag) + '\n';
      } else {
        const row = { ...tag, spanStart: tag.span.start, spanEnd: tag.span.end, turnIndex: tag.turnIndex ?? '' };
        chunk += COLUMNS.map((c) => csvCell(row[c as keyof typeof row])).join(',') + '\r\n';
      }
    }
    if (!(await sendPage(s, res, chunk))) return;
    chunk = '';
    const cursor = page.nextCursor;
    if (!cursor) break;
    const next = await nextPage(s, res, 'tags', () => pageAfter(cursor));
    if (!next) return;
    page = next;
  }
  res.end();
}
