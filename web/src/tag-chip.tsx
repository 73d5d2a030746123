import type { Tag } from './api';
import { sourceKey, TEXT_LANG, useI18n } from './i18n';

interface Props {
  tag: Tag;
  selected?: boolean;
  onClick?: () => void;
  /** Only passed for keys that may correct tags; the × is not rendered otherwise. */
  onRemove?: () => void;
  busy?: boolean;
}

export function TagChip({ tag, selected, onClick, onRemove, busy }: Props) {
  const { t, tagLabel, categoryName } = useI18n();
  return (
    <span
      className={`chip chip-${tag.polarity} ${selected ? 'chip-selected' : ''} ${onClick ? 'chip-click' : ''}`}
      data-tag-id={tag.id}
      data-polarity={tag.polarity}
      data-category={tag.category}
      onClick={onClick}
      title={`${categoryName(tag.category)} · ${sourceKey(tag.source) ? t(sourceKey(tag.source)!) : tag.source} · ${tag.confidence.toFixed(2)}`}
    >
      {onClick ? (
        // The chip itself takes the mouse and the finger; this button gives the keyboard a way in.
        <button type="button" className="chip-label chip-open" aria-expanded={Boolean(selected)} aria-label={`${t('openTag')}: ${tagLabel(tag)}`}>
          <TagLabel tag={tag} />
        </button>
      ) : (
        <span className="chip-label">
          <TagLabel tag={tag} />
        </span>
      )}
      <span className="chip-cat">{categoryName(tag.category)}</span>
      <span className="chip-conf">{tag.confidence.toFixed(2)}</span>
      {onRemove && (
        <button
          type="button"
          className="chip-x"
          aria-label={t('removeTagNamed', { label: tagLabel(tag) })}
          title={t('removeTagNamed', { label: tagLabel(tag) })}
          disabled={busy}
          onClick={(e) => {
            e.stopPropagation();
            onRemove();
          }}
        >
          ×
        </button>
      )}
    </span>
  );
}

/** The tag's label with the customer's phrase marked as Chinese when the console speaks English. */
export function TagLabel({ tag }: { tag: Tag }) {
  const { t, lang, tagLabel } = useI18n();
  const label = tagLabel(tag);
  const prefix = `${t(tag.polarity)}: `;
  if (lang === 'zh' || !label.startsWith(prefix)) return <span lang={lang === 'zh' ? undefined : TEXT_LANG}>{label}</span>;
  return (
    <>
      {prefix}
      <span lang={TEXT_LANG}>{label.slice(prefix.length)}</span>
    </>
  );
}
