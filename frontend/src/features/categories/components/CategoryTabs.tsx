import { Link } from 'react-router';
import type { CategorySlug } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { CATEGORY_NAMES, CATEGORY_SLUGS } from '../api/categories';

/** 総合 and the eight categories of the hot or new list; `active` is none for 総合. */
export function CategoryTabs({ list, active }: { list: 'hot' | 'new'; active: CategorySlug | undefined }) {
  const { t } = useI18n();
  const tabs: { slug: CategorySlug | undefined; href: string; label: string }[] = [
    { slug: undefined, href: list === 'hot' ? paths.hotAll.getHref() : paths.new.getHref(), label: t('category.all') },
    ...CATEGORY_SLUGS.map((slug) => ({
      slug,
      href: list === 'hot' ? paths.hotCategory.getHref(slug) : paths.newCategory.getHref(slug),
      label: t(CATEGORY_NAMES[slug]),
    })),
  ];
  return (
    <nav className="category-tabs" aria-label={t('category.tabs')}>
      <ul>
        {tabs.map((tab) => {
          const current = tab.slug === active;
          return (
            <li key={tab.slug ?? 'all'}>
              <Link
                className={`category-tab${current ? ' is-active' : ''}`}
                to={tab.href}
                aria-current={current ? 'page' : undefined}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
