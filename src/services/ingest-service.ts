import { createHash } from 'node:crypto';
import { badRequest, conflict, DuplicateKeyError, type ErrorDetail, AppError } from '../errors.js';
import { ulid } from '../ids.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { HASH_TOKEN_SOURCE, maskPii, maskPiiJson, maskPiiTurns } from '../nlp/pii.js';
import type { PiiPolicy } from '../nlp/types.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { DocumentRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { readDate } from '../api/dto/dates.js';
import { checkDocumentShape, CreateDocumentDto, surveyWithoutComment, type DocumentLimits } from '../api/dto/document-dto.js';
import { parseDto } from '../api/validate.js';
import { canonical } from '../canonical-json.js';

export type IngestOutcome =
  | { status: 'accepted'; id: string }
  | { status: 'duplicate'; id: string; documentStatus: string };

export interface BatchItemResult {
  index: number;
  id?: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  error?: { code: string; message: string; details: ErrorDetail[] };
}

/** A document ready to store, with the hash the service computed for the same body before the hash was canonical. */
interface Built {
  doc: DocumentRecord;
  legacyHash: string;
  /** The content hash of this body masked under another policy (the stored twin's, when the tenant changed it). */
  hashUnder: (policy: PiiPolicy) => string;
  /** The same content, the stored document's masked again by today's rules (see sameContent). */
  sameAsStored: (stored: DocumentRecord) => boolean;
}

/** Hash tokens of either era ([phone:8 hex] under the install key, [phone:16 hex] per tenant) as their type. */
const TOKEN = new RegExp(HASH_TOKEN_SOURCE, 'g');
const untokened = (s: string | null | undefined) => (s ?? null) === null ? null : s!.replace(TOKEN, '[$1]');

/**
 * The same content: what was sent, masked under the policy the stored twin was masked under, hashes
 * alike. Only masked content is compared, never what masking removed: a keyed hash of the unmasked text
 * would let anyone holding the store (the key lives there too) or an ingest key (200 against 409) test
 * guesses of the masked digits. So under `mask` two numbers that mask alike are the same content.
 * When the hashes differ, the stored twin may have been masked by an earlier detector that missed
 * something today's finds (a number glued to Tel, a mobile split over two turns): its content, masked
 * again today (which leaves what was masked then as it is), is compared with the body masked today.
 * Documents stored before the policy was recorded compare the same way, under today's policy.
 */
function sameContent(stored: DocumentRecord, built: Built): boolean {
  if (stored.piiPolicy !== undefined) return stored.contentHash === built.hashUnder(stored.piiPolicy) || built.sameAsStored(stored);
  return stored.contentHash === built.doc.contentHash || stored.contentHash === built.legacyHash || built.sameAsStored(stored);
}

// Intake order is what makes "nothing accepted is ever lost" hold: PII is masked, the document is
// persisted with status queued and a lease, and only then is its id enqueued. If enqueueing fails
// (Redis down), the document is still stored and the reconciler enqueues it when its lease expires.
export class IngestService {
  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly options: { leaseMs: number; limits: DocumentLimits; pii: (tenant: string) => Promise<{ policy: PiiPolicy; secret: string }> },
  ) {}

  private async build(tenant: string, dto: CreateDocumentDto, requestId: string | null): Promise<Built> {
    const { policy, secret } = await this.options.pii(tenant);
    // customerId and externalId are the caller's keys (erasure and re-sends look documents up by
    // them), so they are stored as given; everything else free-form goes through the same policy.
    const customerId = dto.customerId ?? null;
    // Anything but an AppError here would fail the whole request, and in a batch every other item
    // with it; the DTO already refuses dates Date cannot read, this only keeps that promise local.
    const occurredAt = dto.occurredAt !== undefined ? readDate(dto.occurredAt) : null;
    if (dto.occurredAt !== undefined && occurredAt === null) {
      throw badRequest('invalid request body: occurredAt', [{ field: 'occurredAt', message: 'occurredAt is not a date' }]);
    }
    const hasSurvey = dto.score !== undefined || dto.question !== undefined;
    const hash = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');
    /** The body's free text under a PII policy, and the content hash over it. */
    const under = (p: PiiPolicy) => {
      const mask = (s: string) => maskPii(s, p, { hashSecret: secret }).text;
      const text = dto.text !== undefined ? mask(dto.text) : null;
      // one speaker's consecutive turns are read as one text too: a number read out over a pause is split
      const maskedTurns = dto.turns ? maskPiiTurns(dto.turns, p, { hashSecret: secret }) : [];
      const turns =
        dto.turns?.map((t, i) => ({
          speaker: t.speaker,
          text: maskedTurns[i]!,
          ...(t.startMs !== undefined ? { startMs: t.startMs } : {}),
          ...(t.endMs !== undefined ? { endMs: t.endMs } : {}),
        })) ?? null;
      // every string at any depth, and numbers that are a phone, an ID or a card by their digits alone
      const metadata = dto.metadata !== undefined ? (maskPiiJson(dto.metadata, p, { hashSecret: secret }) as Record<string, unknown>) : null;
      const survey = { question: dto.question !== undefined ? mask(dto.question) : null, score: dto.score ?? null, scale: dto.scale ?? null };
      const common = [dto.kind, text, turns, customerId, occurredAt?.toISOString() ?? null];
      // Key order is layout, not content: the same metadata sent with its keys in another order is
      // the same document. Without metadata (or with sorted, PII-free keys) this is byte-for-byte the
      // hash stored before it was canonical.
      const contentHash = hash([...common, canonical(metadata), ...(hasSurvey ? [survey] : [])]);
      return { mask, text, turns, metadata, survey, common, contentHash };
    };
    const own = under(policy);
    const { text, turns, metadata, survey } = own;
    // What the service used to store for this body (metadata as sent, question and metadata not
    // masked), so documents ingested before either change are still recognised when re-sent.
    const legacyHash = hash([...own.common, dto.metadata ?? null, ...(hasSurvey ? [{ ...survey, question: dto.question ?? null }] : [])]);
    const now = new Date();
    const doc: DocumentRecord = {
      _id: ulid(now.getTime()),
      tenant,
      kind: dto.kind,
      source: dto.source,
      externalId: dto.externalId,
      text,
      turns,
      customerId,
      occurredAt,
      at: occurredAt ?? now,
      metadata,
      ...survey,
      contentHash: own.contentHash,
      piiPolicy: policy,
      status: 'queued',
      error: null,
      attempts: 0,
      generation: 0,
      leaseUntil: new Date(now.getTime() + this.options.leaseMs),
      normalizedText: null,
      sentiment: null,
      modelVersion: null,
      reviewed: false,
      minConfidence: null,
      tagCount: 0,
      suppressed: [],
      requestId,
      createdAt: now,
      updatedAt: now,
      processedAt: null,
    };
    const masked = new Map<PiiPolicy, ReturnType<typeof under>>([[policy, own]]);
    const maskedUnder = (p: PiiPolicy) => masked.get(p) ?? masked.set(p, under(p)).get(p)!;
    const hashUnder = (p: PiiPolicy) => maskedUnder(p).contentHash;
    // The stored twin was masked by the rules (and, before piiPolicy was recorded, the keys) of its day:
    // masking it again today (idempotent on what was masked then) compares it with this body under one
    // masking. Hash tokens of a document stored before the policy was recorded may be of the older,
    // install-wide kind, so there they are read as their type; a recorded policy's tokens are this
    // tenant's, and two numbers with different tokens stay different content.
    const sameAsStored = (stored: DocumentRecord): boolean => {
      const p = stored.piiPolicy ?? policy;
      const now = maskedUnder(p);
      const read = stored.piiPolicy === undefined ? untokened : (s: string | null | undefined) => s ?? null;
      const again = (s: string | null) => read(s === null ? null : now.mask(s));
      const storedTurns = (d: DocumentRecord) => {
        if (!d.turns) return null;
        const maskedTurns = maskPiiTurns(d.turns, p, { hashSecret: secret });
        return d.turns.map((t, i) => [t.speaker, read(maskedTurns[i]!), t.startMs ?? null, t.endMs ?? null]);
      };
      const json = (v: unknown) => read(JSON.stringify(canonical(v)));
      return (
        stored.kind === doc.kind &&
        (stored.customerId ?? null) === customerId &&
        (stored.occurredAt ? new Date(stored.occurredAt).toISOString() : null) === (occurredAt?.toISOString() ?? null) &&
        (stored.score ?? null) === now.survey.score &&
        (stored.scale ?? null) === now.survey.scale &&
        again(stored.text) === read(now.text) &&
        again(stored.question ?? null) === read(now.survey.question) &&
        json(stored.metadata === null ? null : maskPiiJson(stored.metadata, p, { hashSecret: secret })) === json(now.metadata) &&
        JSON.stringify(storedTurns(stored)) ===
          JSON.stringify(now.turns?.map((t) => [t.speaker, read(t.text), t.startMs ?? null, t.endMs ?? null]) ?? null)
      );
    };
    return { doc, legacyHash, hashUnder, sameAsStored };
  }

  parse(body: unknown, what?: string): CreateDocumentDto {
    const dto = parseDto(CreateDocumentDto, body, what);
    // stored as no text, so "" and an omitted comment are the same answer when re-sent
    if (surveyWithoutComment(dto)) delete dto.text;
    // The DTO lets null through where a field is optional (@IsOptional), and null means the field is
    // not there, as a survey's null text and a null customerId or metadata do: a null question reached
    // the PII masking and answered a 500, which sank the whole batch (a JSONL import) it came in, a null
    // occurredAt was refused as "not a date" (the OpenAPI gives it as string or null), and a null endMs was
    // told it lay before startMs.
    if (dto.question === null) delete dto.question;
    if (dto.occurredAt === null) delete dto.occurredAt;
    // (turns are validated on transcripts only: on another kind they may be anything, refused just below)
    if (Array.isArray(dto.turns)) {
      for (const turn of dto.turns as unknown[]) {
        if (turn === null || typeof turn !== 'object') continue;
        const t = turn as { startMs?: number | null; endMs?: number | null };
        if (t.startMs === null) delete t.startMs;
        if (t.endMs === null) delete t.endMs;
      }
    }
    const shape = checkDocumentShape(dto, this.options.limits);
    if (shape) throw new AppError(400, 'validation_failed', `invalid ${what ?? 'request body'}: ${shape.field}`, [shape]);
    return dto;
  }

  /** Stores one document (or finds its twin); does not enqueue. */
  private async persist(tenant: string, dto: CreateDocumentDto, requestId: string | null): Promise<IngestOutcome> {
    const built = await this.build(tenant, dto, requestId);
    const { doc } = built;
    try {
      await this.store.documents.insert(doc);
      this.metrics.documentsIngested.inc({ kind: doc.kind, source: doc.source });
      return { status: 'accepted', id: doc._id };
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const existing = await this.store.documents.findByExternalId(tenant, dto.source, dto.externalId);
      if (!existing) throw err;
      if (!sameContent(existing, built)) {
        throw conflict(`a different document with source "${dto.source}" and externalId "${dto.externalId}" already exists`, [
          { field: 'externalId', existingId: existing._id },
        ]);
      }
      return { status: 'duplicate', id: existing._id, documentStatus: existing.status };
    }
  }

  private async enqueue(ids: string[]): Promise<void> {
    try {
      await this.queue.enqueue(ids.map((documentId) => ({ documentId, generation: 0 })));
    } catch (err) {
      // Stored documents are safe; the reconciler picks them up once the queue is back.
      this.logger.error({ err: String(err), count: ids.length }, 'enqueue failed; reconciler will retry');
    }
  }

  async ingest(tenant: string, body: unknown, requestId: string | null = null): Promise<IngestOutcome> {
    const outcome = await this.persist(tenant, this.parse(body), requestId);
    if (outcome.status === 'accepted') await this.enqueue([outcome.id]);
    return outcome;
  }

  /**
   * A batch is validated item by item, then persisted in one write: duplicates (in the store or
   * earlier in the same batch) are settled first, so the multi-document insert only carries new
   * documents. One bad item never sinks the others.
   */
  async ingestBatch(tenant: string, items: unknown[], requestId: string | null = null): Promise<BatchItemResult[]> {
    const results: BatchItemResult[] = new Array(items.length);
    const built: ({ index: number } & Built)[] = [];
    for (const [index, item] of items.entries()) {
      try {
        built.push({ index, ...(await this.build(tenant, this.parse(item, `documents[${index}]`), requestId)) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        // the item as a whole (not an object) is the item itself, not documents[i].(body)
        const details = err.details.map((d) => (d.field ? { ...d, field: d.field === '(body)' ? `documents[${index}]` : `documents[${index}].${d.field}` } : d));
        results[index] = { index, status: 'rejected', error: { code: err.code, message: err.message, details } };
      }
    }
    const keyOf = (d: DocumentRecord) => `${d.source}\u0000${d.externalId}`;
    const known = new Map<string, DocumentRecord>();
    for (const d of await this.store.documents.findByExternalIds(tenant, [...new Set(built.map((b) => b.doc.externalId))])) known.set(keyOf(d), d);
    const fresh: ({ index: number } & Built)[] = [];
    // Items repeating the key of an earlier item of this batch: told apart from that item's document, which
    // is not stored yet (see below).
    const repeats: ({ index: number } & Built)[] = [];
    const batchIds = new Set<string>();
    for (const item of built) {
      const { index, doc } = item;
      const existing = known.get(keyOf(doc));
      if (existing && batchIds.has(existing._id)) repeats.push(item);
      if (!existing) {
        known.set(keyOf(doc), doc);
        batchIds.add(doc._id);
        fresh.push(item);
      } else if (sameContent(existing, item)) {
        results[index] = { index, id: existing._id, status: 'duplicate' };
      } else {
        const err = conflict(`a different document with source "${doc.source}" and externalId "${doc.externalId}" already exists`, [
          { field: `documents[${index}].externalId`, existingId: existing._id },
        ]);
        results[index] = { index, status: 'rejected', error: { code: err.code, message: err.message, details: err.details } };
      }
    }
    const inserted = await this.store.documents.insertMany(fresh.map((f) => f.doc));
    const accepted: string[] = [];
    const record = (item: { index: number } & Built, outcome: Awaited<ReturnType<IngestService['settle']>>) => {
      const { index, doc } = item;
      if (outcome.status === 'accepted') {
        accepted.push(doc._id);
        this.metrics.documentsIngested.inc({ kind: doc.kind, source: doc.source });
      }
      results[index] = outcome.status === 'conflict'
        ? { index, status: 'rejected', error: { code: 'conflict', message: outcome.message, details: [{ field: `documents[${index}].externalId` }] } }
        : { index, id: outcome.id, status: outcome.status };
    };
    // All went in, or a concurrent request won a race for some keys: then each item is settled the way a
    // single POST would settle it.
    for (const item of fresh) record(item, inserted === fresh.length ? { status: 'accepted', id: item.doc._id } : await this.settle(tenant, item));
    // A repeat was judged against the earlier item's document before it was stored. When a concurrent
    // request took some keys meanwhile, that document may never have been stored: the repeat said
    // "duplicate" with an id nobody can read. Such repeats are settled again against what the store holds.
    if (inserted !== fresh.length) for (const item of repeats) record(item, await this.settle(tenant, item));
    await this.enqueue(accepted);
    return results;
  }

  /** After a partial multi-insert: was this document stored as ours, as an identical twin, or does it conflict? */
  private async settle(tenant: string, built: Built): Promise<{ status: 'accepted' | 'duplicate'; id: string } | { status: 'conflict'; message: string }> {
    const { doc } = built;
    const stored = await this.store.documents.findByExternalId(tenant, doc.source, doc.externalId);
    if (stored?._id === doc._id) return { status: 'accepted', id: doc._id };
    if (!stored) {
      await this.store.documents.insert(doc);
      return { status: 'accepted', id: doc._id };
    }
    if (sameContent(stored, built)) return { status: 'duplicate', id: stored._id };
    return { status: 'conflict', message: `a different document with source "${doc.source}" and externalId "${doc.externalId}" already exists` };
  }
}
