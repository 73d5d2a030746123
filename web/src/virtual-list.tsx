import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

interface Props<T> {
  items: T[];
  itemKey: (item: T) => string;
  estimate: number;
  render: (item: T, index: number) => ReactNode;
  overscan?: number;
  onEndReached?: () => void;
  /**
   * Changes when more may be loadable (a list's next cursor): the end is checked again, for a page that
   * added no row (its items all joined the last one, as a long transcript's tags join its card) leaves
   * the end in view with nothing scrolled or grown to say so.
   */
  endKey?: unknown;
  className?: string;
  footer?: ReactNode;
  /** Index to keep visible (e.g. the selected row). */
  scrollToIndex?: number;
  initialScrollTop?: number;
  onScroll?: (top: number) => void;
  /** Measured heights that outlive the component, so a restored scroll position lands on the same rows. */
  heightCache?: Map<string, number>;
}

/**
 * Windowed list with measured row heights: rows render at an estimate, then a ResizeObserver
 * records their real height so offsets converge without a layout library.
 */
export function VirtualList<T>(props: Props<T>) {
  const { items, itemKey, estimate, render, overscan = 6, onEndReached, endKey, className, footer, scrollToIndex, initialScrollTop, onScroll } = props;
  const scrollRef = useRef(onScroll);
  scrollRef.current = onScroll;
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(props.heightCache ?? new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });

  const offsets = useMemo(() => {
    const out = new Array<number>(items.length + 1);
    out[0] = 0;
    for (let i = 0; i < items.length; i++) {
      out[i + 1] = out[i]! + (heights.current.get(itemKey(items[i]!)) ?? estimate);
    }
    return out;
    // version bumps when a measured height changes: heights is a ref, so version is what says it changed
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, itemKey, estimate, version]);

  const total = offsets[items.length] ?? 0;

  let first = 0;
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1]! <= viewport.top) lo = mid + 1;
    else hi = mid;
  }
  first = Math.max(0, lo - overscan);
  let last = lo;
  while (last < items.length && offsets[last]! < viewport.top + viewport.height) last++;
  last = Math.min(items.length, last + overscan);

  const observer = useMemo(
    () =>
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const e of entries) {
              const el = e.target as HTMLElement;
              const key = el.dataset.vkey;
              // A list folded away (the label queue's drawer, closed on a phone) reports every row at 0 px:
              // kept, those heights made the rows reopen stacked at the top, and the first real measure then
              // unmounted rows as they fell out of view, taking the focus Tab had just moved there with them.
              if (!key || !el.isConnected || el.getClientRects().length === 0) continue;
              const h = el.offsetHeight;
              if (heights.current.get(key) !== h) {
                heights.current.set(key, h);
                changed = true;
              }
            }
            if (changed) setVersion((v) => v + 1);
          }),
    [],
  );
  useEffect(() => () => observer?.disconnect(), [observer]);

  const measure = useCallback(
    (el: HTMLDivElement | null) => {
      if (!el || !observer) return;
      observer.observe(el);
      return () => observer.unobserve(el);
    },
    [observer],
  );

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => {
      setViewport({ top: el.scrollTop, height: el.clientHeight });
      scrollRef.current?.(el.scrollTop);
    };
    if (initialScrollTop) el.scrollTop = initialScrollTop;
    update();
    el.addEventListener('scroll', update, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      ro?.disconnect();
    };
    // once, on mount: initialScrollTop is where the list starts, not something to follow later
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const endRef = useRef(onEndReached);
  endRef.current = onEndReached;
  useEffect(() => {
    if (items.length > 0 && last >= items.length - 2) endRef.current?.();
  }, [last, items.length, endKey]);

  useEffect(() => {
    const el = scroller.current;
    if (!el || scrollToIndex === undefined || scrollToIndex < 0 || scrollToIndex >= items.length) return;
    const top = offsets[scrollToIndex]!;
    const bottom = offsets[scrollToIndex + 1]!;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight;
    // only react to selection changes, not to re-measurement
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scrollToIndex]);

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i]!;
    const key = itemKey(item);
    rows.push(
      <div key={key} data-vkey={key} ref={measure} className="vrow" style={{ top: offsets[i] }}>
        {render(item, i)}
      </div>,
    );
  }

  return (
    <div ref={scroller} className={`vlist ${className ?? ''}`}>
      <div className="vlist-inner" style={{ height: total }}>
        {rows}
      </div>
      {footer}
    </div>
  );
}
