import { Link } from 'react-router';
import type { EntryCategory } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { CATEGORY_NAMES } from '../api/categories';

/** An entry's category, linking to that category's hot entries. */
export function CategoryBadge({ category }: { category: EntryCategory | null | undefined }) {
  const { t } = useI18n();
  if (!category) return null;
  return (
    <Link
      className={`category-badge category-badge--${category.slug}`}
      to={paths.hotCategory.getHref(category.slug)}
      title={t('category.label')}
    >
      {t(CATEGORY_NAMES[category.slug])}
    </Link>
  );
}
