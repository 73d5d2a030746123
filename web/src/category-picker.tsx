import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { textLang, useI18n } from './i18n';
import { coarsePointer } from './touch';
import { trapTab, useRestoreFocus } from './focus';

interface Props {
  current?: string;
  onPick: (id: string) => void;
  onClose: () => void;
}

/**
 * Keyboard-first picker: type to filter (Chinese, English, id or number), arrows to move, Enter to
 * choose; on a touch screen every category is a full-height row to tap. Rendered into <body> so a
 * card in a virtual list (positioned rows) cannot clip or offset it.
 */
export function CategoryPicker({ current, onPick, onClose }: Props) {
  const { t, categories, categoryName } = useI18n();
  const [q, setQ] = useState('');
  const numbered = useMemo(() => categories.map((c, i) => ({ ...c, n: i + 1 })), [categories]);
  // The first render already highlights what the effect below keeps in step: starting from row 0 showed 价格费用
  // highlighted for a frame, and an Enter pressed in that frame filed it.
  const [active, setActive] = useState(() => numbered.findIndex((c) => c.id === current));
  const input = useRef<HTMLInputElement>(null);
  useRestoreFocus();

  const list = useMemo(() => {
    const s = q.trim().toLowerCase();
    if (!s) return numbered;
    if (/^\d+$/.test(s)) return numbered.filter((c) => String(c.n).startsWith(s));
    return numbered.filter((c) => c.zh.includes(s) || c.en.toLowerCase().includes(s) || c.id.includes(s));
  }, [q, numbered]);

  useEffect(() => {
    // Focusing the filter on a phone raises the on-screen keyboard over half of the list to tap.
    if (!coarsePointer()) input.current?.focus();
  }, []);
  // With nothing typed and no current category (a new tag), nothing is highlighted: Enter right away
  // must not file the first category (价格费用) for the labeler. A filter or an arrow key picks a row.
  useEffect(() => {
    const i = q ? 0 : numbered.findIndex((c) => c.id === current);
    setActive(i);
  }, [q, current, numbered]);

  const key = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(list.length - 1, Math.max(-1, a) + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const c = active >= 0 ? list[active] : undefined;
      if (c) onPick(c.id);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
    // Tab goes on to the dialog's trap.
    if (e.key !== 'Tab') e.stopPropagation();
  };

  return createPortal(
    <div className="overlay" onMouseDown={onClose}>
      <div
        className="picker"
        role="dialog"
        aria-modal="true"
        aria-label={t('pickCategory')}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          trapTab(e);
          // Escape from the cancel button too, not only from the filter field.
          if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
          e.stopPropagation();
        }}
      >
        <div className="picker-head">{t('pickCategory')}</div>
        <input
          ref={input}
          className="picker-input"
          value={q}
          lang={textLang(q)}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={key}
          placeholder={t('pickHint')}
          aria-label={t('pickCategory')}
        />
        <ul className="picker-list" role="listbox">
          {list.map((c, i) => (
            <li
              key={c.id}
              role="option"
              aria-selected={i === active}
              data-category={c.id}
              className={`${i === active ? 'active' : ''} ${c.id === current ? 'current' : ''}`}
              onMouseEnter={() => setActive(i)}
              onClick={() => onPick(c.id)}
            >
              <span className="picker-n">{c.n}</span>
              <span>{categoryName(c.id)}</span>
              <span className="muted small">{c.id}</span>
            </li>
          ))}
        </ul>
        <div className="picker-foot muted small">
          <span className="picker-keys">{t('pickHint')}</span>
          <button type="button" className="btn btn-small" data-action="cancel-picker" onClick={onClose}>
            {t('cancel')}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
