import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';

/** One page of a cursor-paged list, as the API answers it. */
export interface PageAnswer<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedListOptions<T, P extends PageAnswer<T>, L> {
  /**
   * Asks for one page: from `cursor` (null: the first), `first` when it starts the list afresh. A new function
   * (the page's query changed) starts the list again from its first page.
   */
  fetchPage: (cursor: string | null, first: boolean) => Promise<P>;
  /** Folds a page's items into the list: onto nothing when `first`, else after what is loaded. */
  merge: (prev: L[], items: T[], first: boolean) => L[];
  /** A list kept from before (the page left and came back to the same query): shown as it was, not asked again. */
  restored?: { list: L[]; cursor: string | null } | null;
  /** When the list starts afresh, before its first page is asked for (other state that goes with it). */
  onReset?: () => void;
  /** A page that answered for the current query, before the list takes its items. */
  onPage?: (page: P, first: boolean) => void;
}

export interface PagedList<L> {
  list: L[];
  /** The list changed in place (a row acted on), without asking the server again. */
  setList: Dispatch<SetStateAction<L[]>>;
  /** Where the next page starts; null once the last one is loaded. */
  cursor: string | null;
  loading: boolean;
  error: unknown;
  /** The next page, unless one is loading, none is left, or the last try failed (see retry). */
  more: () => void;
  /** Asks again for what failed: the first page again when nothing is loaded, else the next one. */
  retry: () => void;
  /** A check, taken now, of whether the list still answers the same query (for a request made beside it). */
  stamp: () => () => boolean;
}

/**
 * The cursor paging a list page does (the feed, the cases): the first page when the query changes, starting
 * from nothing so that a failure cannot leave the previous query's rows up; more pages on demand; answers of
 * a query left since dropped (the generation); an error kept, with a way to try again.
 */
export function usePagedList<T, P extends PageAnswer<T>, L>(options: PagedListOptions<T, P, L>): PagedList<L> {
  const { fetchPage, restored } = options;
  const [list, setList] = useState<L[]>(restored?.list ?? []);
  const [cursor, setCursor] = useState<string | null>(restored?.cursor ?? null);
  const [loading, setLoading] = useState(!restored);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  // The callbacks as of the last render: they do not restart the list when the page renders them anew.
  const latest = useRef(options);
  latest.current = options;
  // A restored list is not asked for again on the query it was kept for.
  const skip = useRef<typeof fetchPage | null>(restored ? fetchPage : null);

  const load = useCallback(
    async (from: string | null, reset: boolean) => {
      const gen = reset ? ++generation.current : generation.current;
      setLoading(true);
      setError(null);
      if (reset) {
        setList([]);
        setCursor(null);
        latest.current.onReset?.();
      }
      try {
        const page = await fetchPage(from, reset);
        if (gen !== generation.current) return;
        latest.current.onPage?.(page, reset);
        const merge = latest.current.merge;
        setList((prev) => merge(prev, page.items, reset));
        setCursor(page.nextCursor);
      } catch (e) {
        if (gen === generation.current) setError(e);
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    if (skip.current === fetchPage) return;
    skip.current = null;
    void load(null, true);
  }, [load]); // eslint-disable-line react-hooks/exhaustive-deps

  const more = useCallback(() => {
    if (!loading && cursor && error === null) void load(cursor, false);
  }, [loading, cursor, error, load]);

  const empty = list.length === 0;
  const retry = useCallback(() => void load(cursor, empty), [load, cursor, empty]);

  const stamp = useCallback(() => {
    const gen = generation.current;
    return () => gen === generation.current;
  }, []);

  return { list, setList, cursor, loading, error, more, retry, stamp };
}
