import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type Tag } from './api';
import { useDoc } from './doc-cache';
import { FilterPanel, filtersFrom, filtersQuery } from './filters';
import { DocumentBody } from './highlighted-text';
import { useI18n } from './i18n';
import { href, type Route } from './router';
import { TagChip } from './tag-chip';
import { VirtualList } from './virtual-list';

interface Group {
  documentId: string;
  tags: Tag[];
}

const PAGE = 50;

interface FeedMemory {
  key: string;
  groups: Group[];
  cursor: string | null;
  tagCount: number;
  scrollTop: number;
}

// Opening a document and coming back should land where the analyst was, not on a fresh first page.
let memory: FeedMemory | null = null;
const cardHeights = new Map<string, number>();

export function FeedPage({ route }: { route: Route }) {
  const { t } = useI18n();
  const key = route.params.toString();
  const filters = useMemo(() => filtersFrom(route.params), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const restored = memory?.key === key ? memory : null;
  const [groups, setGroups] = useState<Group[]>(restored?.groups ?? []);
  const [cursor, setCursor] = useState<string | null>(restored?.cursor ?? null);
  const [loading, setLoading] = useState(!restored);
  const [error, setError] = useState<string | null>(null);
  const [tagCount, setTagCount] = useState(restored?.tagCount ?? 0);
  const generation = useRef(0);
  const skipKey = useRef<string | null>(restored ? key : null);
  const initialScroll = useRef(restored?.scrollTop ?? 0);

  const load = useCallback(
    async (from: string | null, reset: boolean) => {
      const gen = reset ? ++generation.current : generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api.tags({ ...filtersQuery(filters), limit: PAGE, cursor: from });
        if (gen !== generation.current) return;
        setGroups((prev) => {
          // Tags arrive flat; fold them into one card per document, keeping first-seen order.
          const next = reset ? [] : prev.map((g) => ({ ...g, tags: [...g.tags] }));
          const index = new Map(next.map((g, i) => [g.documentId, i]));
          for (const tag of page.items) {
            const i = index.get(tag.documentId);
            if (i === undefined) {
              index.set(tag.documentId, next.length);
              next.push({ documentId: tag.documentId, tags: [tag] });
            } else if (!next[i]!.tags.some((x) => x.id === tag.id)) next[i]!.tags.push(tag);
          }
          return next;
        });
        setTagCount((c) => (reset ? 0 : c) + page.items.length);
        setCursor(page.nextCursor);
      } catch (e) {
        if (gen === generation.current) setError((e as Error).message);
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    if (skipKey.current === key) return;
    skipKey.current = null;
    setGroups([]);
    setCursor(null);
    void load(null, true);
  }, [load]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    memory = { key, groups, cursor, tagCount, scrollTop: memory?.key === key ? memory.scrollTop : 0 };
  }, [key, groups, cursor, tagCount]);
  const onScroll = useCallback(
    (top: number) => {
      if (memory?.key === key) memory.scrollTop = top;
    },
    [key],
  );

  const more = useCallback(() => {
    if (!loading && cursor && !error) void load(cursor, false);
  }, [loading, cursor, error, load]);

  return (
    <div className="page page-split">
      <aside className="side">
        <FilterPanel route="feed" filters={filters} />
        <a className="btn btn-block" href={href('export', filters)}>
          {t('navExport')} ↓
        </a>
      </aside>
      <section className="main">
        <div className="toolbar">
          <strong>{t('navFeed')}</strong>
          <span className="muted">
            {tagCount} {t('tagsMatched')} · {groups.length} {t('documents')}
            {cursor ? '+' : ''}
          </span>
          {loading && <span className="muted">{t('loading')}</span>}
        </div>
        {error && (
          <div className="alert alert-error">
            {t('error')}: {error}{' '}
            <button className="btn btn-small" onClick={() => void load(cursor, groups.length === 0)}>
              {t('retry')}
            </button>
          </div>
        )}
        {!loading && !error && groups.length === 0 ? (
          <div className="empty">{t('noResults')}</div>
        ) : (
          <VirtualList
            className="feed-list"
            items={groups}
            itemKey={(g) => g.documentId}
            estimate={150}
            onEndReached={more}
            initialScrollTop={initialScroll.current}
            onScroll={onScroll}
            heightCache={cardHeights}
            render={(g) => <FeedCard group={g} />}
            footer={<div className="list-footer muted">{cursor ? (loading ? t('loading') : '') : groups.length > 0 ? t('end') : ''}</div>}
          />
        )}
      </section>
    </div>
  );
}

function FeedCard({ group }: { group: Group }) {
  const { t } = useI18n();
  const { doc, error } = useDoc(group.documentId);
  const first = group.tags[0]!;
  const matched = useMemo(() => new Set(group.tags.map((x) => x.id)), [group.tags]);
  // Chips follow reading order so they line up with the highlights above them, and take the
  // document's current version of each tag, which may have been corrected since the list loaded.
  const ordered = useMemo(() => {
    const current = doc ? group.tags.flatMap((x) => doc.tags.find((d) => d.id === x.id) ?? []) : group.tags;
    return current.sort((a, b) => (a.turnIndex ?? 0) - (b.turnIndex ?? 0) || a.span.start - b.span.start);
  }, [group.tags, doc]);
  return (
    <article className="card feed-card" data-doc-id={group.documentId}>
      <header className="card-head">
        <span className={`badge badge-kind`}>{t(first.kind)}</span>
        <span className="badge">{first.channel}</span>
        <span className="muted small">{(doc?.occurredAt ?? first.occurredAt ?? first.createdAt ?? "").slice(0, 16).replace('T', ' ')}</span>
        {doc?.reviewed && <span className="badge badge-ok">{t('reviewed')}</span>}
        <a className="card-link" href={href(`doc/${encodeURIComponent(group.documentId)}`)}>
          {t('detail')} →
        </a>
      </header>
      <div className="card-body">
        {doc ? (
          <DocumentBody doc={doc} emphasize={matched} compact />
        ) : error ? (
          <div className="muted">{first.sentence}</div>
        ) : (
          <div className="muted">{first.sentence || t('loading')}</div>
        )}
      </div>
      <footer className="chips">
        {ordered.map((tag) => (
          <TagChip key={tag.id} tag={tag} />
        ))}
      </footer>
    </article>
  );
}
