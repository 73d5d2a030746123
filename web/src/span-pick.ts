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
}
