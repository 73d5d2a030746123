import { readDate } from '../api/dto/dates.js';
import { badRequest } from '../errors.js';
import { termVariants } from '../nlp/script-variants.js';
import type { Filter } from '../store/collection.js';
import type { DocumentRecord, TagRecord } from '../store/records.js';
import { ANALYSED } from '../store/documents-repository.js';
import type { Store } from '../store/store.js';
import type { CountedPageQueryDto, DocumentQueryDto, StatsQueryDto, TagFilterQueryDto, TagQueryDto } from '../api/dto/query-dto.js';

const DEFAULT_LIMIT = 50;

/** A page of a list; `total` (every row the filters match) only when the query asked for it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Keyset cursors over (key desc, _id desc): stable under inserts, unlike offsets. The feed's key is `at`
// (when the feedback happened), the documents list's createdAt (when it was received); a cursor names its
// key so one list's cursor given to the other is refused rather than read as the wrong instant.
type CursorKey = 'at' | 'createdAt';
interface Cursor {
  k?: CursorKey;
  c: string;
  i: string;
}
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string, key: CursorKey): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    // cursors from before keys were named (no k) paged the documents list by createdAt
    const named = parsed.k ?? 'createdAt';
    if (named === key && typeof parsed.c === 'string' && typeof parsed.i === 'string' && !Number.isNaN(Date.parse(parsed.c))) return parsed;
  } catch {
    /* fall through */
  }
  throw invalidCursor();
}
/** A tag feed cursor: the instant and document of the last document listed (`i`, a tag id: issued before). */
interface TagCursor {
  k: 'at';
  c: string;
  d?: string;
  i?: string;
}
const tagCursor = (t: TagRecord): { c: string; d: string } => ({ c: new Date(t.at).toISOString(), d: t.documentId });
const encodeTagCursor = (c: { c: string; d: string }) => Buffer.from(JSON.stringify({ k: 'at', ...c })).toString('base64url');
function decodeTagCursor(raw: string): TagCursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as TagCursor;
    const named = typeof parsed.d === 'string' || typeof parsed.i === 'string';
    if (parsed.k === 'at' && typeof parsed.c === 'string' && !Number.isNaN(Date.parse(parsed.c)) && named) return parsed;
  } catch {
    /* fall through */
  }
  throw invalidCursor();
}
const afterTagDocument = (cursor: { c: string; d: string }): Filter => ({
  $or: [{ at: { $lt: new Date(cursor.c) } }, { at: new Date(cursor.c), documentId: { $lt: cursor.d } }],
});
export const invalidCursor = () => badRequest('cursor is not valid; pass the nextCursor of a previous page', [{ field: 'cursor', message: 'invalid cursor' }]);
const afterCursor = (key: CursorKey, cursor: Cursor): Filter => ({
  $or: [{ [key]: { $lt: new Date(cursor.c) } }, { [key]: new Date(cursor.c), _id: { $lt: cursor.i } }],
});

// The labeling queue: lowest confidence first, then newest, then _id; a keyset cursor over all three, so
// reviewing a document on one page never shifts another past the next (an offset did). Its cursor
// names the queue (k: 'q') so no other list's cursor is read as one.
interface QueueCursor {
  k: 'q';
  m: number | null;
  c: string;
  i: string;
}
export const LABELING_QUEUE_SORT = { minConfidence: 1, createdAt: -1, _id: -1 } as const;
function decodeQueueCursor(raw: string): QueueCursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as QueueCursor;
    if (
      parsed.k === 'q' &&
      (parsed.m === null || (typeof parsed.m === 'number' && Number.isFinite(parsed.m))) &&
      typeof parsed.c === 'string' &&
      !Number.isNaN(Date.parse(parsed.c)) &&
      typeof parsed.i === 'string'
    ) {
      return parsed;
    }
  } catch {
    /* fall through */
  }
  throw invalidCursor();
}
/** After (m, c, i) in LABELING_QUEUE_SORT order; a document without a confidence sorts before every number. */
function afterQueueCursor(cursor: QueueCursor): Filter {
  const at = new Date(cursor.c);
  const sameConfidence = cursor.m === null ? { minConfidence: null } : { minConfidence: cursor.m };
  return {
    $or: [
      // confidences are in [0, 1]; $gte 0 is "has one" in both engines ($type is not nedb's)
      cursor.m === null ? { minConfidence: { $gte: 0 } } : { minConfidence: { $gt: cursor.m } },
      { ...sameConfidence, createdAt: { $lt: at } },
      { ...sameConfidence, createdAt: at, _id: { $lt: cursor.i } },
    ],
  };
}

function confidence(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) throw badRequest(`${field} must be between 0 and 1`, [{ field, message: 'out of range' }]);
  return value;
}

/** A filter bound as an instant; an unreadable one is refused, never turned into an Invalid Date that matches nothing. */
function bound(raw: string | undefined, name: string): Date | undefined {
  if (!raw) return undefined;
  const date = readDate(raw);
  if (!date) throw badRequest(`${name} must be a calendar date or date-time`, [{ field: name, message: 'not a date' }]);
  return date;
}

// `to` is an inclusive instant like `from`, so a date alone stops at 00:00 UTC of that day; the UI's
// date pickers send the day's last millisecond, and other aggregates read `to` the same way.
function dateRange(from: string | undefined, to: string | undefined, field: string): Filter {
  const range: Record<string, Date> = {};
  const { gte, lte } = dateBounds(from, to);
  if (gte) range.$gte = gte;
  if (lte) range.$lte = lte;
  return Object.keys(range).length > 0 ? { [field]: range } : {};
}

/** A from/to pair read as instants; from after to is a 400 naming from, as on every list and aggregate. */
export function dateBounds(from: string | undefined, to: string | undefined): { gte?: Date; lte?: Date } {
  const gte = bound(from, 'from');
  const lte = bound(to, 'to');
  if (gte && lte && gte > lte) throw badRequest('from must not be after to', [{ field: 'from', message: 'after to' }]);
  return { ...(gte ? { gte } : {}), ...(lte ? { lte } : {}) };
}

/** A free-text query in any Chinese script, Latin letters in any case (APP finds App). */
function searchPattern(term: string): RegExp {
  return new RegExp(termVariants(term).map(escapeRegex).join('|'), 'i');
}

export function tagFilter(tenant: string, q: TagFilterQueryDto | StatsQueryDto): Filter {
  const filter: Filter = { tenant, ...dateRange(q.from, q.to, 'at') };
  if (q.channel) filter.channel = q.channel;
  if (q.kind) filter.kind = q.kind;
  if ('polarity' in q && q.polarity) filter.polarity = q.polarity;
  if ('category' in q && q.category) filter.category = q.category;
  const and: Filter[] = [];
  // an aspect names its group too (网络 finds the 网速 and 宽带 tags), as the dashboard's top aspects
  // count them, so a bar's drill-down lists what the bar counted
  // in any script, width or ASCII case the customer wrote it (網絡, ＡＰＰ), like the q search
  if ('aspect' in q && q.aspect) {
    const names = termVariants(q.aspect);
    and.push({ $or: [{ aspect: { $in: names } }, { canonicalAspect: { $in: names } }] });
  }
  if ('source' in q && q.source) filter.source = q.source;
  if ('scale' in q && q.scale) filter.scale = q.scale;
  if ('documentId' in q && q.documentId) filter.documentId = q.documentId;
  if ('minConfidence' in q || 'maxConfidence' in q) {
    const tq = q as TagFilterQueryDto;
    const min = confidence(tq.minConfidence, 'minConfidence');
    const max = confidence(tq.maxConfidence, 'maxConfidence');
    // as from after to: an inverted range is the caller's mistake, not a question whose answer is nothing
    if (min !== undefined && max !== undefined && min > max) {
      throw badRequest('minConfidence must not be above maxConfidence', [{ field: 'minConfidence', message: 'above maxConfidence' }]);
    }
    if (min !== undefined || max !== undefined) {
      filter.confidence = { ...(min !== undefined ? { $gte: min } : {}), ...(max !== undefined ? { $lte: max } : {}) };
    }
  }
  if ('q' in q && q.q) {
    const re = searchPattern(q.q);
    and.push({ $or: [{ opinion: { $regex: re } }, { aspect: { $regex: re } }, { sentence: { $regex: re } }] });
  }
  if (and.length) filter.$and = and;
  return filter;
}

export class QueryService {
  constructor(private readonly store: Store) {}

  /**
   * The tag feed (and the exports, which page it), a page of whole documents: a re-tag replaces a
   * document's tags under new ids, so a cursor on a tag id that fell inside a document re-tagged before
   * the next page skipped the rest of its tags or listed them twice. The cursor names the last document
   * instead, and a page holds at most `limit` tags unless its first document alone has more: that one
   * comes whole.
   */
  async tags(tenant: string, q: TagQueryDto): Promise<Page<TagRecord>> {
    const limit = q.limit ? Number(q.limit) : DEFAULT_LIMIT;
    const filter = tagFilter(tenant, q);
    const and = (...more: Filter[]): Filter => ({ ...filter, $and: [...((filter.$and as Filter[]) ?? []), ...more] });
    const after = q.cursor ? await this.afterTagCursor(tenant, q.cursor) : null;
    const rows = await this.store.tags.feed(after ? and(after) : filter, limit + 1);
    const total = await this.total(q, () => this.store.tags.countWhere(filter));
    if (rows.length <= limit) return { items: rows, nextCursor: null, ...total };
    const sameDocument = (a: TagRecord, b: TagRecord) => a.documentId === b.documentId && new Date(a.at).getTime() === new Date(b.at).getTime();
    let items = rows.slice(0, limit);
    const last = items[items.length - 1]!;
    if (sameDocument(rows[limit]!, last)) {
      // the last document goes on past this page: it starts the next one instead
      items = items.filter((t) => !sameDocument(t, last));
      if (items.length === 0) {
        items = await this.store.tags.feed(and({ documentId: last.documentId, at: last.at }));
        const cursor = tagCursor(last);
        const more = await this.store.tags.feed(and(afterTagDocument(cursor)), 1);
        return { items, nextCursor: more.length > 0 ? encodeTagCursor(cursor) : null, ...total };
      }
    }
    return { items, nextCursor: encodeTagCursor(tagCursor(items[items.length - 1]!)), ...total };
  }

  /**
   * Where a feed cursor resumes. One issued before cursors named documents names a tag: the page resumes
   * at that tag's document, listed again in full (a few tags repeated rather than any missed), or, when
   * the tag is gone, at the start of its instant.
   */
  private async afterTagCursor(tenant: string, raw: string): Promise<Filter> {
    const cursor = decodeTagCursor(raw);
    if (cursor.d !== undefined) return afterTagDocument({ c: cursor.c, d: cursor.d });
    const tag = await this.store.tags.findForTenant(tenant, cursor.i!);
    const at = new Date(cursor.c);
    if (!tag) return { at: { $lte: at } };
    return { $or: [{ at: { $lt: at } }, { at, documentId: { $lte: tag.documentId } }] };
  }

  async documents(tenant: string, q: DocumentQueryDto): Promise<Page<DocumentRecord>> {
    const limit = q.limit ? Number(q.limit) : DEFAULT_LIMIT;
    const and: Filter[] = [];
    const filter: Filter = { tenant };
    if (q.status) filter.status = q.status;
    if (q.kind) filter.kind = q.kind;
    if (q.channel) filter.source = q.channel;
    if (q.customerId) filter.customerId = q.customerId;
    if (q.q) {
      const re = searchPattern(q.q);
      and.push({ $or: [{ text: { $regex: re } }, { normalizedText: { $regex: re } }, { externalId: q.q }] });
    }
    // The total counts what the filters match, whichever page this is.
    const counted: Filter = and.length > 0 ? { ...filter, $and: [...and] } : { ...filter };
    if (q.cursor) and.push(afterCursor('createdAt', decodeCursor(q.cursor, 'createdAt')));
    if (and.length > 0) filter.$and = and;
    const page = this.page(await this.store.documents.list(filter, limit + 1), limit, 'createdAt');
    return { ...page, ...(await this.total(q, () => this.store.documents.countWhere(counted))) };
  }

  /**
   * Unreviewed tagged documents, lowest confidence first (LABELING_QUEUE_SORT), keyset-paged. Tagged as
   * corrections read it (processedAt set, or done from before it was kept), whatever the status now: a
   * document a re-tag holds keeps its tags until the re-tag writes new ones and takes corrections
   * meanwhile, and every promotion re-tags the whole tenant, so listing only `done` emptied the queue
   * while one ran.
   */
  async labelingQueue(tenant: string, q: CountedPageQueryDto): Promise<Page<DocumentRecord>> {
    const limit = q.limit ? Number(q.limit) : 20;
    const unreviewed: Filter = { tenant, reviewed: false, tagCount: { $gt: 0 }, ...ANALYSED };
    const filter: Filter = { ...unreviewed };
    if (q.cursor) filter.$and = [afterQueueCursor(decodeQueueCursor(q.cursor))];
    const rows = await this.store.documents.list(filter, limit + 1, { ...LABELING_QUEUE_SORT });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const cursor: QueueCursor | null = rows.length > limit && last ? { k: 'q', m: last.minConfidence ?? null, c: new Date(last.createdAt).toISOString(), i: last._id } : null;
    const nextCursor = cursor ? Buffer.from(JSON.stringify(cursor)).toString('base64url') : null;
    return { items, nextCursor, ...(await this.total(q, () => this.store.documents.countWhere(unreviewed))) };
  }

  private async total(q: CountedPageQueryDto, count: () => Promise<number>): Promise<{ total?: number }> {
    return q.withTotal === 'true' ? { total: await count() } : {};
  }

  private page<T extends { _id: string } & Partial<Record<CursorKey, Date>>>(rows: T[], limit: number, key: CursorKey) {
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > limit && last ? encodeCursor({ k: key, c: new Date(last[key]!).toISOString(), i: last._id }) : null;
    return { items, nextCursor };
  }

  async summary(tenant: string, q: StatsQueryDto) {
    const filter = tagFilter(tenant, q);
    const { byCategory, byDay, byChannel, topNegativeAspects } = await this.store.tags.summary(filter, 10);
    const strip = <R extends { key: string }>(rows: R[], name: string) =>
      rows.map(({ key, ...rest }) => ({ [name]: key, ...rest })).sort((a, b) => String(a[name]).localeCompare(String(b[name])));
    return {
      byCategory: strip(byCategory, 'category'),
      byDay: strip(byDay, 'day'),
      byChannel: strip(byChannel, 'channel'),
      topNegativeAspects,
    };
  }
}
