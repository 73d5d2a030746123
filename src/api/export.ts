import type { Response } from 'express';
import type { Services } from '../runtime.js';
import type { ExportQueryDto } from './dto/query-dto.js';
import { presentTag } from './presenters.js';

const COLUMNS = ['id', 'documentId', 'label', 'polarity', 'category', 'aspect', 'opinion', 'sentence', 'confidence', 'source', 'modelVersion', 'channel', 'kind', 'occurredAt', 'spanStart', 'spanEnd', 'turnIndex'] as const;
const PAGE = 1000;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  // Cells starting with =, +, - or @ run as formulas in Excel: prefix a quote (OWASP CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Streams every tag matching the filters page by page, so exports of any size use flat memory. */
export async function streamExport(s: Services, tenant: string, q: ExportQueryDto, res: Response): Promise<void> {
  const format = q.format ?? 'csv';
  const stamp = new Date().toISOString().slice(0, 10);
  const pageAfter = (cursor?: string) => s.query.tags(tenant, { ...q, limit: String(PAGE), ...(cursor ? { cursor } : {}) });
  // The first page is read before anything is written: a query the service refuses (from after to, a
  // bad date) must still be a 400 with the error body, not a download cut off after its header row.
  let page = await pageAfter();
  res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="guandian-tags-${stamp}.${format}"`);
  // The BOM makes Excel read the file as UTF-8, so Chinese shows correctly.
  if (format === 'csv') res.write('\uFEFF' + COLUMNS.join(',') + '\r\n');
  for (;;) {
    let chunk = '';
    for (const tag of page.items.map(presentTag)) {
      if (format === 'jsonl') {
        chunk += JSON.stringify(tag) + '\n';
      } else {
        const row = { ...tag, spanStart: tag.span.start, spanEnd: tag.span.end, turnIndex: tag.turnIndex ?? '' };
        chunk += COLUMNS.map((c) => csvCell(row[c as keyof typeof row])).join(',') + '\r\n';
      }
    }
    if (chunk && !res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    if (!page.nextCursor) break;
    page = await pageAfter(page.nextCursor);
  }
  res.end();
}
