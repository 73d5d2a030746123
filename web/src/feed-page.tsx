import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type Doc, type Tag } from './api';
import { canLabel, useAppData } from './app-data';
import { CategoryPicker } from './category-picker';
import { correctionEpoch, useDoc } from './doc-cache';
import { FilterDrawer, FilterPanel, FilterToggle, FilteredEmpty, filtersFrom, filtersQuery, useFilterDrawer } from './filters';
import { ErrorText } from './error-text';
import { ErrorPanel } from './page-error';
import { DocumentBody, HighlightLegend } from './highlighted-text';
import { TEXT_LANG, useI18n } from './i18n';
import { href, type Route } from './router';
import { SurveyHead } from './score-badge';
import { pickingFor } from './span-pick';
import { useFocusOnClose, useFocusRescue } from './focus';
import { AddTagPanel, RemovedTagToast, TagActions } from './tag-actions';
import { TagChip } from './tag-chip';
import { VirtualList } from './virtual-list';
import { wallTime } from './time';
import { useCorrection } from './use-correction';
import { usePagedList } from './use-paged-list';

interface Group {
  documentId: string;
  /** First tag seen, kept for the card header even after every tag on the card was removed. */
  head: Tag;
  tags: Tag[];
}

const PAGE = 50;

/** Tags arrive flat; they fold into one card per document, keeping first-seen order. */
function foldTags(prev: Group[], items: Tag[], first: boolean): Group[] {
  const next = first ? [] : prev.map((g) => ({ ...g, tags: [...g.tags] }));
  const index = new Map(next.map((g, i) => [g.documentId, i]));
  for (const tag of items) {
    const i = index.get(tag.documentId);
    if (i === undefined) {
      index.set(tag.documentId, next.length);
      next.push({ documentId: tag.documentId, head: tag, tags: [tag] });
    } else if (!next[i]!.tags.some((x) => x.id === tag.id)) next[i]!.tags.push(tag);
  }
  return next;
}

interface FeedMemory {
  key: string;
  /** correctionEpoch() when the groups were loaded: a correction made elsewhere since then makes them stale. */
  epoch: number;
  groups: Group[];
  cursor: string | null;
  total: number | null;
  scrollTop: number;
}

// Opening a document and coming back should land where the analyst was, not on a fresh first page.
let memory: FeedMemory | null = null;
const cardHeights = new Map<string, number>();

/**
 * Signing out forgets the remembered feed: the next key to sign in in this tab (another tenant's, or one
 * with other rights) must see its own query's cards, not the previous key's customers' words.
 */
export function forgetFeed(): void {
  memory = null;
  cardHeights.clear();
}

export function FeedPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const key = route.params.toString();
  const filters = useMemo(() => filtersFrom(route.params), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  // Only while nothing was corrected elsewhere (labeling queue): such a correction may move tags in or
  // out of this filter, which only a refetch can tell.
  const restored = memory?.key === key && memory.epoch === correctionEpoch() ? memory : null;
  // every tag the query matches (withTotal), kept with the remembered feed; null until the first page answers
  const [total, setTotal] = useState<number | null>(restored?.total ?? null);
  const fetchPage = useCallback(
    // The total is asked once per query (a second pass over the matches), not on every page.
    (from: string | null, first: boolean) => api.tags({ ...filtersQuery(filters), limit: PAGE, cursor: from, ...(first ? { withTotal: 'true' } : {}) }),
    [filters],
  );
  const {
    list: groups,
    setList: setGroups,
    cursor,
    loading,
    error,
    more,
    retry,
    stamp,
  } = usePagedList({
    fetchPage,
    restored: restored && { list: restored.groups, cursor: restored.cursor },
    // A new query starts from nothing, so a failure cannot leave the previous query's count up.
    onReset: () => setTotal(null),
    onPage: (page, first) => {
      if (first) setTotal(page.total ?? null);
    },
    merge: foldTags,
  });
  const groupsRef = useRef(groups);
  groupsRef.current = groups;
  const initialScroll = useRef(restored?.scrollTop ?? 0);
  const drawer = useFilterDrawer();

  useEffect(() => {
    // Only a query that answered is remembered. Left while its first page was still loading (or after it
    // failed), the feed came back to no cards, "0 matches" and "no results", and never asked again.
    if (groups.length === 0 && (loading || error !== null)) {
      memory = null;
      return;
    }
    memory = {
      key,
      epoch: correctionEpoch(),
      groups,
      cursor,
      total,
      scrollTop: memory?.key === key ? memory.scrollTop : 0,
    };
  }, [key, groups, cursor, total, loading, error]);
  // Counted from the cards, so a tag removed with × leaves the count with it.
  const tagCount = useMemo(() => groups.reduce((n, g) => n + g.tags.length, 0), [groups]);
  const onScroll = useCallback(
    (top: number) => {
      if (memory?.key === key) memory.scrollTop = top;
    },
    [key],
  );

  // Inline corrections change which tags a card shows without refetching the page: removed tags
  // leave, tags added on this card join, so the remembered feed stays truthful after navigation.
  const corrected = useCallback((doc: Doc, added: string[]) => {
    // The query's total moves with the card at once: tags removed here leave it, tags added here join it.
    const card = groupsRef.current.find((g) => g.documentId === doc.id);
    if (card) {
      const removed = card.tags.filter((x) => !doc.tags.some((d) => d.id === x.id)).length;
      const joined = doc.tags.filter((d) => added.includes(d.id) && !card.tags.some((x) => x.id === d.id)).length;
      setTotal((n) => (n === null ? null : Math.max(0, n - removed + joined)));
    }
    // Then it is asked again: a tag that stays on the card can leave the query (made positive on a
    // polarity=negative feed, given another category under a category filter), and an added one may not
    // match it, which only the API can tell. The chips stay where the labeler is working.
    const current = stamp();
    api.tags({ ...filtersQuery(filters), limit: 1, withTotal: 'true' }).then(
      (page) => {
        if (current() && page.total !== undefined) setTotal(page.total);
      },
      () => undefined,
    );
    setGroups((prev) =>
      prev.map((g) =>
        g.documentId !== doc.id
          ? g
          : { ...g, tags: [...g.tags.filter((x) => doc.tags.some((d) => d.id === x.id)), ...doc.tags.filter((d) => added.includes(d.id))] },
      ),
    );
  }, [filters, setGroups, stamp]);

  const activeFilters = Object.keys(filters).length;

  return (
    <div className="page page-split">
      <FilterDrawer drawer={drawer} id="feed-filters" className="side">
        <FilterPanel route="feed" filters={filters} onApplied={() => drawer.setOpen(false)} />
        <a className="btn btn-block" href={href('export', filters)}>
          {t('navExport')} ↓
        </a>
      </FilterDrawer>
      <section className="main">
        <div className="toolbar">
          <FilterToggle drawer={drawer} controls="feed-filters" count={activeFilters} />
          <strong>{t('navFeed')}</strong>
          {(error === null || groups.length > 0) && !(loading && groups.length === 0) && (
            // Counted from the loaded cards; while more pages remain, the query's total says how many match
            // (an older server without totals: "more to load"). Not shown while a new query's first page loads,
            // which would read "0 matches", and complete only once nothing is loading.
            <span className="muted feed-count" data-complete={cursor || loading ? 'false' : 'true'} data-total={total ?? undefined}>
              {!cursor
                ? t('feedCount', { tags: t('tagsMatchedN', { n: total ?? tagCount }), docs: t('documentsN', { n: groups.length }) })
                : total !== null
                  ? t('feedCountOf', { tags: t('tagsMatchedN', { n: total }), loaded: tagCount, docs: t('documentsN', { n: groups.length }) })
                  : t('feedCountMore', { tags: t('tagsMatchedN', { n: tagCount }), docs: t('documentsN', { n: groups.length }) })}
            </span>
          )}
          {loading && <span className="muted">{t('loading')}</span>}
          <span className="spacer" />
          <HighlightLegend />
        </div>
        {error !== null && <ErrorPanel error={error} onRetry={retry} />}
        {!loading && error === null && groups.length === 0 ? (
          // what the empty list means and the way out: the filters in use, or nothing analyzed yet
          activeFilters > 0 ? (
            <FilteredEmpty count={activeFilters} message="noResultsFiltered" clear={href('feed')} />
          ) : (
            <div className="empty" data-empty="none">
              {t('noResultsYet')}
            </div>
          )
        ) : (
          <VirtualList
            className="feed-list"
            items={groups}
            itemKey={(g) => g.documentId}
            estimate={150}
            onEndReached={more}
            endKey={cursor}
            initialScrollTop={initialScroll.current}
            onScroll={onScroll}
            heightCache={cardHeights}
            render={(g) => <FeedCard group={g} onCorrected={corrected} />}
            footer={<div className="list-footer muted">{cursor ? (loading ? t('loading') : '') : groups.length > 0 ? t('end') : ''}</div>}
          />
        )}
      </section>
    </div>
  );
}

function FeedCard({ group, onCorrected }: { group: Group; onCorrected: (doc: Doc, added: string[]) => void }) {
  const { t } = useI18n();
  const { me } = useAppData();
  const editable = canLabel(me);
  const loaded = useDoc(group.documentId);
  // A tapped chip opens its actions below the chips (selectedId); a touch screen has no hover to reveal them.
  const { doc, busy, saveError, setSaveError, adding, setAdding, selectedId, setSelectedId, body, addTag, tagActions, picker, takeSelection, removed, removeTag, undoRemove, dismissUndo } = useCorrection(
    group.documentId,
    loaded.doc,
    {
      after: (next, before) => {
        const had = new Set(before.tags.map((x) => x.id));
        onCorrected(next, next.tags.filter((x) => !had.has(x.id)).map((x) => x.id));
      },
    },
  );
  const error = loaded.error;
  const first = group.head;
  const matched = useMemo(() => new Set(group.tags.map((x) => x.id)), [group.tags]);
  // Chips follow reading order so they line up with the highlights above them, and take the
  // document's current version of each tag, which may have been corrected since the list loaded.
  const ordered = useMemo(() => {
    const current = doc ? group.tags.flatMap((x) => doc.tags.find((d) => d.id === x.id) ?? []) : group.tags;
    return current.sort((a, b) => (a.turnIndex ?? 0) - (b.turnIndex ?? 0) || a.span.start - b.span.start);
  }, [group.tags, doc]);

  const startAdd = (fromKeys: boolean) => {
    setSaveError(null);
    setSelectedId(null);
    if (!takeSelection()) setAdding((a) => a ?? { span: null, ...(fromKeys ? { keys: 1 } : {}) });
  };
  // + hides while the form is open; focus comes back to it when the form closes.
  useFocusOnClose(adding !== null, () => `.feed-card[data-doc-id="${CSS.escape(group.documentId)}"] .chip-add`);
  // Closing, deleting or changing a tag from its actions (or its ×) keeps the keyboard on this card: on the
  // tag's chip, the undo of a delete, or +.
  const card = useRef<HTMLElement>(null);
  useFocusRescue(card, busy, (tagId) => [
    tagId && `.chip[data-tag-id="${CSS.escape(tagId)}"] .chip-open`,
    '.undo-toast [data-action=undo-remove]',
    '.tag-actions [data-action=category]',
    '.chip-add',
  ]);
  const selectedTag = selectedId ? (ordered.find((x) => x.id === selectedId) ?? null) : null;

  return (
    <article ref={card} className={`card feed-card ${adding ? 'feed-card-adding' : ''}`} data-doc-id={group.documentId}>
      <header className="card-head">
        <span className={`badge badge-kind`}>{t(first.kind)}</span>
        <span className="badge">{first.channel}</span>
        <span className="muted small">{wallTime(doc?.occurredAt ?? first.occurredAt ?? first.createdAt)}</span>
        {doc?.reviewed && <span className="badge badge-ok">{t('reviewed')}</span>}
        {doc?.customerId && (
          <a className="small journey-link" href={href(`customers/${encodeURIComponent(doc.customerId)}`)} title={t('journey')}>
            {t('viewJourney')}
          </a>
        )}
        <a className="card-link" href={href(`doc/${encodeURIComponent(group.documentId)}`)}>
          {t('detail')} →
        </a>
      </header>
      {doc && <SurveyHead doc={doc} />}
      <div className="card-body" ref={body} onMouseUp={adding ? () => void takeSelection() : undefined}>
        {doc ? (
          <DocumentBody
            doc={doc}
            emphasize={matched}
            compact
            picking={pickingFor(adding, setAdding, () => setAdding(null))}
          />
        ) : error ? (
          <>
            {/* the tag's clause stands in for the document it could not load: the customer's words, as the document's are */}
            <div className="muted" lang={TEXT_LANG}>
              {first.sentence}
            </div>
            {/* Said, with a way to try again: the card's tags cannot be changed without their document, and the
                card showed only the clause, as if nothing were wrong. Not an alert: with the server out of reach
                every card on the page would raise one at once. */}
            <div className="err small card-load-error">
              {t('error')}: <ErrorText error={error} />{' '}
              <button type="button" className="btn btn-small" data-action="retry" onClick={loaded.retry}>
                {t('retry')}
              </button>
            </div>
          </>
        ) : (
          <div className="muted" lang={first.sentence ? TEXT_LANG : undefined}>
            {first.sentence || t('loading')}
          </div>
        )}
      </div>
      <footer className="chips">
        {ordered.map((tag) => (
          <TagChip
            key={tag.id}
            tag={tag}
            busy={busy}
            selected={tag.id === selectedId}
            onClick={editable && doc && !adding ? () => setSelectedId((id) => (id === tag.id ? null : tag.id)) : undefined}
            onRemove={editable && doc ? () => void removeTag(tag) : undefined}
          />
        ))}
        {editable && doc && !adding && (
          // mousedown would collapse a selection the analyst made before reaching for +.
          <button type="button" className="chip-add" onMouseDown={(e) => e.preventDefault()} onClick={(e) => startAdd(e.detail === 0)} disabled={busy} title={t('addTag')} aria-label={t('addTag')}>
            +
          </button>
        )}
        {saveError !== null && (
          <span className="err small" role="alert">
            {t('error')}: <ErrorText error={saveError} />
          </span>
        )}
      </footer>
      {removed && <RemovedTagToast tag={removed} busy={busy} onUndo={() => void undoRemove()} onDismiss={dismissUndo} />}
      {selectedTag && !adding && doc && (
        <TagActions
          tag={selectedTag}
          busy={busy}
          {...tagActions(selectedTag.id)}
          onClose={() => setSelectedId(null)}
        />
      )}
      {adding && (
        <AddTagPanel
          span={adding.span}
          untaggable={adding.untaggable}
          busy={busy}
          takeFocus={adding.keys !== undefined}
          onAdd={addTag}
          onCancel={() => setAdding(null)}
        />
      )}
      {picker && <CategoryPicker {...picker} />}
    </article>
  );
}
