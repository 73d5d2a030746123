import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';

/**
 * A modal hands focus back to whatever opened it when it closes; otherwise focus falls to <body> and a
 * keyboard or screen-reader user starts again from the top of the page.
 */
export function useRestoreFocus(): void {
  // Read while rendering: by the time effects run, an autoFocus child has already taken focus.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null));
  // A layout cleanup runs before the dialog's nodes leave the document, so focus never falls to <body>.
  useLayoutEffect(() => {
    return () => {
      const at = document.activeElement;
      const inDialog = !at || at === document.body || Boolean(at.closest('[role=dialog]'));
      if (opener?.isConnected && inDialog) opener.focus();
    };
  }, [opener]);
}

/** Keeps Tab and Shift+Tab cycling inside the dialog whose keydown this is. */
export function trapTab(e: KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'Tab') return;
  const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>('button:not(:disabled), [href], input:not(:disabled), select, textarea, [tabindex]:not([tabindex="-1"])')];
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  const inside = e.currentTarget.contains(document.activeElement);
  if (!inside || (e.shiftKey ? document.activeElement === first : document.activeElement === last)) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
}

/**
 * When a form closes and takes the focused element with it (the new-tag form and its text region, on
 * add or cancel), focus goes to the element `target` names, shown again (the new-tag button it was
 * started from), rather than to <body>. `target` is read on closing; null leaves focus alone.
 */
export function useFocusOnClose(open: boolean, target: () => string | null): void {
  const was = useRef(open);
  const read = useRef(target);
  read.current = target;
  useEffect(() => {
    const closed = was.current && !open;
    was.current = open;
    const selector = closed ? read.current() : null;
    const at = document.activeElement;
    if (selector && (!at || at === document.body)) document.querySelector<HTMLElement>(selector)?.focus();
  }, [open]);
}

/**
 * Keeps a keyboard user's place inside `container` (a feed card, the document page) when what had focus
 * goes away: the tag-actions panel closing or deleted with its tag, a button disabled while a correction
 * is saved, the undo note going. Focus would fall to <body> and the next Tab start from the top of the
 * page. Once nothing is being saved, focus goes back to the element that had it, if it is still there
 * and enabled; else to the first of `fallbacks` (selectors inside the container) that is, given the tag
 * the lost element belonged to. Focus the user moved elsewhere, or a click on plain text, is left alone.
 */
export function useFocusRescue(container: RefObject<HTMLElement | null>, busy: boolean, fallbacks: (tagId: string | null) => (string | null)[]): void {
  const last = useRef<HTMLElement | null>(null);
  const read = useRef(fallbacks);
  read.current = fallbacks;
  useEffect(() => {
    const focusin = (e: FocusEvent) => {
      const el = e.target instanceof HTMLElement ? e.target : null;
      last.current = el && container.current?.contains(el) ? el : null;
    };
    // A press on something that takes no focus (text, a highlight) moves focus to <body> on purpose.
    const pointerdown = () => {
      last.current = null;
    };
    document.addEventListener('focusin', focusin);
    document.addEventListener('pointerdown', pointerdown, true);
    return () => {
      document.removeEventListener('focusin', focusin);
      document.removeEventListener('pointerdown', pointerdown, true);
    };
  }, [container]);
  useEffect(() => {
    const lost = last.current;
    const at = document.activeElement;
    if (busy || !lost || (at && at !== document.body) || !container.current) return;
    const usable = (el: HTMLElement | null): el is HTMLElement => !!el && el.isConnected && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0;
    const tagId = lost.closest<HTMLElement>('[data-tag-id]')?.dataset.tagId ?? lost.closest<HTMLElement>('[data-removed]')?.dataset.removed ?? null;
    const root = container.current;
    for (const el of [lost, ...read.current(tagId).map((s) => (s ? root.querySelector<HTMLElement>(s) : null))]) {
      if (!usable(el)) continue;
      el.focus();
      if (document.activeElement === el) return;
    }
  });
}

/**
 * A sidebar folded into a drawer over the page on a phone (the feed's filters): opening it moves focus to its
 * first control, since it covers the page, whose hidden cards Tab would otherwise walk through; closing it
 * gives focus back to the button that opens it instead of letting it fall to <body> with the drawer's buttons.
 * Focus the user moved elsewhere meanwhile is left alone.
 */
export function useDrawerFocus(open: boolean, drawer: RefObject<HTMLElement | null>, toggle: RefObject<HTMLElement | null>): void {
  const was = useRef(open);
  useEffect(() => {
    const opened = open && !was.current;
    const closed = !open && was.current;
    was.current = open;
    if (opened) drawer.current?.querySelector<HTMLElement>('button, [href], input, select, textarea')?.focus();
    if (closed) {
      const at = document.activeElement;
      if (!at || at === document.body || drawer.current?.contains(at)) toggle.current?.focus();
    }
  }, [open, drawer, toggle]);
}

/**
 * The keys of a drawer (useDrawerFocus) while it covers the page: Tab walked on from its last control into the
 * page hidden under it, and only its close button closed it. Tab stays in it and Escape closes it, as in the
 * console's dialogs; not once the window is wide again, where it is a sidebar or an inline form, open or not.
 */
export function drawerKeys(open: boolean, close: () => void): (e: KeyboardEvent<HTMLElement>) => void {
  return (e) => {
    if (!open || getComputedStyle(e.currentTarget).position !== 'absolute') return;
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else trapTab(e);
  };
}
