import { useCallback, useEffect, useState } from 'react';
import { api, type Doc } from './api';

// Feed cards each need their parent document; cache so scrolling back and forth does not refetch.
const cache = new Map<string, Promise<Doc>>();

export function fetchDoc(id: string, fresh = false): Promise<Doc> {
  let p = fresh ? undefined : cache.get(id);
  if (!p) {
    p = api.document(id);
    cache.set(id, p);
    p.catch(() => cache.delete(id));
  }
  return p;
}

export function primeDoc(doc: Doc): void {
  cache.set(doc.id, Promise.resolve(doc));
}

// Bumped by corrections made outside the feed (the labeling queue): they may move tags into or out of
// a remembered feed query, so the feed refetches instead of restoring what it had.
let epoch = 0;

export function noteCorrection(): void {
  epoch++;
}

export function correctionEpoch(): number {
  return epoch;
}

export function clearDocCache(): void {
  cache.clear();
}

/**
 * `retry` fetches the document again: after a failure (the cache dropped the failed request), or, with
 * `fresh`, to follow a document whose analysis is under way.
 */
export function useDoc(id: string | null, fresh = false): { doc: Doc | null; error: Error | null; retry: () => void } {
  const [state, setState] = useState<{ doc: Doc | null; error: Error | null }>({ doc: null, error: null });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  useEffect(() => {
    if (!id) return;
    let live = true;
    // Asked again for the document shown (a document page following its analysis), it stays on screen
    // until the new copy arrives.
    setState((s) => (s.doc?.id === id ? { doc: s.doc, error: null } : { doc: null, error: null }));
    fetchDoc(id, fresh).then(
      (doc) => live && setState({ doc, error: null }),
      (error: Error) => live && setState({ doc: null, error }),
    );
    return () => {
      live = false;
    };
  }, [id, fresh, attempt]);
  return { ...state, retry };
}
