import { createHash } from 'node:crypto';
import { badRequest, DuplicateKeyError, notFound } from '../errors.js';
import { ulid } from '../ids.js';
import type { CorrectionActionDto, TagPatchDto } from '../api/dto/correction-dto.js';
import type { CorrectionRecord, DocumentRecord, TagRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { toTagRecord } from '../worker/process-document.js';

/** A human tag's id: its document and everything the labeler chose for it. */
function humanTagId(documentId: string, a: CorrectionActionDto): string {
  const key = [documentId, a.turnIndex ?? '', a.span?.start, a.span?.end, a.polarity, a.category, a.aspect ?? ''].join('\u0001');
  return `h${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

const pick = (t: TagRecord) => ({ aspect: t.aspect, opinion: t.opinion, polarity: t.polarity, category: t.category, span: t.span, turnIndex: t.turnIndex, source: t.source });

/**
 * Labeler corrections. Each one is kept with who/when/before/after (it is a training example and an
 * audit record); the corrected tag becomes source "human", which re-tagging never overwrites, and a
 * deleted span is remembered on the document so a later model run does not bring it back.
 */
export class CorrectionsService {
  constructor(private readonly store: Store) {}

  private async record(
    doc: DocumentRecord,
    actor: string,
    op: CorrectionRecord['op'],
    tagId: string | null,
    before: TagRecord | null,
    after: TagRecord | null,
    confirmed?: CorrectionRecord['confirmed'],
  ) {
    await this.store.corrections.insert({
      _id: ulid(),
      tenant: doc.tenant,
      documentId: doc._id,
      tagId,
      op,
      before: before ? pick(before) : null,
      after: after ? pick(after) : null,
      actor,
      at: new Date(),
      ...(confirmed ? { confirmed } : {}),
    });
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
    if (!tag) throw notFound('tag');
    const doc = await this.store.documents.findForTenant(tenant, tag.documentId);
    if (!doc) throw notFound('tag');
    return this.update(doc, tag, patch, actor);
  }

  private async update(doc: DocumentRecord, tag: TagRecord, patch: TagPatchDto, actor: string): Promise<TagRecord> {
    const fields: Partial<TagRecord> = { source: 'human', confidence: 1, updatedAt: new Date() };
    if (patch.polarity) fields.polarity = patch.polarity;
    if (patch.category) fields.category = patch.category;
    if (patch.aspect !== undefined) {
      fields.aspect = patch.aspect;
      // the machine's canonical bucket belonged to the old aspect
      fields.canonicalAspect = null;
    }
    await this.store.tags.update(tag._id, fields);
    const after = { ...tag, ...fields };
    await this.record(doc, actor, 'update', tag._id, tag, after);
    await this.refresh(doc);
    return after;
  }

  async apply(tenant: string, documentId: string, actions: CorrectionActionDto[], actor: string): Promise<void> {
    const doc = await this.store.documents.findForTenant(tenant, documentId);
    if (!doc) throw notFound('document');
    if (doc.status !== 'done') throw badRequest(`document is ${doc.status}; corrections apply to tagged documents`, [{ field: 'documentId', message: doc.status }]);
    // Validate every action before applying any, so a bad request changes nothing.
    const tags = new Map<number, TagRecord>();
    for (const [i, a] of actions.entries()) {
      if (a.op === 'update' || a.op === 'delete') tags.set(i, await this.ownTag(doc, a.tagId, i));
      if (a.op === 'add') this.sourceText(doc, a, i);
    }
    for (const [i, a] of actions.entries()) {
      if (a.op === 'accept') {
        // The machine tags still on the document when it is accepted are the ones the labeler confirmed:
        // the model's right answers, which retraining is judged on next to its wrong ones (corrections).
        const machine = (await this.store.tags.byDocument(doc._id)).filter((t) => t.source !== 'human');
        const confirmed = machine.map((t) => ({ tagId: t._id, polarity: t.polarity, category: t.category }));
        await this.record(doc, actor, 'accept', null, null, null, confirmed);
      } else if (a.op === 'update') {
        await this.update(doc, tags.get(i)!, a, actor);
      } else if (a.op === 'delete') {
        const tag = tags.get(i)!;
        await this.store.tags.deleteWhere({ _id: tag._id });
        doc.suppressed = [...doc.suppressed, { turnIndex: tag.turnIndex, ...tag.span }];
        await this.store.documents.update(doc._id, { $set: { suppressed: doc.suppressed } });
        await this.record(doc, actor, 'delete', tag._id, tag, null);
      } else {
        const text = this.sourceText(doc, a, i);
        const span = a.span!;
        const tag: TagRecord = {
          ...toTagRecord(
            doc,
            doc.modelVersion ?? 'human',
            {
              aspect: a.aspect ?? null,
              opinion: text.slice(span.start, span.end),
              polarity: a.polarity!,
              category: a.category!,
              span: { start: span.start, end: span.end },
              opinionSpan: { start: span.start, end: span.end },
              sentence: text,
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
        if (await this.store.tags.findForTenant(doc.tenant, tag._id)) continue;
        try {
          await this.store.tags.insert(tag);
        } catch (err) {
          // the same add running concurrently got there first
          if (err instanceof DuplicateKeyError) continue;
          throw err;
        }
        await this.record(doc, actor, 'add', tag._id, null, tag);
      }
    }
    await this.refresh(doc);
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
        throw badRequest(`${field}.turnIndex names a ${turn.speaker} turn; only customer turns carry opinions`, [{ field: `${field}.turnIndex`, message: 'not a customer turn' }]);
      }
      text = turn.text;
    } else {
      text = doc.text;
    }
    const span = a.span!;
    if (text === null || span.end <= span.start || span.end > text.length) {
      throw badRequest(`${field}.span must lie inside the text (length ${text?.length ?? 0})`, [{ field: `${field}.span`, message: 'out of range' }]);
    }
    return text;
  }

  private async refresh(doc: DocumentRecord): Promise<void> {
    // Erased (right to erasure, retention) since this correction read it: the tag and the correction
    // record written after that carry the customer's words, and with the document gone nothing else
    // would ever find them.
    if (!(await this.store.documents.findById(doc._id))) {
      await this.store.tags.deleteWhere({ documentId: doc._id });
      await this.store.corrections.deleteWhere({ documentId: doc._id });
      throw notFound('document');
    }
    const tags = await this.store.tags.byDocument(doc._id);
    await this.store.documents.update(doc._id, {
      $set: {
        reviewed: true,
        tagCount: tags.length,
        minConfidence: tags.length > 0 ? Math.min(...tags.map((t) => t.confidence)) : null,
        updatedAt: new Date(),
      },
    });
  }
}
