import { createHash } from 'node:crypto';
import { badRequest, conflict, DuplicateKeyError, notFound } from '../errors.js';
import { ulid } from '../ids.js';
import { OP_FIELDS, type CorrectionActionDto, type TagPatchDto } from '../api/dto/correction-dto.js';
import { asciiLower, aspectJoinsOpinion, aspectKey, canonicalAspectOf, implicitAspectOf } from '../nlp/aspect-lookup.js';
import { docSentiment } from '../nlp/analyzer.js';
import { splitClauses } from '../nlp/clauses.js';
import { customerParts } from '../nlp/customer-parts.js';
import { buildExtractLexicon, type ExtractLexicon } from '../nlp/extract.js';
import { loadLexicon, type Lexicon } from '../nlp/lexicon.js';
import { normalizeText, toOriginal } from '../nlp/normalize.js';
import { maskPii } from '../nlp/pii.js';
import type { DocSentiment, LexiconOverrides, PiiPolicy, Span } from '../nlp/types.js';
import type { CorrectionRecord, DocumentRecord, TagRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { machineTagsDigest, toTagRecord } from '../worker/process-document.js';
import { tagsVersion } from './tags-version.js';
import { documentEditKey, EditLease, type EditLeaseOptions } from './edit-lease.js';

/** A human tag's id: its document and everything the labeler chose for it. */
function humanTagId(documentId: string, a: CorrectionActionDto): string {
  const key = [documentId, a.turnIndex ?? '', a.span?.start, a.span?.end, a.polarity, a.category, a.aspect ?? ''].join('\u0001');
  return `h${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

// Strictly increasing within the process: a request may correct one tag twice in a millisecond, and a
// revert undoes the latest correction of a tag by id order.
let lastIdMs = 0;
function correctionId(): string {
  lastIdMs = Math.max(Date.now(), lastIdMs + 1);
  return ulid(lastIdMs);
}

const pick = (t: Partial<TagRecord>) => ({ aspect: t.aspect, opinion: t.opinion, polarity: t.polarity, category: t.category, span: t.span, turnIndex: t.turnIndex, source: t.source });

/** What corrections need of the analyzer's configuration: the clause splitter's lexicon and the taxonomy. */
export interface CorrectionsNlp {
  lexiconDir: string;
  /** The tenant's taxonomy additions (PUT /v1/taxonomy): they group aspects in the pipeline too. */
  overridesFor: (tenant: string) => Promise<LexiconOverrides | null>;
  /**
   * The tenant's PII policy, applied to what a labeler types (an aspect) as ingest applies it to the
   * text: a number copied from the original ticket must not reach tags, exports and webhooks unmasked.
   * Absent: typed text is stored as given (tests that do not exercise PII).
   */
  pii?: (tenant: string) => Promise<{ policy: PiiPolicy; secret: string }>;
}

// What may stand between an aspect and the words judging it in a labeler's span (工作人员，态度差).
const SEPARATOR = /[\s\p{P}]/u;
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
/** An offset between the two UTF-16 halves of one character (an emoji, a CJK extension B character). */
const splitsPair = (text: string, pos: number) => pos > 0 && pos < text.length && isHigh(text.charCodeAt(pos - 1)) && isLow(text.charCodeAt(pos));

function trimSeparators(text: string, start: number, end: number): Span {
  while (start < end && SEPARATOR.test(text[start]!)) start++;
  while (end > start && SEPARATOR.test(text[end - 1]!)) end--;
  return { start, end };
}

const slice = (text: string, s: Span) => text.slice(s.start, s.end);

/**
 * The last text normalized and split, with its result, while one request's corrections are applied: its
 * adds are on one document, and each used to normalize and split the whole text again (100 adds on a
 * 19k-character document held the event loop for 3.25 s, security review 2026-11-29).
 */
let lastSplit: { lex: Lexicon; text: string; n: ReturnType<typeof normalizeText>; clauses: ReturnType<typeof splitClauses> } | null = null;

function forgetSplit(): void {
  lastSplit = null;
}

function splitOnce(lex: Lexicon, text: string): { n: ReturnType<typeof normalizeText>; clauses: ReturnType<typeof splitClauses> } {
  if (lastSplit?.lex !== lex || lastSplit.text !== text) {
    const n = normalizeText(text);
    lastSplit = { lex, text, n, clauses: splitClauses(n, lex) };
  }
  return lastSplit;
}

/**
 * The clauses of the customer's words that `region` (stored offsets into `text`) lies in, as one range,
 * and every place `aspect` is written inside them. The text is split as the pipeline splits it
 * (customer parts without merchant replies, normalized, splitClauses), so a human tag's `sentence` is
 * the same kind of text retraining sees for machine tags. Aspects match on the normalized form, as the
 * taxonomy does: 网络 is found in 網絡.
 */
function clauseAround(lex: Lexicon, doc: DocumentRecord, text: string, turnIndex: number | null, region: Span, aspect: string | null): { clause: Span; aspectAt: Span[] } {
  const parts = turnIndex !== null ? [{ text, offset: 0 }] : customerParts({ kind: doc.kind, text });
  const part = parts.find((p) => p.offset <= region.start && region.start < p.offset + p.text.length) ?? { text, offset: 0 };
  const { n, clauses } = splitOnce(lex, part.text);
  const stored = (s: number, e: number): Span => {
    const o = toOriginal(n, s, e);
    return { start: o.start + part.offset, end: o.end + part.offset };
  };
  const around = clauses
    .map((c) => stored(c.start, c.end))
    .filter((c) => c.start < region.end && region.start < c.end);
  // a span on nothing the splitter keeps (an emoji alone) is its own sentence
  const clause = around.length ? { start: around[0]!.start, end: around[around.length - 1]!.end } : region;
  const aspectAt: Span[] = [];
  const key = aspect === null ? '' : aspectKey(aspect);
  if (key) {
    const lc = asciiLower(n.text);
    for (let i = lc.indexOf(key); i >= 0; i = lc.indexOf(key, i + 1)) {
      const at = stored(i, i + key.length);
      if (at.start >= Math.min(clause.start, region.start) && at.end <= Math.max(clause.end, region.end)) aspectAt.push(at);
    }
  }
  return { clause, aspectAt };
}

/**
 * Aspect and opinion the way the analyzer stores them: the opinion never contains its aspect (the label
 * is aspect + opinion), and aspectSpan points at the aspect in the text. An aspect written inside the
 * region is cut out of the opinion (the words after it, else before it); otherwise the nearest mention
 * in the clause is pointed at. Null when the region holds nothing but the aspect.
 */
function place(text: string, region: Span, aspectAt: Span[]): { aspectSpan: Span | null; opinionSpan: Span } | null {
  const inside = aspectAt.find((a) => region.start <= a.start && a.end <= region.end);
  if (inside) {
    const after = trimSeparators(text, inside.end, region.end);
    if (after.end > after.start) return { aspectSpan: inside, opinionSpan: after };
    const before = trimSeparators(text, region.start, inside.start);
    if (before.end > before.start) return { aspectSpan: inside, opinionSpan: before };
    return null;
  }
  const distance = (a: Span) => (a.end <= region.start ? region.start - a.end : a.start - region.end);
  // on a tie the mention before the opinion wins: Chinese puts the topic first
  const near = aspectAt
    .filter((a) => a.end <= region.start || a.start >= region.end)
    .reduce<Span | null>((best, a) => (!best || distance(a) < distance(best) ? a : best), null);
  return { aspectSpan: near, opinionSpan: region };
}

/** The analyzer's tag span: aspect and opinion together when only a short connective (也, V得) separates them. */
function tagSpan(text: string, aspectSpan: Span | null, opinionSpan: Span): Span {
  if (aspectSpan && aspectSpan.end <= opinionSpan.start && aspectJoinsOpinion(text.slice(aspectSpan.end, opinionSpan.start))) {
    return { start: aspectSpan.start, end: opinionSpan.end };
  }
  return opinionSpan;
}

/**
 * Labeler corrections. Each one is kept with who/when/before/after (it is a training example and an
 * audit record); the corrected tag becomes source "human", which re-tagging never overwrites, and a
 * deleted span is remembered on the document so a later model run does not bring it back.
 */
export class CorrectionsService {
  private lexicon: Lexicon | null = null;
  private readonly taxonomies = new Map<string, ExtractLexicon>();
  // One change at a time per document, across every API process on the store: a correction validates
  // against the tags it reads, then writes; two requests interleaving (the same delete sent twice, a
  // revert while a correction applies, the two landing on different replicas) would both pass validation
  // and log the change twice.
  private readonly perDocument: EditLease;

  constructor(
    private readonly store: Store,
    private readonly nlp: CorrectionsNlp,
    lease: Partial<EditLeaseOptions> = {},
  ) {
    this.perDocument = new EditLease(store.editLocks, lease);
  }

  // Loaded on first use: processes that never take a correction do not hold a copy.
  private lex(): Lexicon {
    return (this.lexicon ??= loadLexicon(this.nlp.lexiconDir));
  }

  private async taxonomyFor(tenant: string): Promise<ExtractLexicon> {
    const aspects = (await this.nlp.overridesFor(tenant))?.aspects;
    const key = JSON.stringify(aspects ?? {});
    let x = this.taxonomies.get(key);
    if (!x) {
      // only the aspect lookup reads it, so the tenant's sentiment words are left out
      x = buildExtractLexicon(this.lex(), undefined, aspects);
      if (this.taxonomies.size > 32) this.taxonomies.clear();
      this.taxonomies.set(key, x);
    }
    return x;
  }

  private async record(
    doc: DocumentRecord,
    actor: string,
    op: CorrectionRecord['op'],
    tagId: string | null,
    before: Partial<TagRecord> | null,
    after: Partial<TagRecord> | null,
    extra: Pick<CorrectionRecord, 'confirmed' | 'prior' | 'reverts' | 'supersededBy'> = {},
  ): Promise<CorrectionRecord> {
    const record: CorrectionRecord = {
      _id: correctionId(),
      tenant: doc.tenant,
      documentId: doc._id,
      tagId,
      op,
      before: before ? pick(before) : null,
      after: after ? pick(after) : null,
      actor,
      at: new Date(),
      ...extra,
    };
    await this.store.corrections.insert(record);
    return record;
  }

  private async ownTag(doc: DocumentRecord, tagId: string | undefined, index: number): Promise<TagRecord> {
    const tag = tagId ? await this.store.tags.findForTenant(doc.tenant, tagId) : null;
    if (!tag || tag.documentId !== doc._id) {
      throw badRequest(`actions[${index}].tagId does not name a tag of this document`, [{ field: `actions[${index}].tagId`, message: 'unknown tag' }]);
    }
    return tag;
  }

  async patchTag(tenant: string, tagId: string, patch: TagPatchDto, actor: string): Promise<TagRecord> {
    const tag = await this.store.tags.findForTenant(tenant, tagId);
    try {
      // patchOne reads the tag again once it holds its document
      return await this.perDocument.run(documentEditKey(tag?.documentId ?? `tag:${tagId}`), 'tagId', () => this.patchOne(tenant, tagId, patch, actor));
    } finally {
      forgetSplit();
    }
  }

  private async patchOne(tenant: string, tagId: string, patch: TagPatchDto, actor: string): Promise<TagRecord> {
    requireChange(patch, null);
    const tag = await this.store.tags.findForTenant(tenant, tagId);
    if (!tag) throw notFound('tag');
    const doc = await this.store.documents.findForTenant(tenant, tag.documentId);
    if (!doc) throw notFound('tag');
    requireTagged(doc);
    const fields = await this.changes(doc, tag, patch, null);
    await this.markReviewed(doc);
    const after = await this.update(doc, tag, fields, actor, await this.store.corrections.byDocument(doc._id));
    await this.refresh(doc);
    return after;
  }

  /** What an update sets; `field` names the action in errors (null: the PATCH body). */
  private async changes(doc: DocumentRecord, tag: TagRecord, patch: TagPatchDto, field: string | null): Promise<Partial<TagRecord>> {
    const fields: Partial<TagRecord> = { source: 'human', confidence: 1 };
    if (patch.polarity !== undefined) fields.polarity = patch.polarity;
    if (patch.category !== undefined) fields.category = patch.category;
    if (patch.aspect !== undefined) Object.assign(fields, await this.renamed(doc, tag, await this.masked(doc.tenant, patch.aspect ?? null), field ? `${field}.aspect` : 'aspect'));
    return fields;
  }

  /**
   * A tag under a new aspect: grouped by the pipeline's taxonomy lookup, and located in the text near
   * its opinion (the same clause) as a machine tag's aspect would be; aspectSpan is null when the clause
   * does not mention it. The opinion keeps its place.
   */
  private async renamed(doc: DocumentRecord, tag: TagRecord, aspect: string | null, field: string): Promise<Partial<TagRecord>> {
    const text = tag.turnIndex !== null ? (doc.turns?.[tag.turnIndex]?.text ?? null) : doc.text;
    const region = opinionRegion(tag, text);
    const canonicalAspect = canonicalAspectOf(await this.taxonomyFor(doc.tenant), aspect);
    if (text === null || region.end > text.length) return { aspect, canonicalAspect, aspectSpan: null };
    if (aspect === null) return { aspect, canonicalAspect, aspectSpan: null, opinionSpan: region, span: region };
    const { aspectAt } = clauseAround(this.lex(), doc, text, tag.turnIndex, region, aspect);
    const placed = place(text, region, aspectAt);
    if (!placed) {
      throw badRequest(`${field} is all the opinion says; the tag would have no opinion left`, [{ field, message: 'is the whole opinion' }]);
    }
    return {
      // as a machine tag: the aspect as the text writes it (網絡 for a labeler's 网络), where it is written
      aspect: placed.aspectSpan ? slice(text, placed.aspectSpan) : aspect,
      canonicalAspect,
      aspectSpan: placed.aspectSpan,
      opinion: slice(text, placed.opinionSpan),
      opinionSpan: placed.opinionSpan,
      span: tagSpan(text, placed.aspectSpan, placed.opinionSpan),
    };
  }

  /**
   * Logs the update, then writes the tag: the log entry keeps the tag as it was (`prior`, what a revert
   * restores), which the tag itself no longer holds once written. After a crash between the two the tag
   * still equals that entry's prior, and the request sent again writes the tag without logging it twice;
   * sent again after both writes, the tag already says what the update says, and nothing is written.
   * `log`: the document's corrections, read before this request wrote anything.
   */
  private async update(doc: DocumentRecord, tag: TagRecord, fields: Partial<TagRecord>, actor: string, log: CorrectionRecord[]): Promise<TagRecord> {
    const after = { ...tag, ...fields };
    const last = latestChange(log, tag._id);
    if ((last?.op === 'update' || last?.op === 'add') && last.after && sameContent(last.after, tag) && sameContent(tag, after)) return tag;
    // The log says the tag is deleted, but it is still there as the delete found it: a crash came before
    // the tag went, and the labeler changes it instead of deleting it again. That delete is undone first.
    if (last?.op === 'delete' && last.prior && sameContent(last.prior, tag)) {
      await this.releaseSpan(doc, last.prior, last._id);
      await this.record(doc, actor, 'revert', tag._id, null, last.prior, { reverts: last._id });
    }
    // The log says an update is in effect, but the tag is still what it found: a crash came between its
    // entry and its write (or between an undo's write and its entry).
    const unwritten = last?.op === 'update' && last.prior && last.after && sameContent(last.prior, tag) && !sameContent(last.after, tag) ? last : null;
    // This request again: its entry stands, and only the tag is written.
    const sentAgain = unwritten !== null && sameContent(unwritten.after!, after);
    if (!sentAgain) {
      // Another change instead: the unwritten one never took effect, and is logged as undone so that
      // retraining, the export and undo do not take it for the tag's state.
      if (unwritten) await this.record(doc, actor, 'revert', tag._id, unwritten.after, unwritten.prior!, { reverts: unwritten._id });
      await this.record(doc, actor, 'update', tag._id, tag, after, { prior: tag });
    }
    const set = { ...fields, updatedAt: new Date() };
    await this.store.tags.update(tag._id, set);
    return { ...after, ...set };
  }

  /** `seen`: the document's tagsVersion as the labeler loaded it, if the client sent it (checked under the document's lease). */
  async apply(tenant: string, documentId: string, actions: CorrectionActionDto[], actor: string, seen?: string): Promise<void> {
    try {
      await this.perDocument.run(documentEditKey(documentId), 'documentId', () => this.applyActions(tenant, documentId, actions, actor, seen));
    } finally {
      // the split text is the customer's: not kept past the request (an erasure may follow)
      forgetSplit();
    }
  }

  private async applyActions(tenant: string, documentId: string, actions: CorrectionActionDto[], actor: string, seen?: string): Promise<void> {
    const doc = await this.store.documents.findForTenant(tenant, documentId);
    if (!doc) throw notFound('document');
    requireTagged(doc);
    // A document stays open in the console while a re-tag (every promotion starts one) or another
    // labeler changes its tags: an accept would then confirm tags the labeler never saw, and an update
    // name a tag that is gone. The lease is held, so nothing changes the tags between this read and the writes.
    if (seen !== undefined && seen !== tagsVersion(await this.store.tags.byDocument(doc._id))) {
      throw conflict('the document\'s tags changed since it was loaded (re-tagged, or corrected by someone else): load it again and check them', [
        { field: 'tagsVersion', message: 'tags changed since loaded' },
      ]);
    }
    // Validate every action, and work out what it writes, before applying any, so a bad request changes nothing.
    const tags = new Map<number, TagRecord>();
    const updates = new Map<number, Partial<TagRecord>>();
    const adds = new Map<number, TagRecord>();
    // Which action of this request changes each tag: a second change of the same tag (update then delete,
    // the same delete twice, an update of a tag an earlier add replaces) would log a change whose `prior`
    // is not what the tag was, and a revert would then restore the wrong thing.
    const changedBy = new Map<string, number>();
    const claim = (tagId: string, i: number) => {
      const earlier = changedBy.get(tagId);
      if (earlier !== undefined) {
        const field = `actions[${i}].tagId`;
        throw badRequest(`${field} names a tag actions[${earlier}] of this request already changes or replaces; send one action per tag`, [
          { field, message: `changed by actions[${earlier}]` },
        ]);
      }
      changedBy.set(tagId, i);
    };
    for (const [i, a] of actions.entries()) {
      refuseOtherFields(a, i);
      if (a.op === 'update') requireChange(a, `actions[${i}]`);
      if (a.op === 'update' || a.op === 'delete') {
        tags.set(i, await this.ownTag(doc, a.tagId, i));
        claim(tags.get(i)!._id, i);
      }
      if (a.op === 'update') updates.set(i, await this.changes(doc, tags.get(i)!, a, `actions[${i}]`));
      if (a.op === 'add') {
        adds.set(i, await this.added(doc, a, i));
        // the tags it will replace; one an earlier action changes is replaced as that action leaves it
        for (const old of await this.overlapped(doc, adds.get(i)!)) if (!changedBy.has(old._id)) changedBy.set(old._id, i);
      }
    }
    await this.markReviewed(doc);
    // What earlier requests logged: a request sent again after a crash finishes what its first attempt
    // left half-done (see the add below and remove()) instead of logging it twice.
    const log = await this.store.corrections.byDocument(doc._id);
    for (const [i, a] of actions.entries()) {
      if (a.op === 'accept') {
        // The machine tags still on the document when it is accepted are the ones the labeler confirmed:
        // the model's right answers, which retraining is judged on next to its wrong ones (corrections).
        const machine = (await this.store.tags.byDocument(doc._id)).filter((t) => t.source !== 'human');
        const confirmed = machine.map((t) => ({ tagId: t._id, polarity: t.polarity, category: t.category, sentence: t.sentence, turnIndex: t.turnIndex ?? null }));
        await this.record(doc, actor, 'accept', null, null, null, { confirmed });
      } else if (a.op === 'update') {
        const tag = tags.get(i)!;
        // an earlier action of this request may have changed it
        await this.update(doc, (await this.store.tags.findForTenant(doc.tenant, tag._id)) ?? tag, updates.get(i)!, actor, log);
      } else if (a.op === 'delete') {
        await this.remove(doc, tags.get(i)!, actor, log);
      } else {
        const tag = adds.get(i)!;
        let existed = (await this.store.tags.findForTenant(doc.tenant, tag._id)) !== null;
        if (!existed) {
          try {
            await this.store.tags.insert(tag);
          } catch (err) {
            if (!(err instanceof DuplicateKeyError)) throw err;
            existed = true;
          }
        }
        // The tag is written first, then logged, then the tags it replaces go. A tag already there is
        // this add sent again: done before if its add is in the log; otherwise a crash came between, and
        // the log entry and the replacing are finished now (they left the complaint counted twice).
        const last = latestChange(log, tag._id);
        if (!existed || (last?.op !== 'add' && last?.op !== 'update')) await this.record(doc, actor, 'add', tag._id, null, tag);
        // The labeler's tag is the verdict on those words: a machine tag it overlaps (一直识别不了 under
        // U盾一直识别不了), or an earlier added tag on exactly its span, would count the same complaint twice,
        // under two categories, until the next re-tag. Each goes as a delete of its own (revertable; the
        // add's revert brings them back), marked as superseded, so training does not read it as "no
        // opinion here".
        for (const old of await this.overlapped(doc, tag)) await this.remove(doc, old, actor, log, tag._id);
      }
    }
    await this.refresh(doc);
  }

  /**
   * Undoes the latest correction of `tagId` still in effect on this document (an update, add or delete;
   * an accept is a verdict on the whole document and stays): the tag returns to what it was before, as
   * the model wrote it if it was a machine tag (source, confidence, model version), a deleted span is
   * no longer kept from the model, and a document left with no correction in effect is unreviewed
   * again, back in the labeling queue. The undone correction stays in the log next to a `revert`
   * naming it; retraining and the corrections export skip both, and a tag back at source model/rule is
   * no labeler's example. Only the key that made the correction may undo it, and only while the
   * document has not been re-tagged since (the machine tags it would restore are gone then).
   */
  async revert(tenant: string, documentId: string, tagId: string, actor: string): Promise<CorrectionRecord> {
    return this.perDocument.run(documentEditKey(documentId), 'documentId', () => this.revertOne(tenant, documentId, tagId, actor));
  }

  private async revertOne(tenant: string, documentId: string, tagId: string, actor: string): Promise<CorrectionRecord> {
    const doc = await this.store.documents.findForTenant(tenant, documentId);
    if (!doc) throw notFound('document');
    requireTagged(doc);
    const log = await this.store.corrections.byDocument(doc._id);
    const undone = undoneIds(log);
    const target = latestChange(log, tagId);
    const refuse = (message: string, detail: string) => conflict(message, [{ field: 'tagId', message: detail }]);
    if (!target) throw refuse('tagId names no correction of this document that is still in effect', 'nothing to undo');
    if (target.actor !== actor) throw refuse('the latest correction of this tag was made with another key; only that key can undo it', 'changed by another key');
    if (doc.processedAt && new Date(doc.processedAt) > new Date(target.at)) {
      throw refuse('the document was re-tagged after this correction; the tags it replaced are gone', 're-tagged since');
    }
    const current = await this.store.tags.findForTenant(tenant, tagId);
    // Each branch changes the tags first and logs the revert last, in steps that can run again: a revert
    // sent again after a crash still finds its target in effect and finishes what is left.
    if (target.op === 'add') {
      // Already gone: only a revert cut short removes an added tag while its add is in effect (a later
      // add on its span logs a delete of it, and a re-tag or an erasure is refused above).
      if (current) await this.store.tags.deleteWhere({ _id: current._id });
      // the tags the add replaced come back with it
      const restored: CorrectionRecord[] = [];
      for (const d of log.filter((c) => c.op === 'delete' && c.supersededBy === tagId && c.prior && !undone.has(c._id))) {
        if (await this.restore(doc, d.prior!, d._id)) restored.push(await this.record(doc, actor, 'revert', d.tagId, null, d.prior!, { reverts: d._id }));
      }
      const record = await this.record(doc, actor, 'revert', tagId, current ?? target.after, null, { reverts: target._id });
      await this.refresh(doc, reviewedBy([...log, ...restored, record]));
      return record;
    }
    const prior = target.prior;
    if (!prior) throw refuse('this correction was recorded before corrections kept the tag they changed; change the tag back by hand', 'recorded without the tag it changed');
    if (target.op === 'update') {
      if (!current) throw refuse('the corrected tag is gone', 'gone');
      const { _id: _, ...fields } = prior;
      // updatedAt moves on: the content is the machine's again, but it was written now
      await this.store.tags.update(current._id, { ...fields, updatedAt: new Date() });
    } else if (!(await this.restore(doc, prior, target._id))) {
      throw refuse('the deleted tag exists again', 'exists');
    }
    const record = await this.record(doc, actor, 'revert', tagId, current, prior, { reverts: target._id });
    await this.refresh(doc, reviewedBy([...log, record]));
    return record;
  }

  /**
   * Logs the delete, keeps its span from the model, then deletes the tag: the tag goes last, so after a
   * crash anywhere in between it is still there with its delete in effect (`log`, read before this
   * request wrote anything), and the request sent again finishes that delete instead of logging another.
   */
  private async remove(doc: DocumentRecord, tag: TagRecord, actor: string, log: CorrectionRecord[], supersededBy?: string): Promise<void> {
    const last = latestChange(log, tag._id);
    const record = last?.op === 'delete' ? last : await this.record(doc, actor, 'delete', tag._id, tag, null, { prior: tag, ...(supersededBy ? { supersededBy } : {}) });
    if (!doc.suppressed.some((x) => x.correctionId === record._id)) {
      doc.suppressed = [...doc.suppressed, { turnIndex: tag.turnIndex, start: tag.span.start, end: tag.span.end, correctionId: record._id }];
      await this.store.documents.update(doc._id, { $set: { suppressed: doc.suppressed } });
    }
    await this.store.tags.deleteWhere({ _id: tag._id });
  }

  /** The tags an added tag replaces: machine tags it overlaps in its turn, and labelers' tags on exactly its span. */
  private async overlapped(doc: DocumentRecord, added: TagRecord): Promise<TagRecord[]> {
    const same = (t: TagRecord) => (t.turnIndex ?? null) === (added.turnIndex ?? null) && t._id !== added._id;
    const overlaps = (t: TagRecord) => t.span.start < added.span.end && added.span.start < t.span.end;
    const exact = (t: TagRecord) => t.span.start === added.span.start && t.span.end === added.span.end;
    return (await this.store.tags.byDocument(doc._id)).filter((t) => same(t) && (t.source === 'human' ? exact(t) : overlaps(t)));
  }

  /**
   * Puts a deleted tag back and lets the model tag its span again (`deleteId`: the delete undone). The tag
   * already there as it was deleted is this restore cut short by a crash, or its delete cut short before
   * the tag went (remove()): the span is released all the same. False when another tag holds its id.
   */
  private async restore(doc: DocumentRecord, prior: TagRecord, deleteId: string): Promise<boolean> {
    try {
      await this.store.tags.insert({ ...prior, updatedAt: new Date() });
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const there = await this.store.tags.findForTenant(doc.tenant, prior._id);
      if (!there || !sameContent(there, prior)) return false;
    }
    await this.releaseSpan(doc, prior, deleteId);
    return true;
  }

  /** Lets the model tag a deleted tag's span again (`deleteId`: the delete undone). */
  private async releaseSpan(doc: DocumentRecord, prior: TagRecord, deleteId: string): Promise<void> {
    // the span was kept from the model for this delete only: its own entry, or (entries from before they
    // named their delete) one on the same span
    const own = doc.suppressed.findIndex((x) => x.correctionId === deleteId);
    const at = own >= 0 ? own : doc.suppressed.findIndex((x) => !x.correctionId && x.turnIndex === prior.turnIndex && x.start === prior.span.start && x.end === prior.span.end);
    if (at >= 0) {
      doc.suppressed = doc.suppressed.filter((_, i) => i !== at);
      await this.store.documents.update(doc._id, { $set: { suppressed: doc.suppressed } });
    }
  }

  /** What a labeler typed, under the tenant's PII policy (masked, hashed or kept, as the document's text was). */
  private async masked(tenant: string, typed: string | null): Promise<string | null> {
    // surrounding spaces are never part of an aspect, and one before = would slip past the CSV formula guard
    const trimmed = typed === null ? null : typed.trim() || null;
    if (trimmed === null || !this.nlp.pii) return trimmed;
    const { policy, secret } = await this.nlp.pii(tenant);
    return maskPii(trimmed, policy, { hashSecret: secret }).text;
  }

  /** The tag an `add` creates, stored as the analyzer stores its own (see place and clauseAround). */
  private async added(doc: DocumentRecord, typed: CorrectionActionDto, i: number): Promise<TagRecord> {
    // the aspect as the text would hold it: a typed phone number finds its masked mention in the text
    const a: CorrectionActionDto = typed.aspect == null ? typed : { ...typed, aspect: (await this.masked(doc.tenant, typed.aspect)) ?? undefined };
    const field = `actions[${i}]`;
    const text = this.sourceText(doc, a, i);
    const span = { start: a.span!.start, end: a.span!.end };
    const turnIndex = a.turnIndex ?? null;
    const { clause, aspectAt } = clauseAround(this.lex(), doc, text, turnIndex, span, a.aspect ?? null);
    const placed = place(text, span, aspectAt);
    if (!placed) {
      throw badRequest(`${field}.span holds only the aspect; include the words that judge it`, [{ field: `${field}.span`, message: 'holds only the aspect' }]);
    }
    const aspect = placed.aspectSpan ? slice(text, placed.aspectSpan) : (a.aspect ?? null);
    return {
      ...toTagRecord(
        doc,
        doc.modelVersion ?? 'human',
        {
          aspect,
          // no aspect named: the target the opinion implies in the tag's category, as the pipeline does
          canonicalAspect:
            aspect !== null
              ? canonicalAspectOf(await this.taxonomyFor(doc.tenant), aspect)
              : implicitAspectOf(await this.taxonomyFor(doc.tenant), slice(text, placed.opinionSpan), a.category!),
          opinion: slice(text, placed.opinionSpan),
          polarity: a.polarity!,
          category: a.category!,
          // what the labeler marked, as marked: it is also what this tag keeps the model off
          span,
          aspectSpan: placed.aspectSpan,
          opinionSpan: placed.opinionSpan,
          sentence: slice(text, clause),
          ...(a.turnIndex !== undefined ? { turnIndex: a.turnIndex } : {}),
          confidence: 1,
          source: 'rule',
        },
        new Date(),
      ),
      // Keyed by what the labeler added, not by model version (so never colliding with a machine
      // tag): a retried request, or the same add sent twice, finds its tag instead of a duplicate.
      _id: humanTagId(doc._id, a),
      source: 'human',
    };
  }

  private sourceText(doc: DocumentRecord, a: CorrectionActionDto, i: number): string {
    const field = `actions[${i}]`;
    let text: string | null;
    if (doc.kind === 'transcript') {
      if (a.turnIndex === undefined) throw badRequest(`${field}.turnIndex is required for transcripts`, [{ field: `${field}.turnIndex`, message: 'required' }]);
      const turn = doc.turns?.[a.turnIndex];
      if (!turn) throw badRequest(`${field}.turnIndex is out of range`, [{ field: `${field}.turnIndex`, message: 'out of range' }]);
      // opinions are the customer's: an agent's or the system's words are never tagged (README, transcripts)
      if (turn.speaker !== 'customer') {
        throw badRequest(`${field}.turnIndex names ${turn.speaker === 'agent' ? 'an' : 'a'} ${turn.speaker} turn; only customer turns carry opinions`, [{ field: `${field}.turnIndex`, message: 'not a customer turn' }]);
      }
      text = turn.text;
    } else {
      // a stored turnIndex would make the tag point into turns this document does not have
      if (a.turnIndex !== undefined) {
        throw badRequest(`${field}.turnIndex is for transcripts only; spans of a ${doc.kind} index into its text`, [{ field: `${field}.turnIndex`, message: 'transcripts only' }]);
      }
      text = doc.text;
    }
    const span = a.span!;
    if (text === null || span.end <= span.start || span.end > text.length) {
      throw badRequest(`${field}.span must lie inside the text (length ${text?.length ?? 0})`, [{ field: `${field}.span`, message: 'out of range' }]);
    }
    // Half an emoji is not text: stored, it reads back as U+FFFD in labels and exports.
    if (splitsPair(text, span.start) || splitsPair(text, span.end)) {
      throw badRequest(`${field}.span cuts a character in two (an emoji is two UTF-16 code units); move start/end off the middle of it`, [
        { field: `${field}.span`, message: 'splits a character' },
      ]);
    }
    const words = trimSeparators(text, span.start, span.end);
    if (words.end <= words.start) {
      throw badRequest(`${field}.span holds only spaces and punctuation`, [{ field: `${field}.span`, message: 'holds no words' }]);
    }
    return text;
  }

  /**
   * Before any tag changes: a reader (the labeling queue, a client polling the document) must never see
   * a labeler's change on a document that still says it is unreviewed. refresh() settles the rest.
   */
  private async markReviewed(doc: DocumentRecord): Promise<void> {
    if (!doc.reviewed) await this.store.documents.update(doc._id, { $set: { reviewed: true } });
  }

  private async refresh(doc: DocumentRecord, reviewed = true): Promise<void> {
    // Erased (right to erasure, retention) since this correction read it: the tag and the correction
    // record written after that carry the customer's words, and with the document gone nothing else
    // would ever find them.
    // Gone from the embedded store's files too, as the erasure's own deletions are (PrivacyService).
    if (!(await this.store.documents.findById(doc._id))) {
      const removed = (await this.store.tags.deleteWhere({ documentId: doc._id })) + (await this.store.corrections.deleteWhere({ documentId: doc._id }));
      if (removed > 0) await this.store.engine.compact?.(['tags', 'corrections']);
      throw notFound('document');
    }
    const tags = await this.store.tags.byDocument(doc._id);
    await this.store.documents.update(doc._id, {
      $set: {
        reviewed,
        // the machine tags as the labeler leaves them: a later re-tag that says the same keeps the review
        machineDigest: machineTagsDigest(tags),
        // The routes run the document rules and routing on the stored document right after this, and
        // journeys and cases show it: they must see the corrected verdict, not the model's.
        sentiment: documentSentiment(doc, tags),
        tagCount: tags.length,
        minConfidence: tags.length > 0 ? Math.min(...tags.map((t) => t.confidence)) : null,
        updatedAt: new Date(),
      },
    });
  }
}

/** The latest change of a tag (add, update or delete) that no revert undid, if any. */
function latestChange(log: CorrectionRecord[], tagId: string): CorrectionRecord | undefined {
  const undone = undoneIds(log);
  return log
    .filter((c) => c.tagId === tagId && (c.op === 'add' || c.op === 'update' || c.op === 'delete') && !undone.has(c._id))
    .reduce<CorrectionRecord | undefined>((latest, c) => (!latest || c._id > latest._id ? c : latest), undefined);
}

/** Whether two versions of a tag say the same, in what a correction's log entry keeps of a tag (pick). */
function sameContent(a: Partial<TagRecord>, b: Partial<TagRecord>): boolean {
  return (
    a.aspect === b.aspect &&
    a.opinion === b.opinion &&
    a.polarity === b.polarity &&
    a.category === b.category &&
    a.span?.start === b.span?.start &&
    a.span?.end === b.span?.end &&
    (a.turnIndex ?? null) === (b.turnIndex ?? null) &&
    a.source === b.source
  );
}

/** Corrections a later `revert` undid. */
function undoneIds(log: CorrectionRecord[]): Set<string> {
  return new Set(log.flatMap((c) => (c.op === 'revert' && c.reverts ? [c.reverts] : [])));
}

/** Reviewed while any labeler's verdict on the document stands: a correction or accept not undone. */
function reviewedBy(log: CorrectionRecord[]): boolean {
  const undone = undoneIds(log);
  return log.some((c) => c.op !== 'revert' && !undone.has(c._id));
}

/**
 * The document's sentiment from its current tags, as the pipeline derives it from the tags it found
 * (docSentiment). The pipeline only tags customer words, so a transcript counts customer turns only, and a
 * survey answer without a comment has none (null, shown as score-only): a labeler's accept on one made it
 * neutral.
 */
export function documentSentiment(doc: Pick<DocumentRecord, 'kind' | 'turns' | 'text'>, tags: Pick<TagRecord, 'polarity' | 'turnIndex'>[]): DocSentiment | null {
  if (doc.kind === 'survey' && doc.text === null) return null;
  const customer = doc.kind === 'transcript' ? tags.filter((t) => t.turnIndex !== null && doc.turns?.[t.turnIndex]?.speaker === 'customer') : tags;
  return docSentiment(customer);
}

/**
 * Corrections apply to a document's tags once it has some: finished, or tagged before and waiting for
 * (or in) another analysis, a re-tag or a retry. That job writes its tags under the lease corrections
 * take and keeps what they leave (labelers' tags, deleted spans), so labeling need not stop while a new
 * model re-tags the tenant. A document not yet tagged has nothing to correct.
 */
function requireTagged(doc: DocumentRecord): void {
  if (doc.status === 'done' || doc.processedAt) return;
  throw badRequest(`document is ${doc.status}; corrections apply to tagged documents`, [{ field: 'documentId', message: doc.status }]);
}

/** A field the op does not read ({op:"delete", tagId, polarity}) would be ignored without a word. */
function refuseOtherFields(a: CorrectionActionDto, i: number): void {
  const allowed: readonly string[] = OP_FIELDS[a.op];
  const extra = (Object.keys(a) as (keyof CorrectionActionDto)[]).find((k) => k !== 'op' && a[k] !== undefined && !allowed.includes(k));
  if (extra === undefined) return;
  const field = `actions[${i}].${extra}`;
  const takes = allowed.length > 0 ? `it takes ${allowed.join(', ')}` : 'it takes no other field';
  throw badRequest(`${field} does not apply to ${a.op === 'accept' || a.op === 'add' ? 'an' : 'a'} ${a.op}; ${takes}`, [{ field, message: `not a field of ${a.op}` }]);
}

/** Refuses an update that names nothing to change: it would still make the tag a labeler's correction. */
function requireChange(patch: TagPatchDto, field: string | null): void {
  if (patch.polarity !== undefined || patch.category !== undefined || patch.aspect !== undefined) return;
  const where = field ?? '(body)';
  throw badRequest(`nothing to change: ${field ?? 'the body'} names no polarity, category or aspect`, [{ field: where, message: 'nothing to change' }]);
}

/** Where a tag's opinion lies: its opinionSpan, else (older tags) its opinion found in its span. */
function opinionRegion(tag: TagRecord, text: string | null): Span {
  if (tag.opinionSpan) return tag.opinionSpan;
  const at = text === null ? -1 : text.slice(tag.span.start, tag.span.end).lastIndexOf(tag.opinion);
  return at >= 0 && tag.opinion ? { start: tag.span.start + at, end: tag.span.start + at + tag.opinion.length } : tag.span;
}
