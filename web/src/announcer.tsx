import { createContext, useCallback, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

type Announce = (text: string, owner: object) => void;

const AnnounceContext = createContext<Announce>(() => undefined);

/**
 * The page's one polite live region. Each document body used to carry its own, always there and empty:
 * fifty of them on a feed, which some screen readers list or re-read as the page changes. One region sits
 * here for the whole console, present before anything is said in it (so the first announcement is taken
 * too), and holds text only while a component has something to say.
 */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [said, setSaid] = useState<{ text: string; owner: object | null }>({ text: '', owner: null });
  const announce = useCallback<Announce>((text, owner) => {
    setSaid((prev) => {
      // Clearing is for whoever said the current text: another body going quiet does not silence it.
      if (!text) return prev.owner === owner ? { text: '', owner: null } : prev;
      return { text, owner };
    });
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div className="sr-only" aria-live="polite" data-announcer="" data-pick-said="">
        {said.text}
      </div>
    </AnnounceContext.Provider>
  );
}

/** Puts `text` in the page's live region while it is not empty; an empty text or unmounting clears what this caller said. */
export function useAnnounce(text: string): void {
  const announce = useContext(AnnounceContext);
  const owner = useRef({});
  // A layout effect: the region changes in the same task as the key that moved the caret, as it did when
  // each body had its own region, not a frame later.
  useLayoutEffect(() => {
    announce(text, owner.current);
  }, [text, announce]);
  useLayoutEffect(() => {
    const me = owner.current;
    return () => announce('', me);
  }, [announce]);
}
