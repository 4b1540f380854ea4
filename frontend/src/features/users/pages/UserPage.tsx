import { Link, useParams } from 'react-router';
import { useAuth } from '@/lib/auth/authContext';
import { isNotFound } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { paths } from '@/config/paths';
import { FeedLinks } from '@/components/FeedLinks';
import { Avatar } from '@/components/ui/Avatar';
import { ErrorState, Loading, NotFoundState } from '@/components/ui/States';
import { UserActions } from '@/features/moderation';
import { useUserProfile } from '../api/users';
import { BookmarkList } from '../components/BookmarkList';
import { FilterHeading } from '../components/FilterHeading';
import { FollowButton, FollowCounts } from '../components/FollowButton';
import { Sidebar } from '../components/Sidebar';
import { useFilter } from '../components/filter';

export function UserPage() {
  const { t, formatDate } = useI18n();
  const { username = '' } = useParams();
  const { user } = useAuth();
  const filter = useFilter();
  const profile = useUserProfile(username);
  const isOwner = !!user && user.username.toLowerCase() === username.toLowerCase();
  useTitle(profile.data ? `${profile.data.display_name || profile.data.username} (${profile.data.username})` : username);

  if (isNotFound(profile.error)) return <NotFoundState message={t('user.notFound')} />;
  if (profile.isPending) return <Loading />;
  if (profile.isError) return <ErrorState error={profile.error} onRetry={() => void profile.refetch()} />;
  const p = profile.data;
  const filtered = filter.tags.length > 0 || !!filter.site;

  const firstTag = filter.tags[0];
  const feedTag = firstTag ? `?tag=${encodeURIComponent(firstTag)}` : '';
  const feedBase = `/${encodeURIComponent(p.username)}/bookmarks`;
  const feedTitle = p.display_name || p.username;

  return (
    <div className="page user-page">
      <FeedLinks
        feeds={[
          { href: `${feedBase}.rss${feedTag}`, title: feedTitle },
          { href: `${feedBase}.atom${feedTag}`, title: feedTitle, format: 'atom' },
        ]}
      />
      <header className="profile">
        <Avatar name={p.username} size={64} />
        <div className="profile__text">
          <h1 className="profile__name">
            {p.display_name || p.username} <span className="profile__id">id:{p.username}</span>
          </h1>
          {p.bio ? <p className="profile__bio">{p.bio}</p> : null}
          <p className="muted small">
            {t(p.bookmark_count === 1 ? 'user.countOne' : 'user.count', { count: p.bookmark_count })} · {t('user.since', { date: formatDate(p.created_at) })}
          </p>
          <FollowCounts profile={p} />
        </div>
        <div className="profile__actions">
          <FollowButton profile={p} />
          <UserActions username={p.username} report={{ kind: 'user', id: p.username }} />
        </div>
      </header>
      {isOwner ? (
        <nav className="tabs" aria-label={t('user.bookmarks')}>
          <Link className={`tab${!filter.readLater ? ' is-active' : ''}`} aria-current={!filter.readLater ? 'page' : undefined} to={paths.user.getHref(p.username)}>
            {t('user.all')}
          </Link>
          <Link
            className={`tab${filter.readLater ? ' is-active' : ''}`}
            aria-current={filter.readLater ? 'page' : undefined}
            to={paths.user.getHref(p.username, { read_later: 'true' })}
          >
            {t('user.readLater')}
          </Link>
        </nav>
      ) : null}
      <div className="with-sidebar">
        <div className="with-sidebar__main">
          <div className="filter-bar">
            <FilterHeading profile={p} filter={filter} />
            {filtered ? (
              <Link className="link-small" to={paths.user.getHref(p.username, filter.readLater ? { read_later: 'true' } : {})}>
                {t('user.clearFilter')}
              </Link>
            ) : null}
          </div>
          <BookmarkList username={p.username} filter={filter} isOwner={isOwner} />
        </div>
        <Sidebar username={p.username} filter={filter} />
      </div>
    </div>
  );
}
