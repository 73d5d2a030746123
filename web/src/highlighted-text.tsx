import { useId, useMemo, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import type { Doc, Polarity, Tag } from './api';
import { useAnnounce } from './announcer';
import { paren, POLARITIES, TEXT_LANG, useI18n, type MsgKey } from './i18n';
import { useKeyPicking, type CaretMarks } from './key-picking';
import { charEnd, type Picking, type TextRoot } from './span-pick';
import { TagLabel } from './tag-chip';

interface Segment {
  start: number;
  end: number;
  tags: Tag[];
}

/** Splits text at every span boundary so overlapping tags still produce flat, non-nested marks. */
function segments(text: string, tags: Tag[]): Segment[] {
  const len = text.length;
  const valid = tags.filter((t) => t.span && t.span.start < t.span.end && t.span.start < len && t.span.end > 0);
  const cuts = new Set<number>([0, len]);
  for (const t of valid) {
    cuts.add(Math.max(0, t.span.start));
    cuts.add(Math.min(len, t.span.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    if (end <= start) continue;
    out.push({ start, end, tags: valid.filter((t) => t.span.start <= start && t.span.end >= end) });
  }
  return out;
}

interface TextProps {
  text: string;
  tags: Tag[];
  selectedTagId?: string | null;
  emphasize?: Set<string>;
  onTagClick?: (tag: Tag) => void;
  /** Set while a new tag's words are being chosen: every character becomes a tap target. */
  picking?: Picking;
  /** The keyboard's range and caret in this text (see useKeyPicking). */
  caret?: CaretMarks | null;
  turnIndex?: number;
  /** Tag id → id of its description, which lives outside the text root (see TagDescriptions). */
  descriptionIds?: Map<string, string>;
}

/**
 * One element per character (per code point, so a surrogate pair stays whole). Each carries
 * data-start like the segments do, so a mouse selection across them still maps to offsets.
 */
function pickableChars(text: string, from: number, to: number, picking: Picking, turnIndex: number | undefined, caret: CaretMarks | null | undefined): ReactNode[] {
  const out: ReactNode[] = [];
  const span = picking.span;
  for (let i = from; i < to; ) {
    const start = i;
    const end = Math.min(to, charEnd(text, start));
    const on = !!span && span.start <= start && end <= span.end;
    const keyed = !!caret && caret.start <= start && end <= caret.end;
    out.push(
      <span
        key={start}
        className={['ch', on && 'ch-on', keyed && 'ch-key', caret?.at === start && 'ch-caret'].filter(Boolean).join(' ')}
        data-start={start}
        data-ch={start}
        onClick={(e) => {
          e.stopPropagation();
          picking.onChar({ start, end, rootText: text, ...(turnIndex !== undefined ? { turnIndex } : {}) });
        }}
      >
        {text.slice(start, end)}
      </span>,
    );
    i = end;
  }
  return out;
}

/**
 * Every text segment carries data-start so a DOM selection can be mapped back to UTF-16 offsets
 * (see selectionOffsets). Text goes through React children only, so markup in feedback stays inert.
 */
export function HighlightedText({ text, tags, selectedTagId, emphasize, onTagClick, picking, caret, turnIndex, descriptionIds }: TextProps) {
  const { tagLabel, categoryName } = useI18n();
  return (
    <>
      {segments(text, tags).map((seg) => {
        const slice = picking ? pickableChars(text, seg.start, seg.end, picking, turnIndex, caret) : text.slice(seg.start, seg.end);
        if (seg.tags.length === 0) {
          return (
            <span key={seg.start} data-start={seg.start}>
              {slice}
            </span>
          );
        }
        const selected = seg.tags.find((t) => t.id === selectedTagId);
        const lead = selected ?? seg.tags[0]!;
        const cls = [
          'hl',
          `hl-${lead.polarity}`,
          selected ? 'hl-selected' : '',
          emphasize && seg.tags.some((t) => emphasize.has(t.id)) ? 'hl-match' : '',
        ]
          .filter(Boolean)
          .join(' ');
        // Every tag on the segment is described, the one a click would open first. Attributes only:
        // a text node here would shift the offsets that selections are mapped through.
        const describedBy =
          [lead, ...seg.tags.filter((t) => t !== lead)]
            .map((t) => descriptionIds?.get(t.id))
            .filter(Boolean)
            .join(' ') || undefined;
        const clickable = onTagClick && !picking;
        const open = clickable
          ? {
              role: 'button',
              tabIndex: 0,
              'aria-current': selected ? ('true' as const) : undefined,
              onClick: (e: MouseEvent<HTMLElement>) => {
                // A drag inside the highlight selects words for a new tag (n, + New tag): it is no click on
                // the tag, and selecting the tag or moving focus must leave that selection alone.
                const sel = window.getSelection();
                if (sel && !sel.isCollapsed && sel.rangeCount > 0 && e.currentTarget.contains(sel.getRangeAt(0).commonAncestorContainer)) return;
                onTagClick(lead);
                // A pointer click hands focus back to the page as it did before highlights could take
                // focus, so the labeling page's Tab (which steps through tags only while nothing is
                // focused) still goes to the next tag after a click.
                if (e.detail > 0) e.currentTarget.blur();
              },
              onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
                if (e.key !== 'Enter' && e.key !== ' ') return;
                // Space would otherwise scroll the page.
                e.preventDefault();
                onTagClick(lead);
              },
            }
          : {};
        return (
          <mark
            key={seg.start}
            data-start={seg.start}
            data-tag-id={lead.id}
            data-polarity={lead.polarity}
            className={cls}
            title={seg.tags.map((t) => `${tagLabel(t)} · ${categoryName(t.category)} · ${t.confidence.toFixed(2)}`).join('\n')}
            aria-describedby={describedBy}
            {...open}
          >
            {slice}
          </mark>
        );
      })}
    </>
  );
}

interface DocProps {
  doc: Doc;
  tags?: Tag[];
  selectedTagId?: string | null;
  emphasize?: Set<string>;
  onTagClick?: (tag: Tag) => void;
  compact?: boolean;
  picking?: Picking | null;
}

/**
 * What each highlight means, in words, for screen readers. It sits next to the text root rather than
 * in it, because offsets are read from the root's textContent; `hidden` keeps it out of the reading
 * order while aria-describedby still reaches it.
 */
function TagDescriptions({ tags, ids }: { tags: Tag[]; ids: Map<string, string> }) {
  const { lang, t, tagLabel, categoryName } = useI18n();
  if (tags.length === 0) return null;
  return (
    <div hidden className="hl-descriptions">
      {tags.map((tag) => (
        <span key={tag.id} id={ids.get(tag.id)}>
          {/* Labels name the polarity ("负向评价: …", "Negative: …"); one that does not still gets it said. */}
          {!tagLabel(tag).startsWith(t(tag.polarity)) && `${t(tag.polarity)}: `}
          <TagLabel tag={tag} />
          {paren(lang, categoryName(tag.category))}
        </span>
      ))}
    </div>
  );
}

/** A document with nothing to read or tag: a survey answer sent with its score alone. */
export function hasNoText(doc: Pick<Doc, 'text' | 'turns'>): boolean {
  return doc.text === null && !doc.turns?.length;
}

/** The texts a tag can be put in: a comment's text, or each customer turn of a transcript. */
function textRoots(doc: Doc): TextRoot[] {
  if (doc.turns && doc.turns.length > 0) return doc.turns.flatMap((turn, i) => (turn.speaker === 'customer' && turn.text ? [{ text: turn.text, turnIndex: i }] : []));
  const text = doc.text ?? doc.normalizedText ?? '';
  return text ? [{ text }] : [];
}

export function DocumentBody({ doc, tags = doc.tags, selectedTagId, emphasize, onTagClick, compact, picking: given }: DocProps) {
  const { t } = useI18n();
  const uid = useId();
  const descriptionIds = useMemo(() => new Map(tags.map((tag, i) => [tag.id, `${uid}tag${i}`])), [tags, uid]);
  const roots = useMemo(() => textRoots(doc), [doc]);
  const { region, regionProps, caretIn, said, picking } = useKeyPicking(roots, given);
  // The keyboard's range is said aloud in the page's one live region, not in one of its own per body.
  useAnnounce(said);
  // Beside the text roots, whose textContent gives the offsets.
  const descriptions = <TagDescriptions tags={tags} ids={descriptionIds} />;
  // a survey answer of its score alone: an empty box would read as text that failed to load
  if (hasNoText(doc)) return <p className="muted no-comment">{t('noComment')}</p>;
  if (doc.turns && doc.turns.length > 0) {
    return (
      <div ref={region} className={`turns ${compact ? 'turns-compact' : ''} ${picking ? 'picking' : ''}`} {...regionProps}>
        {doc.turns.map((turn, i) => {
          // Opinions are only mined from what the customer says, and the API only keeps tags there:
          // other turns stay plain and are no selection root, so no tag can be started in them.
          const customer = turn.speaker === 'customer';
          const turnTags = customer ? tags.filter((tag) => tag.turnIndex === i) : [];
          return (
            <div key={i} className={`turn turn-${turn.speaker}`} data-turn={i} data-taggable={customer ? undefined : 'false'}>
              <span className="speaker">{t(turn.speaker)}</span>
              <span className="turn-text" lang={TEXT_LANG} data-text-root={customer ? i : undefined}>
                <HighlightedText
                  text={turn.text}
                  tags={turnTags}
                  selectedTagId={selectedTagId}
                  emphasize={emphasize}
                  onTagClick={onTagClick}
                  // Only customer turns can take a tag, so only their characters can be tapped.
                  picking={customer && picking ? { ...picking, span: picking.span?.turnIndex === i ? picking.span : null } : undefined}
                  caret={caretIn(i)}
                  turnIndex={i}
                  descriptionIds={descriptionIds}
                />
              </span>
            </div>
          );
        })}
        {descriptions}
      </div>
    );
  }
  return (
    <>
      <div ref={region} className={`doc-text ${picking ? 'picking' : ''}`} lang={TEXT_LANG} data-text-root="" {...regionProps}>
        <HighlightedText
          text={doc.text ?? doc.normalizedText ?? ''}
          tags={tags}
          selectedTagId={selectedTagId}
          emphasize={emphasize}
          onTagClick={onTagClick}
          picking={picking ?? undefined}
          caret={caretIn(undefined)}
          descriptionIds={descriptionIds}
        />
      </div>
      {descriptions}
    </>
  );
}

const UNDERLINE_KEY: Record<Polarity, MsgKey> = { positive: 'hlSolid', negative: 'hlWavy', neutral: 'hlDotted' };

/**
 * Says which underline means which polarity: the underline's shape carries it as well as its colour,
 * so it reads in greyscale and with colour blindness (WCAG 1.4.1).
 */
export function HighlightLegend() {
  const { t } = useI18n();
  return (
    <div className="hl-legend small">
      <span className="muted">{t('hlLegend')}</span>
      {POLARITIES.map((p) => (
        <span key={p} className="hl-legend-item" data-legend={p}>
          <span className={`hl hl-${p}`}>{t(p)}</span> <span className="muted">{t(UNDERLINE_KEY[p])}</span>
        </span>
      ))}
    </div>
  );
}

function offsetIn(node: Node, offset: number): { root: HTMLElement; pos: number } | null {
  const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as HTMLElement);
  const seg = el?.closest<HTMLElement>('[data-start]');
  const root = el?.closest<HTMLElement>('[data-text-root]');
  if (!root) return null;
  if (!seg) {
    // Selection anchored on the root itself (e.g. triple-click): offset counts child segments.
    const child = root.childNodes[offset] as HTMLElement | undefined;
    const start = child?.dataset?.start;
    return { root, pos: start !== undefined ? Number(start) : (root.textContent ?? '').length };
  }
  const base = Number(seg.dataset.start);
  if (node.nodeType === Node.TEXT_NODE) return { root, pos: base + offset };
  // An element boundary (e.g. after a per-character element while picking) counts its children's text.
  let within = 0;
  for (let k = 0; k < offset && k < node.childNodes.length; k++) within += (node.childNodes[k]!.textContent ?? '').length;
  return { root, pos: base + (node === seg ? within : 0) };
}

/** True when the window selection starts or ends in a turn that cannot carry tags (agent, system). */
export function selectionInUntaggable(container: HTMLElement | null): boolean {
  const sel = window.getSelection();
  if (!container || !sel || sel.rangeCount === 0 || sel.isCollapsed) return false;
  const range = sel.getRangeAt(0);
  const inside = (node: Node) => {
    const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as HTMLElement);
    return container.contains(el) && !!el?.closest('[data-taggable="false"]');
  };
  return inside(range.startContainer) || inside(range.endContainer);
}

/** Maps the current window selection to a span inside one text root, or null when it crosses roots. */
export function selectionOffsets(container: HTMLElement | null): { start: number; end: number; turnIndex?: number; text: string } | null {
  const sel = window.getSelection();
  if (!container || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!container.contains(range.commonAncestorContainer)) return null;
  const a = offsetIn(range.startContainer, range.startOffset);
  const b = offsetIn(range.endContainer, range.endOffset);
  if (!a || !b || a.root !== b.root) return null;
  const start = Math.min(a.pos, b.pos);
  const end = Math.max(a.pos, b.pos);
  if (end <= start) return null;
  const rootText = a.root.textContent ?? '';
  const turnAttr = a.root.dataset.textRoot;
  const out: { start: number; end: number; turnIndex?: number; text: string } = { start, end, text: rootText.slice(start, end) };
  if (turnAttr) out.turnIndex = Number(turnAttr);
  return out;
}

export function PolarityDot({ polarity }: { polarity: string }): ReactNode {
  return <span className={`dot dot-${polarity}`} />;
}
