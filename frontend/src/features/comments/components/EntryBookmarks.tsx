import { Link } from 'react-router';
import type { EntryBookmark, EntryBookmarkFilter } from '@/lib/api/types';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { Avatar } from '@/components/ui/Avatar';
import { TagList } from '@/components/ui/TagList';
import { ErrorState, Loading } from '@/components/ui/States';
import { UserActions } from '@/features/moderation';
import { useEntryBookmarks } from '../api/entryBookmarks';

function EntryBookmarkItem({ bm }: { bm: EntryBookmark }) {
  const { formatDateTime } = useI18n();
  const name = bm.user.username;
  return (
    <li className={`comment${bm.comment ? '' : ' comment--bare'}`} data-comment-id={bm.id}>
      <Avatar name={name} size={bm.comment ? 36 : 28} />
      <div className="comment__body">
        <div className="comment__head">
          <Link className="comment__user" to={paths.user.getHref(name)}>
            {name}
          </Link>
          {bm.user.display_name && bm.user.display_name !== name ? (
            <span className="muted small">{bm.user.display_name}</span>
          ) : null}
          <time className="muted small comment__date" dateTime={bm.created_at}>
            {formatDateTime(bm.created_at)}
          </time>
        </div>
        {bm.comment ? <p className="comment__text">{bm.comment}</p> : null}
        {bm.tags.length > 0 ? (
          <div className="comment__foot">
            <TagList tags={bm.tags} to={(tag) => paths.user.getHref(name, { tag: [tag] })} />
          </div>
        ) : null}
      </div>
      <UserActions
        className="comment__menu"
        username={name}
        report={bm.comment ? { kind: 'comment', id: bm.id } : undefined}
      />
    </li>
  );
}

function BookmarkSection({
  entryId,
  filter,
  hideWhenEmpty,
}: {
  entryId: number;
  filter: EntryBookmarkFilter;
  hideWhenEmpty?: boolean;
}) {
  const { t } = useI18n();
  const query = useEntryBookmarks(entryId, filter);
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  if (hideWhenEmpty && (query.isPending || query.isError || items.length === 0)) return null;
  const headingId = `entry-bookmarks-${filter}`;
  return (
    <section className={`comments entry-bookmarks entry-bookmarks--${filter}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="section-title">
        {t(filter === 'following' ? 'entry.byFollowees' : 'entry.allBookmarks')}
      </h2>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.isSuccess && items.length === 0 ? <p className="muted">{t('entry.noBookmarks')}</p> : null}
      {items.length > 0 ? (
        <ul className="comment-list">
          {items.map((bm) => (
            <EntryBookmarkItem key={bm.id} bm={bm} />
          ))}
        </ul>
      ) : null}
      {query.hasNextPage ? (
        <button
          type="button"
          className="button more-button"
          onClick={() => void query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? t('common.loading') : t('entry.moreBookmarks')}
        </button>
      ) : null}
    </section>
  );
}

/** The bookmarks of the people I follow, shown first; nothing when they have none. */
export function FolloweesBookmarks({ entryId }: { entryId: number }) {
  const { user } = useAuth();
  if (!user) return null;
  return <BookmarkSection entryId={entryId} filter="following" hideWhenEmpty />;
}

/** Everyone who bookmarked the entry publicly, with a comment or not. */
export function AllBookmarks({ entryId }: { entryId: number }) {
  return <BookmarkSection entryId={entryId} filter="all" />;
}
