import { useEffect, useId, useRef, useState } from 'react';
import type { Polarity, Tag } from './api';
import { CategoryOptions } from './category-options';
import { CategoryPicker } from './category-picker';
import { POLARITIES, useI18n } from './i18n';
import { TagLabel } from './tag-chip';
import type { PickedSpan } from './span-pick';
import { coarsePointer } from './touch';

/**
 * Buttons for everything a labeler does to one tag, so no step needs a key or a hover: polarity as
 * three buttons, the category through the picker dialog, delete. The same on every page that
 * corrects tags (queue, feed cards, document detail).
 */
export function TagActions({
  tag,
  busy,
  onPolarity,
  onCategory,
  onDelete,
  onClose,
}: {
  tag: Tag;
  busy?: boolean;
  onPolarity: (p: Polarity) => void;
  /** Asks the page to open the category picker, so the page knows a dialog owns the keyboard. */
  onCategory: () => void;
  onDelete: () => void;
  onClose?: () => void;
}) {
  const { t, lang, tagLabel, categoryName } = useI18n();
  const nameId = useId();
  return (
    <div
      className="tag-actions"
      role="group"
      {...(lang === 'zh' ? { 'aria-label': `${t('editTag')}: ${tagLabel(tag)}` } : { 'aria-labelledby': nameId })}
      data-tag-id={tag.id}
    >
      {/* on the English console the group is named by this (hidden: read as the name, not again as content), where the phrase is marked as Chinese (tag-chip.tsx, namedByTag) */}
      {lang === 'en' && (
        <span id={nameId} hidden>
          {t('editTag')}: <TagLabel tag={tag} />
        </span>
      )}
      <div className="seg" role="radiogroup" aria-label={t('polarity')}>
        {POLARITIES.map((p) => (
          <button
            key={p}
            type="button"
            role="radio"
            aria-checked={tag.polarity === p}
            data-action="polarity"
            data-polarity={p}
            className={`seg-btn seg-${p} ${tag.polarity === p ? 'on' : ''}`}
            disabled={busy}
            onClick={() => tag.polarity !== p && onPolarity(p)}
          >
            {t(p)}
          </button>
        ))}
      </div>
      <button type="button" className="btn btn-small cat-btn" data-action="category" data-category={tag.category} disabled={busy} onClick={onCategory}>
        {t('category')}: {categoryName(tag.category)} ▾
      </button>
      <button type="button" className="btn btn-small btn-danger" data-action="delete-tag" disabled={busy} onClick={onDelete}>
        {t('deleteTag')}
      </button>
      {onClose && (
        <button type="button" className="btn btn-small" data-action="close-tag" onClick={onClose}>
          {t('close')}
        </button>
      )}
    </div>
  );
}

/**
 * The new-tag form under a text whose characters can be tapped (or, with a mouse, selected):
 * says what to do until a span is chosen, then quotes it and takes polarity and category. No category
 * is chosen for the labeler (a preselected one would be filed by a hasty Enter), and polarity starts
 * neutral on every page, as the queue's n does. `takeFocus`: the span was chosen with the keyboard, so
 * focus moves on to the polarity once it is there. Escape cancels.
 */
export function AddTagPanel({
  span,
  untaggable,
  busy,
  initialPolarity = 'neutral',
  takeFocus,
  onAdd,
  onCancel,
}: {
  span: PickedSpan | null;
  untaggable?: boolean;
  busy?: boolean;
  takeFocus?: boolean;
  initialPolarity?: Polarity;
  onAdd: (polarity: Polarity, category: string) => void;
  onCancel: () => void;
}) {
  const { t, categoryName } = useI18n();
  const [polarity, setPolarity] = useState<Polarity>(initialPolarity);
  const [category, setCategory] = useState('');
  const [picking, setPicking] = useState(false);
  const [missing, setMissing] = useState(false);
  const chosen = category;
  const errorId = useId();
  const form = useRef<HTMLDivElement>(null);
  const spanKey = span ? `${span.turnIndex ?? ''}:${span.start}:${span.end}` : '';
  useEffect(() => {
    if (takeFocus && spanKey) form.current?.querySelector<HTMLElement>('[role=radio][aria-checked=true]')?.focus();
  }, [takeFocus, spanKey]);
  const choose = (c: string) => {
    setCategory(c);
    if (c) setMissing(false);
  };
  const add = () => {
    if (!chosen) {
      setMissing(true);
      return;
    }
    onAdd(polarity, chosen);
  };
  return (
    <div
      ref={form}
      className="add-tag"
      role="group"
      aria-label={t('addTag')}
      onKeyDown={(e) => {
        // The category picker's own Escape closes only the picker.
        if (e.key !== 'Escape' || picking) return;
        e.preventDefault();
        e.stopPropagation();
        onCancel();
      }}
    >
      {!span ? (
        <span className={`small add-tag-hint ${untaggable ? 'err' : 'muted'}`}>{t(untaggable ? 'customerTurnsOnly' : coarsePointer() ? 'addTagHint' : 'addTagHintFine')}</span>
      ) : (
        <>
          <q className="add-tag-text">{span.text}</q>
          {!span.complete && <span className="small muted add-tag-more">{t(coarsePointer() ? 'spanTapEnd' : 'spanTapEndFine')}</span>}
          <div className="seg" role="radiogroup" aria-label={t('polarity')}>
            {POLARITIES.map((p) => (
              <button
                key={p}
                type="button"
                role="radio"
                aria-checked={polarity === p}
                data-polarity={p}
                className={`seg-btn seg-${p} ${polarity === p ? 'on' : ''}`}
                onClick={() => setPolarity(p)}
              >
                {t(p)}
              </button>
            ))}
          </div>
          {/* A native select is the desktop control; a touch screen gets the tappable picker instead. */}
          <select
            className="fine-only"
            name="addCategory"
            aria-label={t('category')}
            aria-required="true"
            aria-invalid={missing || undefined}
            aria-describedby={missing ? errorId : undefined}
            value={chosen}
            onChange={(e) => choose(e.target.value)}
          >
            <option value="" disabled>
              {t('chooseCategory')}
            </option>
            <CategoryOptions />
          </select>
          <button
            type="button"
            className="btn btn-small cat-btn coarse-only"
            data-action="add-category"
            data-category={chosen}
            aria-invalid={missing || undefined}
            aria-describedby={missing ? errorId : undefined}
            onClick={() => setPicking(true)}
          >
            {t('category')}: {chosen ? categoryName(chosen) : t('chooseCategory')} ▾
          </button>
          <button type="button" className="btn btn-small btn-primary" data-action="add-tag" disabled={busy} onClick={add}>
            {t('add')}
          </button>
          {missing && (
            <span className="err small add-tag-error" role="alert" id={errorId}>
              {t('categoryRequired')}
            </span>
          )}
        </>
      )}
      <button type="button" className="btn btn-small" data-action="cancel-add" onClick={onCancel}>
        {t('cancel')}
      </button>
      {picking && (
        <CategoryPicker
          current={chosen || undefined}
          onPick={(c) => {
            choose(c);
            setPicking(false);
          }}
          onClose={() => setPicking(false)}
        />
      )}
    </div>
  );
}

/**
 * The note after a tag was deleted (by a chip's × or the actions panel's delete) with its 撤销 (undo):
 * the same on the feed's cards and the document page.
 */
export function RemovedTagToast({ tag, busy, onUndo, onDismiss }: { tag: Tag; busy?: boolean; onUndo: () => void; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <div className="undo-toast small" role="status" data-removed={tag.id}>
      <span>
        {t('tagRemoved')}: <TagLabel tag={tag} />
      </span>
      <button type="button" className="btn btn-small" data-action="undo-remove" disabled={busy} onClick={onUndo}>
        {t('undo')}
      </button>
      <button type="button" className="btn btn-small btn-link" data-action="dismiss-undo" aria-label={t('close')} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
