import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

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
