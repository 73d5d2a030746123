import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from './i18n';
import { caretSpan, initialCaret, moveCaret, type Caret, type CaretMove, type Picking, type TextRoot } from './span-pick';

const MOVES: Record<string, CaretMove> = { ArrowLeft: 'left', ArrowRight: 'right', Home: 'home', End: 'end' };

/** The keyboard's range in one text root, for drawing it: [start, end) and the caret's character. */
export interface CaretMarks {
  start: number;
  end: number;
  at: number;
}

/**
 * Choosing a new tag's words with the keyboard alone. While a page's new-tag form is open the text
 * (a comment, or a transcript's turns) is one focusable region with a caret on a character: ←/→ move
 * it by code point, Shift extends the range within one text root (one customer turn), Home/End, Enter
 * hands the range to the form (Picking.onPick), Escape cancels. What the range holds is said in a live
 * region. The caret shows once the region is reached from the keyboard (Tab, n, a key-pressed button);
 * a tap or a mouse selection keeps its own way.
 */
export function useKeyPicking(roots: TextRoot[], picking: Picking | null | undefined) {
  const { t } = useI18n();
  const region = useRef<HTMLDivElement>(null);
  const [caret, setCaret] = useState<Caret | null>(null);
  const [said, setSaid] = useState('');
  const pointer = useRef(false);
  const active = !!picking;

  const show = (next: Caret | null) => {
    setCaret(next);
    if (!next) return;
    const span = caretSpan(roots, next);
    setSaid(t(next.anchor === next.focus ? 'pickCaret' : 'pickRange', { text: span.text, n: [...span.text].length }));
  };

  useEffect(() => {
    if (active) return;
    setCaret(null);
    setSaid('');
  }, [active]);

  const focusRequest = picking?.focusRequest;
  useEffect(() => {
    // focus() runs onFocus below, which puts the caret on the first character.
    if (active && focusRequest) region.current?.focus();
  }, [active, focusRequest]);

  useEffect(() => {
    region.current?.querySelector('.ch-caret')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [caret]);

  if (!picking) return { region, regionProps: {}, caretIn: () => null, said, picking };

  const start = () => initialCaret(roots, picking.span);
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const move = MOVES[e.key];
    if (move || e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      if (!caret) show(start());
      else if (move) show(moveCaret(roots, caret, move, e.shiftKey));
      else picking.onPick?.(caretSpan(roots, caret));
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      e.currentTarget.blur();
      picking.onCancel?.();
    } else if (e.key.length === 1 || e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      // The page's shortcuts (a accepts the document, ↑↓ step through its tags) wait while words are being chosen.
      e.stopPropagation();
    }
  };

  const turns = roots.some((r) => r.turnIndex !== undefined);
  const regionProps = {
    tabIndex: 0,
    role: 'application',
    'aria-label': t(turns ? 'pickRegionTurns' : 'pickRegion'),
    'data-pick-region': '',
    onKeyDown,
    onPointerDown: () => {
      pointer.current = true;
    },
    onFocus: (e: { target: EventTarget; currentTarget: EventTarget }) => {
      if (e.target !== e.currentTarget) return;
      if (!pointer.current && !caret) show(start());
      pointer.current = false;
    },
    onBlur: () => {
      pointer.current = false;
    },
  };

  const caretIn = (turnIndex: number | undefined): CaretMarks | null => {
    if (!caret || roots[caret.root]?.turnIndex !== turnIndex) return null;
    const span = caretSpan(roots, caret);
    return { start: span.start, end: span.end, at: caret.focus };
  };

  // A tap starts over from the tapped character: the next key puts the caret there.
  const tapping: Picking = {
    ...picking,
    onChar: (tap) => {
      setCaret(null);
      picking.onChar(tap);
    },
  };

  return { region, regionProps, caretIn, said, picking: tapping };
}
