import { useI18n } from './i18n';

/**
 * The taxonomy's categories as <option>s, in its order and named in the console's language, for a
 * <select> that puts its own first option before them (全部 in the filters, 任意 in a rule, 请选择 for a tag).
 */
export function CategoryOptions() {
  const { categories, categoryName } = useI18n();
  return (
    <>
      {categories.map((c) => (
        <option key={c.id} value={c.id}>
          {categoryName(c.id)}
        </option>
      ))}
    </>
  );
}
