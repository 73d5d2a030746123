import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { docSentiment } from '../nlp/analyzer.js';
import type { ExtractedTag, LexiconOverrides, Span } from '../nlp/types.js';
import type { JobHandler } from '../queue/job-queue.js';
import { backoffMs } from '../queue/job-queue.js';
import { PermanentJobError } from '../errors.js';
import type { DocumentRecord, TagRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { dayOf } from '../time-zone.js';
import type { AnalyzerPool } from './analyzer-pool.js';
import type { SerializedHead } from '../nlp/model/head.js';
import { documentEditKey, EditLease, JOB_EDIT_WAIT_MS } from '../services/edit-lease.js';
import { digestOfLines } from '../services/tags-version.js';

/** A machine tag's id is its idempotency key: the same document, model version, place and aspect give the same id. */
export function machineTagId(documentId: string, modelVersion: string, tag: Pick<ExtractedTag, 'span' | 'turnIndex' | 'aspect'>): string {
  return createHash('sha256')
    .update([documentId, modelVersion, tag.turnIndex ?? '', tag.span.start, tag.span.end, tag.aspect ?? ''].join('\u0001'))
    .digest('hex')
    .slice(0, 24);
}

/**
 * What a document's machine tags say, independent of their ids (which carry the model version) and of
 * confidence: where each is, its polarity and its category. Two versions that tag a document alike give
 * the same digest.
 */
export function machineTagsDigest(tags: Pick<TagRecord, 'source' | 'turnIndex' | 'span' | 'polarity' | 'category'>[]): string {
  return digestOfLines(tags.filter((t) => t.source !== 'human').map((t) => [t.turnIndex ?? '', t.span.start, t.span.end, t.polarity, t.category].join(',')));
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** When a document's feedback happened, and the TIME_ZONE day its tags count on. */
function whenOf(doc: DocumentRecord): { at: Date; day: string } {
  const at = doc.occurredAt ?? doc.createdAt;
  return { at, day: dayOf(new Date(at)) };
}

/** `when` is whenOf(doc), passed in by a caller making several tags of one document (the zone lookup is not free). */
export function toTagRecord(doc: DocumentRecord, modelVersion: string, tag: ExtractedTag, now: Date, when = whenOf(doc)): TagRecord {
  const { at, day } = when;
  return {
    _id: machineTagId(doc._id, modelVersion, tag),
    tenant: doc.tenant,
    documentId: doc._id,
    aspect: tag.aspect,
    canonicalAspect: tag.canonicalAspect ?? null,
    opinion: tag.opinion,
    polarity: tag.polarity,
    category: tag.category,
    span: tag.span,
    aspectSpan: tag.aspectSpan ?? null,
    opinionSpan: tag.opinionSpan ?? null,
    sentence: tag.sentence,
    turnIndex: tag.turnIndex ?? null,
    confidence: tag.confidence,
    source: tag.source,
    modelVersion,
    kind: doc.kind,
    channel: doc.source,
    at,
    day,
    score: doc.score ?? null,
    scale: doc.scale ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The document job. Safe to run any number of times for the same document: the claim refuses
 * finished documents, tag ids are deterministic, and stale machine tags are swept after the insert.
 * Human tags and spans a labeler deleted are left alone.
 */
/**
 * Runs after a document's tags are stored and before it is marked done, so a failure retries the job.
 * Hooks must be idempotent (the job may run again): derive ids from the document, not from time.
 */
export type AfterTaggedHook = (doc: DocumentRecord, tags: TagRecord[]) => Promise<void>;

export function createDocumentProcessor(deps: {
  store: Store;
  pool: AnalyzerPool;
  logger: Logger;
  metrics?: Metrics;
  leaseMs: number;
  afterTagged?: AfterTaggedHook[];
  /** The tenant's taxonomy and lexicon additions, read per document so changes apply without a restart. */
  overridesFor?: (tenant: string) => Promise<LexiconOverrides | null>;
  /** The tenant's promoted retrained head (null = base model); `fresh` bypasses caches, for re-tag jobs. */
  headFor?: (tenant: string, fresh: boolean) => Promise<SerializedHead | null>;
  /**
   * Claims beyond which a document is given up as poison. Every claim counts, including those whose
   * worker died mid-job (which the queue redelivers without counting a failed attempt), so a
   * document that crashes its process cannot loop forever.
   */
  maxClaims?: number;
}): JobHandler {
  const { store, pool, logger, metrics, leaseMs } = deps;
  const edits = new EditLease(store.editLocks, { waitMs: JOB_EDIT_WAIT_MS });
  return async (documentId, ctx) => {
    const doc = await store.documents.claim(documentId, leaseMs);
    if (!doc) return;
    const started = Date.now();
    const log = logger.child({ documentId, requestId: doc.requestId ?? undefined, attempt: ctx.attempt });
    try {
      // Ingest validation makes this impossible for new documents; a stored record damaged or
      // written by an older version must fail at once rather than burn retries.
      // A survey answer may be its score alone: nothing to tag, but it is done like any other, so the
      // status, re-tags and the versions it was (trivially) analyzed under read as for the rest.
      const scoreOnly = doc.kind === 'survey' && doc.text === null;
      if (doc.kind === 'transcript' ? !doc.turns?.length : !doc.text && !scoreOnly) throw new PermanentJobError('document has no text to analyze');
      if (deps.maxClaims !== undefined && doc.attempts > deps.maxClaims) {
        throw new PermanentJobError(`given up after ${doc.attempts - 1} attempts: its worker stopped or failed each time`);
      }
      const overrides = (await deps.overridesFor?.(doc.tenant)) ?? undefined;
      const head = (await deps.headFor?.(doc.tenant, Boolean(doc.retagJobId))) ?? null;
      const result = await pool.analyze(
        {
          kind: doc.kind,
          ...(doc.text !== null ? { text: doc.text } : scoreOnly ? { text: '' } : {}),
          ...(doc.turns !== null ? { turns: doc.turns } : {}),
        },
        overrides,
        head,
      );
      // A document tagged before (a re-tag, a retry) keeps its tags while it waits, and labelers may
      // correct them meanwhile: its tags are written under the lease corrections take, and what the
      // labelers left (their tags, deleted spans, the review) is read under it, not at the claim.
      // Erased (right to erasure, retention) while we worked: leave nothing of it behind.
      // Tags written after the erasure compacted the embedded store's files hold the customer's words in
      // the append-only file (a delete only appends a marker): compacted here too, or they stayed in DATA_DIR
      // until the hourly autocompaction.
      const forgetErased = async (): Promise<void> => {
        if ((await store.tags.deleteWhere({ documentId: doc._id })) > 0) await store.engine.compact?.(['tags']);
        log.info('document erased during processing; its tags were removed');
      };
      const writeTags = async (): Promise<void> => {
        // A retry, re-tag or reconciler re-enqueue while we analyzed bumped the generation and queued a
        // newer job: that one writes the tags. Writing ours too could interleave two sweeps of machine
        // tags (each removing the other's), and marking the document done would make the newer job's
        // claim refuse it.
        const current = await store.documents.findById(doc._id);
        if (!current) return forgetErased();
        if (current.generation !== doc.generation) {
          log.info({ generation: doc.generation, current: current.generation }, 'superseded by a newer job; not writing');
          return;
        }
        const existing = await store.tags.byDocument(doc._id);
        const human = existing.filter((t) => t.source === 'human');
        const blocked = (t: ExtractedTag) => {
          const turn = t.turnIndex ?? null;
          return (
            human.some((h) => h.turnIndex === turn && overlaps(h.span, t.span)) ||
            current.suppressed.some((s) => s.turnIndex === turn && overlaps(s, t.span))
          );
        };
        const now = new Date();
        const when = whenOf(doc);
        const tags = result.tags.filter((t) => !blocked(t)).map((t) => toTagRecord(doc, result.modelVersion, t, now, when));
        await store.tags.replaceMachineTags(doc._id, tags);
        // Tags kept under their id (same model version) and human tags keep the day they were first counted
        // on; a day-bucket sweep (DayBuckets) that has not reached them yet may still have them on the old
        // zone's day after a TIME_ZONE change, so the document's analysis moves them itself.
        const { day } = when;
        const kept = new Set(tags.map((t) => t._id));
        await store.tags.setDay(existing.filter((t) => t.day !== day && (t.source === 'human' || kept.has(t._id))).map((t) => t._id), day);
        const all = [...human, ...tags];
        // From the tags the document keeps, not from all the analyzer found: a labeler's tags stand in for
        // the machine ones they overlap and deleted spans stay deleted, so a re-tag must not bring back the
        // verdict the labeler corrected (corrections derive it the same way; every tag here is the customer's).
        // no words, no verdict: "neutral" would put every unexplained score under the neutral filter
        const sentiment = scoreOnly ? null : docSentiment(all);
        for (const hook of deps.afterTagged ?? []) await hook({ ...doc, sentiment, normalizedText: result.normalizedText }, all);
        // A labeler reviewed what the machine said before; if this run (a re-tag, a new model version or
        // lexicon) says something else, that review no longer covers it and the document goes back to the
        // labeling queue. Compared with the digest stored on the document, not with the tags just replaced,
        // so a job run again after a crash between the two writes still sees the change.
        const digest = machineTagsDigest(tags);
        const before = current.machineDigest ?? machineTagsDigest(existing);
        const unreview = current.reviewed && digest !== before;
        if (unreview) log.info('re-tag changed the machine tags of a reviewed document; it returns to the labeling queue');
        const finished = await store.documents.setStatusIf(doc._id, doc.generation, 'done', {
          ...(unreview ? { reviewed: false } : {}),
          machineDigest: digest,
          normalizedText: result.normalizedText,
          sentiment,
          modelVersion: result.modelVersion,
          lexiconVersion: result.lexiconVersion,
          tagCount: all.length,
          minConfidence: all.length > 0 ? Math.min(...all.map((t) => t.confidence)) : null,
          leaseUntil: null,
          error: null,
          processedAt: now,
        });
        if (!finished && (await store.documents.findById(doc._id))) {
          log.info('superseded by a newer job while writing; it rewrites the tags');
          return;
        }
        if (!finished) return forgetErased();
        for (const t of tags) metrics?.tagsWritten.inc({ polarity: t.polarity, category: t.category });
        metrics?.jobDuration.observe({ outcome: 'done' }, (Date.now() - started) / 1000);
        log.debug({ tags: tags.length, ms: Date.now() - started }, 'document tagged');
      };
      if (doc.processedAt) await edits.run(documentEditKey(doc._id), 'documentId', writeTags);
      else await writeTags();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      metrics?.jobDuration.observe({ outcome: ctx.final ? 'failed' : 'retry' }, (Date.now() - started) / 1000);
      if (ctx.final || err instanceof PermanentJobError) {
        // only this generation fails: a newer job queued meanwhile keeps its chance
        await store.documents.setStatusIf(doc._id, doc.generation, 'failed', { error: message.slice(0, 500), leaseUntil: null });
        log.error({ err: message }, 'document failed permanently');
      } else {
        // Keep the lease beyond the retry delay so the reconciler does not race the queue's own retry.
        await store.documents.update(doc._id, { $set: { leaseUntil: new Date(Date.now() + backoffMs(ctx.attempt) + leaseMs) } });
      }
      throw err;
    }
  };
}
