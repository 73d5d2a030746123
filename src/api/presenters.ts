import { tagLabel } from '../nlp/taxonomy.js';
import type { DocumentRecord, TagRecord } from '../store/records.js';
import { tagsVersion } from '../services/tags-version.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function presentTag(tag: TagRecord) {
  return {
    id: tag._id,
    documentId: tag.documentId,
    aspect: tag.aspect,
    canonicalAspect: tag.canonicalAspect ?? null,
    opinion: tag.opinion,
    label: tagLabel(tag.polarity, tag.aspect, tag.opinion),
    polarity: tag.polarity,
    category: tag.category,
    span: tag.span,
    aspectSpan: tag.aspectSpan,
    opinionSpan: tag.opinionSpan,
    sentence: tag.sentence,
    ...(tag.turnIndex !== null ? { turnIndex: tag.turnIndex } : {}),
    confidence: tag.confidence,
    source: tag.source,
    modelVersion: tag.modelVersion,
    kind: tag.kind,
    channel: tag.channel,
    occurredAt: iso(tag.at),
    // the TIME_ZONE day it counts on in the stats and the console: an export read by date agrees with them
    day: tag.day,
    createdAt: iso(tag.createdAt),
    updatedAt: iso(tag.updatedAt),
  };
}

export function presentDocument(doc: DocumentRecord, tags?: TagRecord[]) {
  return {
    id: doc._id,
    kind: doc.kind,
    source: doc.source,
    externalId: doc.externalId,
    text: doc.text,
    turns: doc.turns,
    normalizedText: doc.normalizedText,
    status: doc.status,
    error: doc.error,
    sentiment: doc.sentiment,
    modelVersion: doc.modelVersion,
    lexiconVersion: doc.lexiconVersion ?? null,
    reviewed: doc.reviewed,
    customerId: doc.customerId,
    occurredAt: iso(doc.occurredAt),
    metadata: doc.metadata,
    question: doc.question ?? null,
    score: doc.score ?? null,
    scale: doc.scale ?? null,
    routing: doc.routing ?? null,
    attempts: doc.attempts,
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
    processedAt: iso(doc.processedAt),
    ...(tags ? { tags: tags.map(presentTag), tagsVersion: tagsVersion(tags) } : {}),
  };
}

/** A list's `total`, present only when the query asked for it (`withTotal=true`). */
export function withTotal(page: { total?: number }): { total?: number } {
  return page.total === undefined ? {} : { total: page.total };
}
