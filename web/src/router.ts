import { useEffect, useState } from 'react';

export interface Route {
  path: string[];
  params: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [p = '', q = ''] = raw.split('?', 2);
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const on = () => setRoute(parse(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function href(path: string, params?: Record<string, string | undefined | null>): string {
  const p = new URLSearchParams();
  if (params) for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const s = p.toString();
  return `#/${path}${s ? `?${s}` : ''}`;
}

/**
 * Which of this tab's history entries the console is on, counted from the one it was opened at (0), kept
 * in history.state so a reload and back/forward keep it. A page's ← 返回 goes back only over an entry of
 * the console's own: history.length also counts what the tab showed before (a new tab's start page, the
 * site a link was followed from), where going back left the console.
 */
const ENTRY = 'guandianEntry';
let entry = 0;

function entryOf(state: unknown): number | null {
  const v = state && typeof state === 'object' ? (state as Record<string, unknown>)[ENTRY] : undefined;
  return typeof v === 'number' ? v : null;
}

/** Numbers an entry the console has not seen yet (the first, or one a link added), else reads its number. */
function stampEntry(first: boolean): void {
  const at = entryOf(history.state);
  if (at !== null) {
    entry = at;
    return;
  }
  entry = first ? 0 : entry + 1;
  history.replaceState({ ...((history.state as object | null) ?? {}), [ENTRY]: entry }, '');
}

if (typeof window !== 'undefined' && typeof history !== 'undefined') {
  stampEntry(true);
  window.addEventListener('hashchange', () => stampEntry(false));
}

/** Whether the entry before this one is the console's: then "back" is history.back(), else a link. */
export function canGoBackInApp(): boolean {
  return entry > 0;
}

export function navigate(path: string, params?: Record<string, string | undefined | null>, replace = false): void {
  const h = href(path, params);
  // a replaced entry keeps its number
  if (replace) history.replaceState(history.state, '', h);
  else location.hash = h;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}
