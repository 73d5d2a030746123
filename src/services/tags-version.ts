import { createHash } from 'node:crypto';
import type { TagRecord } from '../store/records.js';

/**
 * What a document's tags are now, as one short string: every tag's id and every field a labeler sees or
 * changes. The document is served with it, and a correction may send back the one it was loaded with
 * (CorrectionsDto.tagsVersion): a re-tag that replaced the tags meanwhile, or another labeler's change,
 * then makes the correction a 409 instead of an accept confirming tags nobody looked at.
 */
export function tagsVersion(tags: readonly Pick<TagRecord, '_id' | 'source' | 'turnIndex' | 'span' | 'polarity' | 'category' | 'aspect'>[]): string {
  return digestOfLines(tags.map((t) => JSON.stringify([t._id, t.source, t.turnIndex ?? null, t.span.start, t.span.end, t.polarity, t.category, t.aspect ?? null])));
}

/** One line per tag, in any order, as a short digest (this and machineTagsDigest, which documents store). */
export function digestOfLines(lines: string[]): string {
  return createHash('sha256').update([...lines].sort().join('\n')).digest('hex').slice(0, 24);
}
