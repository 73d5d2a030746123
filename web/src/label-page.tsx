import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, isStaleTags, type Action, type Doc, type Polarity, type Tag } from './api';
import { CategoryPicker } from './category-picker';
import { noteCorrection, primeDoc } from './doc-cache';
import { errorLine } from './error-text';
import { ErrorPanel } from './page-error';
import { DocumentBody, HighlightLegend, selectionInUntaggable, selectionOffsets } from './highlighted-text';
import { sourceKey, TEXT_LANG, textLang, useI18n } from './i18n';
import { drawerKeys, trapTab, useDrawerFocus, useFocusOnClose, useRestoreFocus } from './focus';
import type { Route } from './router';
import { SurveyHead } from './score-badge';
import { pickingFor, type PickedSpan } from './span-pick';
import { AddTagPanel, TagActions } from './tag-actions';
import { TagChip } from './tag-chip';
import { coarsePointer } from './touch';
import { VirtualList } from './virtual-list';

/**
 * What u undoes: the latest correction of a tag (the server puts the tag and the document's review back
 * as they were), or an accept, which cannot be undone and only stops u from reaching past it.
 */
type UndoEntry = { docId: string; tagId: string } | { docId: string; accept: true };

type PickerMode = { kind: 'category'; tagId: string } | { kind: 'add'; span: { start: number; end: number }; turnIndex?: number };
/**
 * The new-tag form: the span chosen so far by taps, the keyboard or a mouse selection, or null before
 * any; `keys` when it was started from the keyboard (see pickingFor).
 */
type Adding = { span: PickedSpan | null; untaggable?: boolean; keys?: number };
const NEW_TAG_BUTTON = '.label-actions [data-action=new-tag]';

const POLARITY_KEYS: Record<string, Polarity> = { '1': 'positive', '2': 'negative', '3': 'neutral' };
const PAGE = 30;

function orderTags(tags: Tag[]): Tag[] {
  return [...tags].sort((a, b) => (a.turnIndex ?? 0) - (b.turnIndex ?? 0) || a.span.start - b.span.start || a.span.end - b.span.end);
}

/**
 * Scrolls `el` into view inside `box`, a scrolling panel, and nothing else: the page itself stays put (on a
 * phone the panels do not scroll, and this does nothing).
 */
function revealIn(box: HTMLElement | null, el: Element | null | undefined): void {
  if (!box || !el || box.scrollHeight <= box.clientHeight) return;
  const outer = box.getBoundingClientRect();
  const inner = el.getBoundingClientRect();
  const margin = 8;
  if (inner.top < outer.top) box.scrollTop -= outer.top - inner.top + margin;
  else if (inner.bottom > outer.bottom) box.scrollTop += Math.min(inner.bottom - outer.bottom + margin, inner.top - outer.top - margin);
}

function minConfidence(doc: Doc): number {
  return doc.tags.reduce((m, t) => Math.min(m, t.confidence), 1);
}

export function LabelPage({ route }: { route: Route }) {
  const { t, categoryName } = useI18n();
  const [docs, setDocs] = useState<Doc[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [index, setIndex] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [picker, setPicker] = useState<PickerMode | null>(null);
  const [help, setHelp] = useState(false);
  const [adding, setAdding] = useState<Adding | null>(null);
  // How many documents the queue holds unreviewed now, as the API last counted them (withTotal); null from
  // an older server. Read again after every saved correction, accept and undo (recount) rather than
  // counted down here: other labelers review the same queue, new feedback joins it, a correction of a
  // reviewed document takes nothing out and an undo puts a document back only when no other correction
  // stands, so only the server's count stays right.
  const [remaining, setRemaining] = useState<number | null>(null);
  const [queueOpen, setQueueOpen] = useState(false);
  const queueDrawer = useRef<HTMLElement>(null);
  const queueToggle = useRef<HTMLButtonElement>(null);
  useDrawerFocus(queueOpen, queueDrawer, queueToggle);
  const [pending, setPending] = useState(0);
  const [notice, setNotice] = useState<{ text: string; error?: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  const docsRef = useRef(docs);
  docsRef.current = docs;
  const undoStack = useRef<UndoEntry[]>([]);
  // Corrections are sent strictly one after another so the server sees them in keystroke order.
  const chain = useRef<Promise<void>>(Promise.resolve());
  const textRef = useRef<HTMLDivElement>(null);
  const tagsRef = useRef<HTMLDivElement>(null);
  // Starting to add from the keyboard puts the text's caret on its first character (a new number each time).
  const keyStarts = useRef(0);
  // Where focus goes back when the new-tag form closes: the new-tag button pressed from the keyboard,
  // or nowhere after n (which was pressed with nothing focused, where the shortcuts act).
  const addOpener = useRef<string | null>(null);
  useFocusOnClose(adding !== null, () => addOpener.current);

  const focusDocId = route.params.get('doc');

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const page = await api.queue({ limit: PAGE, withTotal: 'true' });
        let items = page.items;
        // The document asked for (the document page's 在标注队列中打开) when it could not be loaded: the queue
        // opened at its first document in silence, so a labeler took another document for the one asked for.
        let missed: unknown = null;
        if (focusDocId && !items.some((d) => d.id === focusDocId)) {
          try {
            items = [await api.document(focusDocId), ...items];
          } catch (e) {
            missed = e;
          }
        }
        if (!live) return;
        if (missed !== null) setNotice({ text: t('focusDocFailed', { id: focusDocId ?? '', reason: errorLine(t, missed) }), error: true });
        setDocs(items);
        setCursor(page.nextCursor);
        setRemaining(page.total ?? null);
        const at = focusDocId ? Math.max(0, items.findIndex((d) => d.id === focusDocId)) : 0;
        setIndex(at);
      } catch (e) {
        if (live) setError(e);
      } finally {
        if (live) setLoaded(true);
      }
    })();
    return () => {
      live = false;
    };
  }, [focusDocId, attempt]); // eslint-disable-line react-hooks/exhaustive-deps -- t: a language switch does not reload the queue

  // Where the labeler was when the next page last failed to load: it is not asked for again from there. Each
  // failure made a new loadMore, which ran the effect below again: while the server failed, the queue asked
  // about three times a second until the labeler moved. The next step asks once more.
  const indexRef = useRef(index);
  indexRef.current = index;
  const moreFailedAt = useRef<number | null>(null);

  const loadMore = useCallback(async () => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await api.queue({ limit: PAGE, cursor });
      moreFailedAt.current = null;
      setDocs((prev) => {
        const seen = new Set(prev.map((d) => d.id));
        return [...prev, ...page.items.filter((d) => !seen.has(d.id))];
      });
      setCursor(page.nextCursor);
    } catch (e) {
      moreFailedAt.current = indexRef.current;
      setNotice({ text: `${t('error')}: ${errorLine(t, e)}`, error: true });
    } finally {
      setLoadingMore(false);
    }
  }, [cursor, loadingMore, t]);

  const doc = docs[index] ?? null;
  const tags = useMemo(() => (doc ? orderTags(doc.tags) : []), [doc]);
  const selected = tags.find((x) => x.id === selectedId) ?? null;

  useEffect(() => {
    if (!doc) return;
    if (!selectedId || !doc.tags.some((x) => x.id === selectedId)) setSelectedId(tags[0]?.id ?? null);
  }, [doc, tags, selectedId]);

  useEffect(() => {
    if (docs.length > 0 && index >= docs.length - 3 && moreFailedAt.current !== index) void loadMore();
  }, [index, docs.length, loadMore]);

  // The selected tag is shown, in the text and in the tag list, however it was chosen: stepping with the
  // arrow keys or Tab through a long call transcript selected tags far below both panels' fold, and 1/2/3,
  // c or x then changed a tag the labeler could not see.
  useEffect(() => {
    revealIn(textRef.current, textRef.current?.querySelector('.hl-selected'));
    revealIn(tagsRef.current, tagsRef.current?.querySelector('.tag-row.selected'));
  }, [selectedId, doc]);

  // A span belongs to the document it was chosen in.
  const docId = doc?.id;
  useEffect(() => setAdding(null), [docId]);

  const flash = (text: string, isError = false) => setNotice({ text, error: isError });

  // One count in flight at a time; an action saved meanwhile asks for one more read after it, so the
  // last count shown was read after the last action.
  const counting = useRef({ running: false, again: false });
  const recount = useCallback(() => {
    const c = counting.current;
    if (c.running) {
      c.again = true;
      return;
    }
    c.running = true;
    void (async () => {
      try {
        do {
          c.again = false;
          const page = await api.queue({ limit: 1, withTotal: 'true' });
          if (page.total !== undefined) setRemaining(page.total);
        } while (c.again);
      } catch {
        // the count stays as last read; the next saved action reads it again
      } finally {
        c.running = false;
      }
    })();
  }, []);

  // Others review the same queue and new feedback joins it while nobody here acts: read the count again
  // when the labeler comes back to the tab, and once a minute while it is in view (a background tab
  // asks nothing).
  useEffect(() => {
    const visible = () => document.visibilityState === 'visible';
    const onReturn = () => {
      if (visible()) recount();
    };
    const timer = window.setInterval(onReturn, 60_000);
    window.addEventListener('focus', onReturn);
    document.addEventListener('visibilitychange', onReturn);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', onReturn);
      document.removeEventListener('visibilitychange', onReturn);
    };
  }, [recount]);

  const replaceDoc = (updated: Doc) => {
    primeDoc(updated);
    setDocs((prev) => prev.map((d) => (d.id === updated.id ? updated : d)));
    docsRef.current = docsRef.current.map((d) => (d.id === updated.id ? updated : d));
  };

  /**
   * Runs one request after the ones before it, with the saving indicator and a notice: what `work`
   * returns, else "saved", or the error.
   */
  const enqueue = useCallback(
    (work: () => Promise<{ text: string; error?: boolean } | void>) => {
      setPending((n) => n + 1);
      chain.current = chain.current.then(async () => {
        try {
          const note = await work();
          flash(note ? note.text : t('saved'), note?.error);
        } catch (e) {
          flash(`${t('error')}: ${errorLine(t, e)}`, true);
        } finally {
          setPending((n) => n - 1);
        }
      });
    },
    [t],
  );

  /**
   * Sends one correction and remembers which tag it changed, so u can ask the server to undo exactly it
   * (a counter-correction would leave the tag a labeler's and the document reviewed).
   */
  const send = useCallback(
    (docId: string, action: Action, opts: { record: boolean; after?: (before: Doc, after: Doc) => void; note?: string }) => {
      enqueue(async () => {
        const before = docsRef.current.find((d) => d.id === docId);
        let after: Doc;
        try {
          after = await api.correct(docId, [action], before?.tagsVersion);
        } catch (e) {
          // the tags changed under the labeler (a re-tag, another labeler): show the current ones, say why
          if (!isStaleTags(e)) throw e;
          replaceDoc(await api.document(docId));
          // back to it, with the current tags (an accept has already moved on to the next document)
          const at = docsRef.current.findIndex((d) => d.id === docId);
          if (at >= 0) setIndex(at);
          setSelectedId(null);
          return { text: `${t('error')}: ${errorLine(t, e)}`, error: true };
        }
        noteCorrection();
        // pushed once saved, in keystroke order, so u never reaches past an accept sent after this
        if (opts.record && action.op === 'accept') undoStack.current.push({ docId, accept: true });
        if (before) {
          const tagId = changedTag(before, after, action);
          if (opts.record && tagId) undoStack.current.push({ docId, tagId });
          opts.after?.(before, after);
        }
        replaceDoc(after);
        recount();
        return opts.note ? { text: opts.note } : undefined;
      });
    },
    [enqueue], // eslint-disable-line react-hooks/exhaustive-deps
  );

  const go = useCallback(
    (delta: number) => {
      setIndex((i) => Math.max(0, Math.min(docsRef.current.length - 1, i + delta)));
      setSelectedId(null);
    },
    [],
  );

  const selectTag = (delta: number) => {
    if (tags.length === 0) return;
    const i = tags.findIndex((x) => x.id === selectedId);
    const next = i < 0 ? 0 : (i + delta + tags.length) % tags.length;
    setSelectedId(tags[next]!.id);
  };

  const setPolarity = (polarity: Polarity) => {
    if (doc && selected && selected.polarity !== polarity) send(doc.id, { op: 'update', tagId: selected.id, polarity }, { record: true });
  };

  const deleteSelected = () => {
    if (!doc || !selected) return;
    const i = tags.findIndex((x) => x.id === selected.id);
    send(doc.id, { op: 'delete', tagId: selected.id }, { record: true });
    setSelectedId(tags[i + 1]?.id ?? tags[i - 1]?.id ?? null);
  };

  const acceptAll = () => {
    if (!doc) return;
    // The last document of the queue as loaded: accepting moved nowhere and the notice said only 已保存, so a
    // labeler pressing a again re-accepted a reviewed document without learning the queue was through.
    const last = index >= docs.length - 1 && cursor === null;
    if (last && doc.reviewed) {
      flash(t('queueEnd'));
      return;
    }
    send(doc.id, { op: 'accept' }, { record: true, ...(last ? { note: `${t('accepted')} · ${t('queueEnd')}` } : {}) });
    flash(t('accepted'));
    go(1);
  };

  const addTag = (span: { start: number; end: number; turnIndex?: number }, polarity: Polarity, category: string) => {
    if (!doc) return;
    const action: Action = { op: 'add', span: { start: span.start, end: span.end }, aspect: null, polarity, category };
    if (span.turnIndex !== undefined) action.turnIndex = span.turnIndex;
    send(doc.id, action, {
      record: true,
      after: (before, after) => {
        const added = after.tags.find((x) => !before.tags.some((b) => b.id === x.id));
        if (added) setSelectedId(added.id);
      },
    });
    window.getSelection()?.removeAllRanges();
  };

  /**
   * The touch way to a new tag: a selection made with the mouse is taken as it is, else characters are
   * tapped; pressed from the keyboard, the text takes focus to choose them with the arrow keys.
   */
  const startAdd = (fromKeys: boolean) => {
    const sel = selectionOffsets(textRef.current);
    addOpener.current = fromKeys ? NEW_TAG_BUTTON : null;
    if (sel) setAdding({ span: { ...sel, complete: true } });
    else setAdding({ span: null, untaggable: selectionInUntaggable(textRef.current), ...(fromKeys ? { keys: ++keyStarts.current } : {}) });
  };

  const takeMouseSelection = () => {
    const sel = selectionOffsets(textRef.current);
    if (sel) setAdding({ span: { ...sel, complete: true } });
    else if (selectionInUntaggable(textRef.current)) setAdding({ span: null, untaggable: true });
  };

  const addFromSelection = () => {
    const sel = selectionOffsets(textRef.current);
    if (!sel && selectionInUntaggable(textRef.current)) {
      flash(t('customerTurnsOnly'), true);
      return;
    }
    if (!sel) {
      // Nothing selected: the words are chosen in the text with the arrow keys.
      addOpener.current = null;
      setAdding({ span: null, keys: ++keyStarts.current });
      return;
    }
    const mode: PickerMode = { kind: 'add', span: { start: sel.start, end: sel.end } };
    if (sel.turnIndex !== undefined) mode.turnIndex = sel.turnIndex;
    setPicker(mode);
  };

  // In the chain like the corrections: u pressed right after 1 finds the entry 1 leaves once it is saved.
  const undo = () =>
    enqueue(async () => {
      const entry = undoStack.current.pop();
      if (!entry) return { text: t('nothingToUndo') };
      const at = docsRef.current.findIndex((d) => d.id === entry.docId);
      if (at >= 0) setIndex(at);
      // An accept is the labeler's verdict on the whole document and stays; the marker only stops u from
      // silently undoing an older edit instead.
      if ('accept' in entry) return { text: t('acceptNoUndo'), error: true };
      // The server restores the tag under its own id (a deleted one comes back as it was), a machine tag's
      // source and confidence, and the document's place in the queue when no other correction stands.
      const after = await api.revertCorrection(entry.docId, entry.tagId);
      noteCorrection();
      replaceDoc(after);
      recount();
      if (after.tags.some((x) => x.id === entry.tagId)) setSelectedId(entry.tagId);
    });

  const onKey = (e: KeyboardEvent) => {
    // The new-tag form's own category picker owns the keyboard too.
    if (picker || document.querySelector('.overlay .picker')) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    // A dialog owns the keyboard: Tab moves between its buttons and shortcuts do not act behind it.
    if (help) {
      if (e.key === 'Escape' || e.key === '?') {
        e.preventDefault();
        setHelp(false);
      }
      return;
    }
    if (!doc) {
      if (e.key === '?') setHelp(true);
      return;
    }
    if (e.key === 'Escape' && adding) {
      e.preventDefault();
      setAdding(null);
      return;
    }
    // While a new tag is being added the keyboard belongs to the text and the form: 1/2/3 there changed the
    // polarity of the tag selected before (and sent it as a correction), j/k left the document half-added.
    if (adding) return;
    const polarity = POLARITY_KEYS[e.key];
    if (polarity) {
      e.preventDefault();
      setPolarity(polarity);
      return;
    }
    switch (e.key) {
      case 'j':
        e.preventDefault();
        go(1);
        break;
      case 'k':
        e.preventDefault();
        go(-1);
        break;
      case 'a':
        e.preventDefault();
        acceptAll();
        break;
      case 'Tab': {
        // Tab is the browser's way through links and buttons: it only steps through the tags while
        // nothing is focused, and past the first or last tag it goes on to the page's controls.
        const free = !target || target === document.body || target === document.documentElement;
        const i = tags.findIndex((x) => x.id === selectedId);
        const next = i + (e.shiftKey ? -1 : 1);
        // Past the last tag, Tab goes on to this document's buttons (polarity, category, accept all…)
        // rather than to the top bar and through the whole queue list first.
        if (free && i >= 0 && !e.shiftKey && next >= tags.length) {
          const first = document.querySelector<HTMLElement>('.label-actions button:not(:disabled), .label-actions select');
          if (first) {
            e.preventDefault();
            first.focus();
          }
          break;
        }
        if (!free || i < 0 || next < 0 || next >= tags.length) break;
        e.preventDefault();
        setSelectedId(tags[next]!.id);
        break;
      }
      case 'ArrowRight':
      case 'ArrowDown':
        e.preventDefault();
        selectTag(1);
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        e.preventDefault();
        selectTag(-1);
        break;
      case 'c':
        e.preventDefault();
        if (selected) setPicker({ kind: 'category', tagId: selected.id });
        break;
      case 'x':
      case 'Delete':
        e.preventDefault();
        deleteSelected();
        break;
      case 'n':
        e.preventDefault();
        addFromSelection();
        break;
      case 'u':
        e.preventDefault();
        undo();
        break;
      case '?':
        e.preventDefault();
        setHelp((h) => !h);
        break;
      default:
    }
  };
  const keyRef = useRef(onKey);
  keyRef.current = onKey;
  useEffect(() => {
    const h = (e: KeyboardEvent) => keyRef.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);

  const pick = (category: string) => {
    const mode = picker;
    setPicker(null);
    if (!mode || !doc) return;
    if (mode.kind === 'category') {
      const tag = doc.tags.find((x) => x.id === mode.tagId);
      if (tag && tag.category !== category) send(doc.id, { op: 'update', tagId: tag.id, category }, { record: true });
    } else {
      addTag({ ...mode.span, ...(mode.turnIndex !== undefined ? { turnIndex: mode.turnIndex } : {}) }, 'neutral', category);
    }
  };

  if (error !== null)
    return (
      <div className="page page-pad">
        <ErrorPanel
          error={error}
          onRetry={() => {
            setError(null);
            setLoaded(false);
            setAttempt((n) => n + 1);
          }}
        />
      </div>
    );
  if (!loaded) return <div className="page page-pad muted">{t('loading')}</div>;

  // The list being paged through: the documents reviewed in it so far and those still unreviewed. It keeps
  // its size while this labeler works through it (an accept moves a document from one to the other) and
  // follows what others review or send meanwhile; the unreviewed count itself is shown beside it.
  const reviewedHere = docs.reduce((n, d) => n + (d.reviewed ? 1 : 0), 0);
  const total = remaining === null ? null : Math.max(docs.length, reviewedHere + remaining);

  return (
    <div className="page page-split label-page">
      <aside id="label-queue" ref={queueDrawer} className={`side side-queue side-drawer ${queueOpen ? 'side-open' : ''}`} onKeyDown={drawerKeys(queueOpen, () => setQueueOpen(false))}>
        <div className="side-title">
          {/* in words: a bare "(30 / 35)" read as reviewed / total as easily as loaded / total */}
          {t('queueTitle')}{' '}
          <span className="muted">
            {!cursor ? t('queueCountAll', { n: docs.length }) : total !== null ? t('queueCountOf', { n: docs.length, total }) : t('queueCountMore', { n: docs.length })}
          </span>
          <button type="button" className="btn btn-small drawer-close" data-action="close-queue" onClick={() => setQueueOpen(false)}>
            {t('close')}
          </button>
        </div>
        <VirtualList
          className="queue-list"
          items={docs}
          itemKey={(d) => d.id}
          estimate={58}
          scrollToIndex={index}
          onEndReached={() => void loadMore()}
          render={(d, i) => (
            <button className={`queue-item ${i === index ? 'active' : ''} ${d.reviewed ? 'done' : ''}`} onClick={() => { setIndex(i); setSelectedId(null); setQueueOpen(false); }}>
              <span className="queue-snippet" lang={TEXT_LANG}>{(d.text ?? d.turns?.find((x) => x.speaker === 'customer')?.text ?? '').slice(0, 40)}</span>
              <span className="queue-meta">
                <span>{t(d.kind)}</span>
                {/* what the two numbers are: a bare "5 · 0.51" told a labeler nothing (the queue is ordered by the lowest) */}
                <span>{d.tags.length ? t('queueItemTags', { n: d.tags.length, c: minConfidence(d).toFixed(2) }) : t('noTags')}</span>
                {d.reviewed && <span className="ok">✓</span>}
              </span>
            </button>
          )}
        />
      </aside>
      <section className="main label-main">
        {!doc ? (
          <div className="empty">{t('queueEmpty')}</div>
        ) : (
          <>
            <div className="toolbar">
              {/* Narrow screens fold the queue away so the document gets the width. */}
              <button
                type="button"
                ref={queueToggle}
                className="btn btn-small drawer-toggle"
                data-action="toggle-queue"
                aria-expanded={queueOpen}
                aria-controls="label-queue"
                onClick={() => setQueueOpen((o) => !o)}
              >
                {t('queueTitle')}
              </button>
              {/* The queue is paged: while more remain, the count says so, as the sidebar's (30+) does. */}
              <strong className="doc-of">{t(cursor && total === null ? 'docOfMore' : 'docOf', { i: index + 1, n: cursor && total !== null ? total : docs.length })}</strong>
              {remaining !== null && (
                <span className="muted queue-remaining" data-remaining={remaining} aria-live="polite">
                  {t('queueRemaining', { n: remaining })}
                </span>
              )}
              <span className="badge">{t(doc.kind)}</span>
              <span className="badge">{doc.source}</span>
              {doc.reviewed && <span className="badge badge-ok">{t('reviewed')}</span>}
              <span className="muted mono small">{doc.id}</span>
              {doc.tags.length > 0 && <HighlightLegend />}
              <span className="spacer" />
              <span className={`save-state ${notice?.error ? 'err' : ''}`} role="status" data-pending={pending}>
                {pending > 0 ? t('saving') : (notice?.text ?? '')}
              </span>
              <button className="btn btn-small" onClick={() => setHelp(true)} title="?">
                ? {t('keys')}
              </button>
            </div>
            <div className="label-body">
              <div className="card label-text" ref={textRef} onMouseUp={adding ? takeMouseSelection : undefined}>
                {/* A survey answer reads with its score and the question it answers, as in the feed and on the document page. */}
                <SurveyHead doc={doc} />
                <DocumentBody
                  doc={doc}
                  tags={doc.tags}
                  selectedTagId={selectedId}
                  onTagClick={(tag) => setSelectedId(tag.id)}
                  picking={pickingFor(adding, setAdding, () => setAdding(null))}
                />
              </div>
              <div className="label-tags" ref={tagsRef} aria-label={t('tags')}>
                {tags.length === 0 && <div className="muted">{t('noTags')}</div>}
                {tags.map((tag) => (
                  <div key={tag.id} className={`tag-row ${tag.id === selectedId ? 'selected' : ''}`} onClick={() => setSelectedId(tag.id)} data-tag-id={tag.id}>
                    <TagChip tag={tag} selected={tag.id === selectedId} />
                    <div className="tag-row-meta">
                      <span className={`pol-${tag.polarity}`}>{t(tag.polarity)}</span>
                      <span>{categoryName(tag.category)}</span>
                      <span className="muted">{sourceKey(tag.source) ? t(sourceKey(tag.source)!) : tag.source}</span>
                      {tag.turnIndex !== undefined && tag.turnIndex !== null && <span className="muted">{t('turnN', { n: tag.turnIndex + 1 })}</span>}
                    </div>
                    <div className="tag-row-sentence muted small" lang={TEXT_LANG}>
                      {tag.sentence}
                    </div>
                    {tag.id === selectedId && (
                      <AspectEdit
                        key={`${tag.id}:${tag.aspect ?? ''}`}
                        tag={tag}
                        onSave={(value) => value !== tag.aspect && send(doc.id, { op: 'update', tagId: tag.id, aspect: value }, { record: true })}
                      />
                    )}
                  </div>
                ))}
              </div>
            </div>
            {/* Every shortcut as a button, so a phone without a keyboard can do the whole review. */}
            <div className="label-actions">
              {adding ? (
                <AddTagPanel
                  span={adding.span}
                  untaggable={adding.untaggable}
                  takeFocus={adding.keys !== undefined}
                  onAdd={(polarity, category) => {
                    if (!adding.span) return;
                    addTag(adding.span, polarity, category);
                    setAdding(null);
                  }}
                  onCancel={() => setAdding(null)}
                />
              ) : selected ? (
                <TagActions
                  tag={selected}
                  onPolarity={setPolarity}
                  onCategory={() => setPicker({ kind: 'category', tagId: selected.id })}
                  onDelete={deleteSelected}
                />
              ) : tags.length > 0 ? (
                <div className="muted small tag-actions-empty">{t(coarsePointer() ? 'noTagSelected' : 'noTagSelectedFine')}</div>
              ) : null}
              <div className="doc-actions">
                {/* aria-disabled, not disabled: stepping onto the first or last document would drop the focus of the button just pressed */}
                <button type="button" className="btn btn-small" data-action="prev" aria-disabled={index === 0 || undefined} onClick={() => index > 0 && go(-1)} title="k">
                  ‹ {t('prevDoc')}
                </button>
                <button type="button" className="btn btn-small" data-action="undo" onClick={undo} title="u">
                  {t('undo')}
                </button>
                {!adding && (
                  // mousedown would collapse a selection made before reaching for the button.
                  <button type="button" className="btn btn-small" data-action="new-tag" onMouseDown={(e) => e.preventDefault()} onClick={(e) => startAdd(e.detail === 0)} title="n">
                    + {t('newTag')}
                  </button>
                )}
                <button type="button" className="btn btn-small btn-primary" data-action="accept" onClick={acceptAll} title="a">
                  ✓ {t(tags.length > 0 ? 'acceptAll' : 'confirmNoOpinions')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  data-action="next"
                  aria-disabled={index >= docs.length - 1 || undefined}
                  onClick={() => index < docs.length - 1 && go(1)}
                  title="j"
                >
                  {t('nextDoc')} ›
                </button>
              </div>
            </div>
            <KeyBar />
          </>
        )}
      </section>
      {picker && (
        <CategoryPicker
          current={picker.kind === 'category' ? doc?.tags.find((x) => x.id === picker.tagId)?.category : undefined}
          onPick={pick}
          onClose={() => setPicker(null)}
        />
      )}
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </div>
  );
}

/** Enter (or the keyboard's Go/Done key) or the save button keeps the aspect; Escape restores it. */
function AspectEdit({ tag, onSave }: { tag: Tag; onSave: (value: string | null) => void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const save = () => {
    if (!input.current) return;
    onSave(input.current.value.trim() || null);
    input.current.blur();
  };
  return (
    <div className="aspect-edit" onClick={(e) => e.stopPropagation()}>
      <label>
        <span>{t('aspect')}</span>
        <input
          ref={input}
          name="aspect"
          defaultValue={tag.aspect ?? ''}
          lang={textLang(tag.aspect)}
          placeholder={t('aspectHint')}
          enterKeyHint="done"
          onKeyDown={(e) => {
            if (e.key === 'Enter') save();
            else if (e.key === 'Escape') {
              e.currentTarget.value = tag.aspect ?? '';
              e.currentTarget.blur();
            }
          }}
        />
      </label>
      <button type="button" className="btn btn-small" data-action="save-aspect" onClick={save}>
        {t('save')}
      </button>
    </div>
  );
}

/** The tag a correction changed, for undo; null when it changed none (an add of a tag that was there already). */
function changedTag(before: Doc, after: Doc, action: Action): string | null {
  switch (action.op) {
    case 'update':
    case 'delete':
      return before.tags.some((x) => x.id === action.tagId) ? action.tagId : null;
    case 'add':
      return after.tags.find((x) => !before.tags.some((b) => b.id === x.id))?.id ?? null;
    default:
      return null;
  }
}

const KEYS: [string, 'keyNextPrev' | 'keyAccept' | 'keyPolarity' | 'keySelect' | 'keyCategory' | 'keyDelete' | 'keyAdd' | 'keyUndo' | 'keyHelp'][] = [
  ['j / k', 'keyNextPrev'],
  ['a', 'keyAccept'],
  ['1 / 2 / 3', 'keyPolarity'],
  ['← → / Tab', 'keySelect'],
  ['c', 'keyCategory'],
  ['x', 'keyDelete'],
  ['n', 'keyAdd'],
  ['u', 'keyUndo'],
  ['?', 'keyHelp'],
];

function KeyBar() {
  const { t } = useI18n();
  return (
    <div className="keybar">
      {KEYS.map(([k, m]) => (
        <span key={k}>
          <kbd>{k}</kbd> {t(m)}
        </span>
      ))}
    </div>
  );
}

function HelpDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  useRestoreFocus();
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div className="help" role="dialog" aria-modal="true" aria-label={t('keys')} onMouseDown={(e) => e.stopPropagation()} onKeyDown={trapTab}>
        <h3>{t('keys')}</h3>
        <table>
          <tbody>
            {KEYS.map(([k, m]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{t(m)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="small muted help-note">{t('keyTabNote')}</p>
        {/* Focused on open so Enter or Escape closes it and Tab stays inside. */}
        <button className="btn" onClick={onClose} autoFocus>
          {t('ok')}
        </button>
      </div>
    </div>
  );
}
