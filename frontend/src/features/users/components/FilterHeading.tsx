import { Link } from 'react-router';
import type { UserProfile } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { useUserSites, useUserTags } from '@/features/bookmarks';
import type { Filter } from './filter';

/** "Bookmarks / tag / site (count)": what the list below shows. */
export function FilterHeading({ profile, filter }: { profile: UserProfile; filter: Filter }) {
  const { t, formatNumber } = useI18n();
  const tags = useUserTags(profile.username);
  const sites = useUserSites(profile.username);
  const parts: string[] = [];
  let count: number | undefined = profile.bookmark_count;
  if (filter.readLater) {
    parts.push(t('user.readLater'));
    count = undefined;
  }
  for (const tag of filter.tags) {
    parts.push(tag);
    const c = tags.data?.items.find((x) => x.tag.toLowerCase() === tag.toLowerCase())?.count;
    count = filter.tags.length === 1 && !filter.site && !filter.readLater ? c : undefined;
  }
  if (filter.site) {
    parts.push(filter.site);
    const c = sites.data?.items.find((x) => x.domain === filter.site)?.count;
    count = filter.tags.length === 0 && !filter.readLater ? c : undefined;
  }
  return (
    <h2 className="filter-heading" data-testid="filter-heading">
      <Link to={paths.user.getHref(profile.username)}>{t('user.bookmarks')}</Link>
      {parts.map((p) => (
        <span key={p}>
          <span className="filter-heading__sep" aria-hidden="true">
            {' / '}
          </span>
          <span>{p}</span>
        </span>
      ))}
      {count !== undefined ? <span className="filter-heading__count"> ({formatNumber(count)})</span> : null}
    </h2>
  );
}
