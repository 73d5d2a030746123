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

/**
 * A control's name that holds the tag's phrase: on the Chinese console one aria-label; on the English one
 * the name comes from the control's content, where the phrase can carry lang="zh-CN" (an aria-label is
 * read whole in the page's language, and an English voice spelt 网络很卡 out).
 */
function namedByTag(lang: 'zh' | 'en', name: string): { 'aria-label'?: string } {
  return lang === 'zh' ? { 'aria-label': name } : {};
}

/** `template` with the tag's label (TagLabel) where it says {label}, for a screen reader only. */
function TagNamed({ template, tag }: { template: (label: string) => string; tag: Tag }) {
  const [before = '', after = ''] = template('\u0000').split('\u0000');
  return (
    <span className="sr-only">
      {before}
      <TagLabel tag={tag} />
      {after}
    </span>
  );
}

export function TagChip({ tag, selected, onClick, onRemove, busy }: Props) {
  const { t, lang, tagLabel, categoryName } = useI18n();
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
        <button type="button" className="chip-label chip-open" aria-expanded={Boolean(selected)} {...namedByTag(lang, `${t('openTag')}: ${tagLabel(tag)}`)}>
          {lang === 'en' && <span className="sr-only">{t('openTag')}: </span>}
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
          {...namedByTag(lang, t('removeTagNamed', { label: tagLabel(tag) }))}
          title={t('removeTagNamed', { label: tagLabel(tag) })}
          disabled={busy}
          onClick={(e) => {
            e.stopPropagation();
            onRemove();
          }}
        >
          {lang === 'zh' ? (
            '×'
          ) : (
            <>
              <span aria-hidden="true">×</span>
              <TagNamed template={(label) => t('removeTagNamed', { label })} tag={tag} />
            </>
          )}
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
