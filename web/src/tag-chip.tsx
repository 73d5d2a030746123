import type { Tag } from './api';
import { useI18n } from './i18n';

export function TagChip({ tag, selected, onClick }: { tag: Tag; selected?: boolean; onClick?: () => void }) {
  const { tagLabel, categoryName } = useI18n();
  return (
    <span
      className={`chip chip-${tag.polarity} ${selected ? 'chip-selected' : ''} ${onClick ? 'chip-click' : ''}`}
      data-tag-id={tag.id}
      data-polarity={tag.polarity}
      onClick={onClick}
      title={`${categoryName(tag.category)} · ${tag.source} · ${tag.confidence.toFixed(2)}`}
    >
      <span className="chip-label">{tagLabel(tag)}</span>
      <span className="chip-cat">{categoryName(tag.category)}</span>
      <span className="chip-conf">{tag.confidence.toFixed(2)}</span>
    </span>
  );
}
