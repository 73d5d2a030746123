import { useRef, useState } from 'react';
import { api, type Action, type Doc, type Polarity } from './api';
import { primeDoc } from './doc-cache';
import { selectionInUntaggable, selectionOffsets } from './highlighted-text';
import type { PickedSpan } from './span-pick';

/**
 * The new-tag form: `span` is what the taps (or a mouse selection) chose so far; `untaggable`: the
 * last selection was in an agent or system turn, which cannot carry tags.
 */
export type AddState = null | { span: PickedSpan | null; untaggable?: boolean };

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
  const body = useRef<HTMLDivElement>(null);

  const send = async (actions: Action[]) => {
    if (!doc) return;
    on.starting?.();
    setBusy(true);
    setSaveError(null);
    try {
      const next = await api.correct(doc.id, actions);
      primeDoc(next);
      setFresh(next);
      setAdding(null);
      if (!next.tags.some((x) => x.id === selectedId)) setSelectedId(null);
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

  // A mouse drag still works: a non-empty selection becomes the span; a tap leaves it to the characters.
  const takeSelection = () => {
    const sel = selectionOffsets(body.current);
    if (sel) setAdding({ span: { ...sel, complete: true } });
    else if (selectionInUntaggable(body.current)) setAdding({ span: null, untaggable: true });
    return !!sel;
  };

  return { doc, busy, saveError, setSaveError, adding, setAdding, selectedId, setSelectedId, categoryFor, setCategoryFor, body, send, addTag, takeSelection };
}
