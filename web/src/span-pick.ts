/**
 * Choosing the words for a new tag by tapping characters: the first tap marks one character, the
 * second extends the span to the character tapped (either direction), a third starts over.
 *
 * Why taps and not the native selection: on a phone a long-press selects by word (ICU's Chinese
 * word breaks, rarely the span a labeler wants), its drag handles and the OS copy/share menu belong
 * to the platform and differ between Android and iOS, and Chromium's touch emulation cannot produce
 * them at all, so that flow could not be tested. A tap is a plain click on one element everywhere.
 * A native selection (mouse drag on a desktop) is still taken when there is one.
 */

/** One tapped character: [start, end) in its text root (end - start is 2 for a surrogate pair). */
export interface CharTap {
  start: number;
  end: number;
  turnIndex?: number;
  /** The whole text of the root the character is in, to quote the chosen words. */
  rootText: string;
}

export interface PickedSpan {
  start: number;
  end: number;
  turnIndex?: number;
  text: string;
  /** false after the first tap: the next tap in the same text extends the span instead of restarting. */
  complete: boolean;
}

export function nextSpan(prev: PickedSpan | null, tap: CharTap): PickedSpan {
  const base = tap.turnIndex !== undefined ? { turnIndex: tap.turnIndex } : {};
  if (prev && !prev.complete && prev.turnIndex === tap.turnIndex) {
    const start = Math.min(prev.start, tap.start);
    const end = Math.max(prev.end, tap.end);
    return { start, end, ...base, text: tap.rootText.slice(start, end), complete: true };
  }
  return { start: tap.start, end: tap.end, ...base, text: tap.rootText.slice(tap.start, tap.end), complete: false };
}

/** The span as a text root sees it, for highlighting the chosen characters. */
export interface Picking {
  span: { start: number; end: number; turnIndex?: number } | null;
  onChar: (tap: CharTap) => void;
  /** Enter in the text: the keyboard's range becomes the span, in the same form a tap or a selection fills. */
  onPick?: (span: PickedSpan) => void;
  /** Escape in the text. */
  onCancel?: () => void;
  /** Set (to a new number each time) when adding was started from the keyboard: the text takes focus, the caret on its first character. */
  focusRequest?: number;
}

/**
 * A new-tag form's state as every page keeps it: the span so far and, when adding was started from the
 * keyboard, `keys` (the text's focusRequest; still set once Enter chose the span, so the form takes focus).
 */
export type AddingSpan = { span: PickedSpan | null; keys?: number } | null;

/** What the text needs while a page's new-tag form is open: taps, the keyboard's Enter and Escape all go to the form. */
export function pickingFor(adding: AddingSpan, set: (update: (prev: AddingSpan) => AddingSpan) => void, onCancel: () => void): Picking | null {
  if (!adding) return null;
  return {
    span: adding.span,
    onChar: (tap) => set((a) => ({ span: nextSpan(a?.span ?? null, tap) })),
    // keys stays a number (0 asks for no focus) so the form knows the span came from the keyboard.
    onPick: (span) => set((a) => ({ span, keys: a?.keys ?? 0 })),
    onCancel,
    ...(adding.keys !== undefined ? { focusRequest: adding.keys } : {}),
  };
}

/** Where the code point starting at `start` ends (start + 2 for a surrogate pair, so an emoji is never split). */
export function charEnd(text: string, start: number): number {
  return start + ((text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
}

/** Where the code point ending at `end` starts. */
export function charStart(text: string, end: number): number {
  const low = text.charCodeAt(end - 1);
  const high = text.charCodeAt(end - 2);
  return end >= 2 && low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? end - 2 : end - 1;
}

/**
 * Choosing the words with the keyboard alone: the texts a tag can be put in (a comment's text, or each
 * customer turn of a transcript, in order) and a caret over them. `anchor` and `focus` are the UTF-16
 * starts of characters in `roots[root]`: the range runs from one to the other, both included, so the
 * caret alone is one character (as one tap is). A range never leaves its root, so it stays in one turn.
 */
export interface TextRoot {
  text: string;
  turnIndex?: number;
}

export interface Caret {
  root: number;
  anchor: number;
  focus: number;
}

export type CaretMove = 'left' | 'right' | 'home' | 'end';

/** The caret on the first character of the first root, or on the tapped span's first character if there is one. */
export function initialCaret(roots: TextRoot[], from: { start: number; turnIndex?: number } | null): Caret | null {
  const at = from ? roots.findIndex((r) => r.turnIndex === from.turnIndex && from.start < r.text.length) : -1;
  if (at >= 0) return { root: at, anchor: from!.start, focus: from!.start };
  return roots.length > 0 ? { root: 0, anchor: 0, focus: 0 } : null;
}

/**
 * One key: ←/→ a character (a code point), Home/End the first or last character of the root. Moving
 * past a root's end goes on to the next customer turn; extending (Shift) stops at it.
 */
export function moveCaret(roots: TextRoot[], caret: Caret, move: CaretMove, extend: boolean): Caret {
  let root = caret.root;
  let focus = caret.focus;
  const text = roots[root]!.text;
  const last = (s: string) => charStart(s, s.length);
  if (move === 'right') {
    if (charEnd(text, focus) < text.length) focus = charEnd(text, focus);
    else if (!extend && root + 1 < roots.length) [root, focus] = [root + 1, 0];
  } else if (move === 'left') {
    if (focus > 0) focus = charStart(text, focus);
    else if (!extend && root > 0) [root, focus] = [root - 1, last(roots[root - 1]!.text)];
  } else {
    focus = move === 'home' ? 0 : last(text);
  }
  return { root, anchor: extend ? caret.anchor : focus, focus };
}

/** The caret's range as a span (complete: it is what Enter confirms). */
export function caretSpan(roots: TextRoot[], caret: Caret): PickedSpan {
  const { text, turnIndex } = roots[caret.root]!;
  const start = Math.min(caret.anchor, caret.focus);
  const end = charEnd(text, Math.max(caret.anchor, caret.focus));
  return { start, end, ...(turnIndex !== undefined ? { turnIndex } : {}), text: text.slice(start, end), complete: true };
}
