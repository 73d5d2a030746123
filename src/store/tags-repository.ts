import type { Collection, Filter } from './collection.js';
import type { TagRecord } from './records.js';

export interface CountRow {
  positive: number;
  negative: number;
  neutral: number;
  total: number;
}

/** (key, polarity) → n rows folded into one row per key with a count per polarity. */
function pivot(rows: { _id: { key: string; polarity: string }; n: number }[]): (CountRow & { key: string })[] {
  const byKey = new Map<string, CountRow & { key: string }>();
  for (const row of rows) {
    const key = String(row._id.key);
    const entry = byKey.get(key) ?? { key, positive: 0, negative: 0, neutral: 0, total: 0 };
    entry[row._id.polarity as 'positive' | 'negative' | 'neutral'] += row.n;
    entry.total += row.n;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

/**
 * A tag's `stage` while an analysis swaps a document's machine tags (replaceMachineTags): staged tags are
 * written but not yet the document's (-1), retired ones were replaced and wait for the sweep (1). Every
 * read keeps the rest (0, or no stage: human tags and tags stored before stages existed).
 */
export const TAG_STAGED = -1;
export const TAG_RETIRED = 1;
/** The clause every tag read carries (liveTags adds it to a filter): one top-level field, so the indexes and the embedded engine's fast matcher still serve the query. */
export const LIVE_TAG = { stage: { $nin: [TAG_STAGED, TAG_RETIRED] } } as const;
export const liveTags = (filter: Filter): Filter => ({ ...filter, ...LIVE_TAG });
const MACHINE = { $in: ['model', 'rule'] };

export const TAG_FEED_SORT = { at: -1, documentId: -1, turnIndex: 1, 'span.start': 1, _id: 1 } as const;

export class TagsRepository {
  constructor(private readonly coll: Collection<TagRecord>) {}

  async init(): Promise<void> {
    // Document detail and re-tagging read all tags of one document.
    await this.coll.ensureIndex({ fields: { documentId: 1 } });
    // The feed pages newest-first by when the feedback happened (`at`) inside a tenant; other filters
    // narrow that scan. Not by createdAt: a re-tag after a promotion writes new tags (their ids carry the
    // model version) for every old document, which would then bury today's feedback under last year's.
    await this.coll.ensureIndex({ fields: { tenant: 1, at: -1 } });
    // the feed's index before it ordered by `at`; nothing reads by it now
    await this.coll.dropIndex({ tenant: 1, createdAt: -1 });
    // Daily stats and date-range filters.
    await this.coll.ensureIndex({ fields: { tenant: 1, day: 1 } });
  }

  byDocument(documentId: string): Promise<TagRecord[]> {
    return this.coll.find(liveTags({ documentId }), { sort: { turnIndex: 1, 'span.start': 1 } });
  }

  findForTenant(tenant: string, id: string): Promise<TagRecord | null> {
    return this.coll.findOne(liveTags({ _id: id, tenant }));
  }

  /**
   * Makes the document's machine tags exactly `tags`, in three steps (stage, switch, sweep) so that a
   * reader at any moment sees either the old set or the new one, never both, and a crash at any point
   * leaves one of them readable; running it again finishes the job (the ids are idempotency keys).
   * Human tags are never touched.
   */
  async replaceMachineTags(documentId: string, tags: TagRecord[]): Promise<void> {
    await this.stageMachineTags(documentId, tags);
    await this.switchMachineTags(documentId, tags);
    await this.sweepMachineTags(documentId, tags);
  }

  /**
   * Step 1: writes the new tags hidden (staged). A tag whose id is already there is left as it is: the
   * same id is the same document, model version, place and aspect. One retired by an earlier run that
   * crashed before its sweep is staged again, so the switch brings it back.
   */
  async stageMachineTags(documentId: string, tags: TagRecord[]): Promise<void> {
    await this.coll.insertManyIgnoreDuplicates(tags.map((t) => ({ ...t, stage: TAG_STAGED })));
    const ids = tags.map((t) => t._id);
    if (ids.length > 0) await this.coll.updateMany({ documentId, _id: { $in: ids }, stage: TAG_RETIRED }, { $set: { stage: TAG_STAGED } });
  }

  /**
   * Step 2, the switch: one update that makes the staged tags live and retires the live machine tags not
   * among them. The embedded engine applies one update as one command, with no read in between; MongoDB
   * applies it document by document, so there a read during this one statement may still see part of
   * each set (docs/reliability.md). Staged leftovers of an earlier crashed run stay hidden for the sweep.
   */
  async switchMachineTags(documentId: string, tags: TagRecord[]): Promise<void> {
    const ids = tags.map((t) => t._id);
    await this.coll.updateMany(
      { documentId, source: MACHINE, $or: [{ _id: { $in: ids }, stage: TAG_STAGED }, { _id: { $nin: ids }, ...LIVE_TAG }] },
      { $inc: { stage: 1 } },
    );
  }

  /** Step 3: removes the document's machine tags that are not in `tags` (retired, or staged by a run that lost). */
  async sweepMachineTags(documentId: string, tags: TagRecord[]): Promise<void> {
    await this.coll.deleteMany({ documentId, source: MACHINE, _id: { $nin: tags.map((t) => t._id) } });
  }

  /** Every tenant's tags in id order after `after`, `limit` at a time: the day-bucket sweep's pages (DayBuckets). */
  pageById(after: string, limit: number): Promise<TagRecord[]> {
    return this.coll.find({ _id: { $gt: after } }, { sort: { _id: 1 }, limit });
  }

  /** Moves tags to another day bucket (after a TIME_ZONE change; see process-document and DayBuckets). */
  async setDay(ids: string[], day: string): Promise<void> {
    if (ids.length > 0) await this.coll.updateMany({ _id: { $in: ids } }, { $set: { day } });
  }

  insert(tag: TagRecord): Promise<void> {
    return this.coll.insertOne(tag);
  }

  async update(id: string, fields: Partial<TagRecord>): Promise<void> {
    await this.coll.updateOne({ _id: id }, { $set: fields });
  }

  deleteWhere(filter: Filter): Promise<number> {
    return this.coll.deleteMany(filter);
  }

  /** Newest first by `at`, ties by id: the order the feed's keyset cursor (query-service) pages through. */
  list(filter: Filter, limit: number): Promise<TagRecord[]> {
    return this.coll.find(liveTags(filter), { sort: { at: -1, _id: -1 }, limit });
  }

  /**
   * The tag feed's order: newest feedback first, each document's tags together (by documentId, which a
   * re-tag never changes, unlike tag ids) in reading order. `limit` absent: every match.
   */
  feed(filter: Filter, limit?: number): Promise<TagRecord[]> {
    return this.coll.find(liveTags(filter), { sort: { ...TAG_FEED_SORT }, ...(limit === undefined ? {} : { limit }) });
  }

  countWhere(filter: Filter): Promise<number> {
    return this.coll.count(liveTags(filter));
  }

  async countBy(filter: Filter, field: string): Promise<(CountRow & { key: string })[]> {
    const rows = await this.coll.aggregate<{ _id: { key: string; polarity: string }; n: number }>([
      { $match: liveTags(filter) },
      { $group: { _id: { key: `$${field}`, polarity: '$polarity' }, n: { $sum: 1 } } },
    ]);
    return pivot(rows);
  }

  /**
   * The dashboard summary in one pass over the matching tags ($facet), instead of one scan per
   * breakdown: counts by category, day and channel per polarity, and the top negative aspects.
   */
  async summary(filter: Filter, topAspects: number) {
    const byPolarity = (field: string) => [{ $group: { _id: { key: `$${field}`, polarity: '$polarity' }, n: { $sum: 1 } } }];
    const [facets] = await this.coll.aggregate<Record<'category' | 'day' | 'channel' | 'top', { _id: Record<string, string>; n?: number; count?: number }[]>>([
      { $match: liveTags(filter) },
      {
        $facet: {
          category: byPolarity('category'),
          day: byPolarity('day'),
          channel: byPolarity('channel'),
          // grouped by canonical aspect, so 网速/网络/宽带 or 房价/价格 are one bar, and implicit complaints
          // (太贵了 → 价格) count too; tags without one group under their own aspect text
          top: [
            { $match: { polarity: 'negative', $or: [{ canonicalAspect: { $nin: [null, undefined] } }, { aspect: { $ne: null } }] } },
            { $group: { _id: { aspect: { $ifNull: ['$canonicalAspect', '$aspect'] }, category: '$category' }, count: { $sum: 1 } } },
            { $sort: { count: -1, '_id.aspect': 1 } },
            { $limit: topAspects },
          ],
        },
      },
    ]);
    const rows = (list: { _id: Record<string, string>; n?: number }[]) => pivot(list.map((r) => ({ _id: { key: r._id.key!, polarity: r._id.polarity! }, n: r.n ?? 0 })));
    return {
      byCategory: rows(facets?.category ?? []),
      byDay: rows(facets?.day ?? []),
      byChannel: rows(facets?.channel ?? []),
      topNegativeAspects: (facets?.top ?? []).map((r) => ({ aspect: r._id.aspect!, category: r._id.category!, count: r.count ?? 0 })),
    };
  }

}
