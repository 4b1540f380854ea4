import { Link } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { Loading } from '@/components/ui/States';
import { useUserSites, useUserTags } from '@/features/bookmarks';
import type { Filter } from './filter';

/** A user's tag cloud and sites, each a link that narrows the filter. */
export function Sidebar({ username, filter }: { username: string; filter: Filter }) {
  const { t } = useI18n();
  const tags = useUserTags(username);
  const sites = useUserSites(username);
  const counts = tags.data?.items.map((x) => x.count) ?? [];
  const max = Math.max(1, ...counts);
  const min = Math.min(max, ...counts);
  const base = filter.readLater ? { read_later: 'true' } : {};
  return (
    <aside className="sidebar">
      <section className="card sidebar__box" aria-labelledby="sidebar-tags">
        <h2 id="sidebar-tags" className="sidebar__title">
          {t('user.tagCloud')}
        </h2>
        {tags.isPending ? <Loading /> : null}
        {tags.data && tags.data.items.length === 0 ? <p className="muted small">{t('user.noTags')}</p> : null}
        {tags.data && tags.data.items.length > 0 ? (
          <ul className="tag-cloud">
            {tags.data.items.map(({ tag, count }) => {
              const active = filter.tags.some((x) => x.toLowerCase() === tag.toLowerCase());
              // 0.85rem for the rarest tag up to 1.45rem for the most used one
              const ratio = max === min ? 0.25 : Math.sqrt((count - min) / (max - min));
              const size = 0.85 + 0.6 * ratio;
              return (
                <li key={tag}>
                  <Link
                    className={`tag-cloud__tag${active ? ' is-active' : ''}`}
                    style={{ fontSize: `${size.toFixed(2)}rem` }}
                    aria-current={active ? 'true' : undefined}
                    to={paths.user.getHref(username, { ...base, tag: [tag], site: filter.site })}
                  >
                    {tag}
                    <span className="count">({count})</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        ) : null}
      </section>
      <section className="card sidebar__box" aria-labelledby="sidebar-sites">
        <h2 id="sidebar-sites" className="sidebar__title">
          {t('user.sites')}
        </h2>
        {sites.isPending ? <Loading /> : null}
        {sites.data && sites.data.items.length === 0 ? <p className="muted small">{t('user.noSites')}</p> : null}
        {sites.data && sites.data.items.length > 0 ? (
          <ul className="site-list">
            {sites.data.items.map(({ domain, count }) => (
              <li key={domain}>
                <Link
                  className={filter.site === domain ? 'is-active' : undefined}
                  aria-current={filter.site === domain ? 'true' : undefined}
                  to={paths.user.getHref(username, { ...base, tag: filter.tags, site: domain })}
                >
                  {domain}
                </Link>
                <span className="count">({count})</span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </aside>
  );
}
