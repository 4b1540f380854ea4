import { Link, useParams, useSearchParams } from 'react-router';
import { isNotFound } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { paths } from '@/config/paths';
import { Avatar } from '@/components/ui/Avatar';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading, NotFoundState } from '@/components/ui/States';
import { useFollowList, type FollowDirection } from '../api/follows';

/** Who a user follows, or who follows them, most recent first. */
export function FollowListPage({ direction }: { direction: FollowDirection }) {
  const { t, formatDate } = useI18n();
  const { username = '' } = useParams();
  const [params] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  const query = useFollowList(username, direction, cursor);
  const title = t(direction === 'followers' ? 'follow.followersOf' : 'follow.followingOf', { user: username });
  useTitle(title);

  if (isNotFound(query.error)) return <NotFoundState message={t('user.notFound')} />;
  return (
    <div className="page follow-page">
      <div className="page-head">
        <p className="page-head__back">
          <Link className="link-small" to={paths.user.getHref(username)}>
            ← id:{username}
          </Link>
        </p>
        <h1>{title}</h1>
        <nav className="tabs" aria-label={title}>
          {(['following', 'followers'] as const).map((d) => (
            <Link
              key={d}
              className={`tab${d === direction ? ' is-active' : ''}`}
              aria-current={d === direction ? 'page' : undefined}
              to={paths[d].getHref(username)}
            >
              {t(d === 'followers' ? 'follow.followersLabel' : 'follow.followingLabel')}
            </Link>
          ))}
        </nav>
      </div>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.isSuccess && query.data.items.length === 0 ? (
        <Empty>{t(direction === 'followers' ? 'follow.noFollowers' : 'follow.noFollowing')}</Empty>
      ) : null}
      {query.isSuccess && query.data.items.length > 0 ? (
        <>
          <ul className="card user-list">
            {query.data.items.map(({ user, followed_at }) => (
              <li key={user.username} className="user-list__item">
                <Avatar name={user.username} size={40} />
                <div className="user-list__text">
                  <Link className="user-list__name" to={paths.user.getHref(user.username)}>
                    {user.display_name || user.username}
                  </Link>
                  <span className="muted small">id:{user.username}</span>
                </div>
                <time className="muted small user-list__date" dateTime={followed_at}>
                  {t('follow.since', { date: formatDate(followed_at) })}
                </time>
              </li>
            ))}
          </ul>
          <Pager nextCursor={query.data.next_cursor} />
        </>
      ) : null}
    </div>
  );
}

export function FollowersPage() {
  return <FollowListPage direction="followers" />;
}

export function FollowingPage() {
  return <FollowListPage direction="following" />;
}
