import { useRef, useState } from 'react';
import { api, isStaleTags, type Action, type Doc, type Polarity, type Tag } from './api';
import { primeDoc } from './doc-cache';
import { selectionInUntaggable, selectionOffsets } from './highlighted-text';
import type { PickedSpan } from './span-pick';

/**
 * The new-tag form: `span` is what the taps, the keyboard (or a mouse selection) chose so far;
 * `untaggable`: the last selection was in an agent or system turn, which cannot carry tags; `keys`: it
 * was started from the keyboard (see pickingFor).
 */
export type AddState = null | { span: PickedSpan | null; untaggable?: boolean; keys?: number };

/**
 * Labeling one document, shared by the feed's cards and the document page: the selected tag, the
 * new-tag form, the category picker, and sending corrections. A correction answers with the whole
 * document, which replaces the fetched copy (`doc`) until another document is shown; `after` gets it and
 * the copy it replaced, and `starting` runs as each correction is sent.
 */
export function useCorrection(id: string, loaded: Doc | null, on: { after: (next: Doc, before: Doc) => void; starting?: () => void }) {
  const [fresh, setFresh] = useState<Doc | null>(null);
  const doc = fresh?.id === id ? fresh : loaded;
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [adding, setAdding] = useState<AddState>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [categoryFor, setCategoryFor] = useState<string | null>(null);
  // The tag the last × removed, while its 撤销 (undo) is offered.
  const [removed, setRemoved] = useState<Tag | null>(null);
  const body = useRef<HTMLDivElement>(null);

  /** Sends the actions; true when the server took them. Any new action retires the offered undo. */
  const send = async (actions: Action[]): Promise<boolean> => {
    if (!doc) return false;
    on.starting?.();
    setBusy(true);
    setSaveError(null);
    setRemoved(null);
    try {
      const next = await api.correct(doc.id, actions, doc.tagsVersion);
      primeDoc(next);
      setFresh(next);
      setAdding(null);
      if (!next.tags.some((x) => x.id === selectedId)) setSelectedId(null);
      on.after(next, doc);
      return true;
    } catch (e) {
      setSaveError(e);
      // Refused because the tags changed under the labeler: the current ones are shown, with the error
      // saying why, so the next action is taken on what is really there.
      if (isStaleTags(e)) {
        const current = await api.document(doc.id).catch(() => null);
        if (current) {
          primeDoc(current);
          setFresh(current);
          setAdding(null);
          if (!current.tags.some((x) => x.id === selectedId)) setSelectedId(null);
        }
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  /** × on a chip: deletes at once, then offers 撤销, which asks the server to undo exactly that delete. */
  const removeTag = async (tag: Tag) => {
    if (await send([{ op: 'delete', tagId: tag.id }])) setRemoved(tag);
  };

  /** The labeling queue's u for the removed tag: the tag comes back as it was (a machine tag as the model wrote it). */
  const undoRemove = async () => {
    if (!doc || !removed) return;
    const tag = removed;
    on.starting?.();
    setBusy(true);
    setSaveError(null);
    setRemoved(null);
    try {
      const next = await api.revertCorrection(doc.id, tag.id);
      primeDoc(next);
      setFresh(next);
      on.after(next, doc);
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  /** Sends the new-tag form's span as a tag with this polarity and category. */
  const addTag = (polarity: Polarity, category: string) => {
    const span = adding?.span;
    if (!span) return;
    void send([{ op: 'add', span: { start: span.start, end: span.end }, ...(span.turnIndex !== undefined ? { turnIndex: span.turnIndex } : {}), polarity, category }]);
  };

  /**
   * What a tag's action buttons (TagActions) do for this document: polarity, the category picker, delete.
   * Delete is the chip's ×: it offers 撤销 too (on a touch screen the panel is the only way to delete).
   */
  const tagActions = (tagId: string) => ({
    onPolarity: (polarity: Polarity) => void send([{ op: 'update', tagId, polarity }]),
    onCategory: () => setCategoryFor(tagId),
    onDelete: () => {
      const tag = doc?.tags.find((x) => x.id === tagId);
      if (tag) void removeTag(tag);
    },
  });

  /** The open category picker's props (CategoryPicker), or null: a changed category is sent as an update. */
  const pickedTag = categoryFor && doc ? (doc.tags.find((x) => x.id === categoryFor) ?? null) : null;
  const picker = pickedTag
    ? {
        current: pickedTag.category,
        onPick: (category: string) => {
          setCategoryFor(null);
          if (pickedTag.category !== category) void send([{ op: 'update', tagId: pickedTag.id, category }]);
        },
        onClose: () => setCategoryFor(null),
      }
    : null;

  // A mouse drag still works: a non-empty selection becomes the span; a tap leaves it to the characters.
  const takeSelection = () => {
    const sel = selectionOffsets(body.current);
    if (sel) setAdding({ span: { ...sel, complete: true } });
    else if (selectionInUntaggable(body.current)) setAdding({ span: null, untaggable: true });
    return !!sel;
  };

  return { doc, busy, saveError, setSaveError, adding, setAdding, selectedId, setSelectedId, body, send, addTag, tagActions, picker, takeSelection, removed, removeTag, undoRemove, dismissUndo: () => setRemoved(null) };
}
