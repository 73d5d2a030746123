import type { Tag } from './api';
import { sourceKey, useI18n } from './i18n';

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
      <span className="chip-label">{tagLabel(tag)}</span>
      <span className="chip-cat">{categoryName(tag.category)}</span>
      <span className="chip-conf">{tag.confidence.toFixed(2)}</span>
      {onRemove && (
        <button
          type="button"
          className="chip-x"
          aria-label={t('removeTag')}
          title={t('removeTag')}
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
