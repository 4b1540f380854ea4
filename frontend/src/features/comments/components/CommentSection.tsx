import { Link } from 'react-router';
import type { Comment, CommentSort } from '@/lib/api/types';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast/toastContext';
import { Avatar } from '@/components/ui/Avatar';
import { TagList } from '@/components/ui/TagList';
import { ErrorState, Loading } from '@/components/ui/States';
import { UserActions } from '@/features/moderation';
import { useComments, useStar } from '../api/comments';

function StarButton({ comment }: { comment: Comment }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const toast = useToast();
  const star = useStar();
  const label = t(comment.starred_by_me ? 'star.remove' : 'star.add', { user: comment.user.username });
  return (
    <button
      type="button"
      className={`star${comment.starred_by_me ? ' is-starred' : ''}`}
      aria-pressed={comment.starred_by_me}
      aria-label={label}
      title={label}
      disabled={star.isPending}
      onClick={() => {
        if (!user) {
          toast.show(t('star.loginNeeded'));
          return;
        }
        star.mutate(
          { commentId: comment.id, starred: !comment.starred_by_me },
          { onError: () => toast.show(t('common.error'), 'error') },
        );
      }}
    >
      <span aria-hidden="true">★</span>
      <span className="star__count" data-testid="star-count">
        {comment.star_count}
      </span>
    </button>
  );
}

export function CommentItem({ comment }: { comment: Comment }) {
  const { formatDateTime } = useI18n();
  const name = comment.user.username;
  return (
    <li className="comment" data-comment-id={comment.id}>
      <Avatar name={name} size={36} />
      <div className="comment__body">
        <div className="comment__head">
          <Link className="comment__user" to={paths.user.getHref(name)}>
            {name}
          </Link>
          {comment.user.display_name && comment.user.display_name !== name ? (
            <span className="muted small">{comment.user.display_name}</span>
          ) : null}
          <time className="muted small comment__date" dateTime={comment.created_at}>
            {formatDateTime(comment.created_at)}
          </time>
        </div>
        <p className="comment__text">{comment.comment}</p>
        <div className="comment__foot">
          <TagList tags={comment.tags} to={(tag) => paths.user.getHref(name, { tag: [tag] })} />
          <StarButton comment={comment} />
        </div>
      </div>
      <UserActions className="comment__menu" username={name} report={{ kind: 'comment', id: comment.id }} />
    </li>
  );
}

export function CommentSection({
  entryId,
  sort,
  heading,
  limit,
  hideWhenEmpty,
}: {
  entryId: number;
  sort: CommentSort;
  heading: MessageKey;
  limit?: number;
  hideWhenEmpty?: boolean;
}) {
  const { t } = useI18n();
  const query = useComments(entryId, sort, limit);
  const all = query.data?.pages.flatMap((p) => p.items) ?? [];
  // "Popular" only means something once a comment has a star.
  const items = sort === 'popular' ? all.filter((c) => c.star_count > 0) : all;
  if (hideWhenEmpty && query.isSuccess && items.length === 0) return null;
  const headingId = `comments-${sort}`;
  return (
    <section className={`comments comments--${sort}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="section-title">
        {t(heading)}
      </h2>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.isSuccess && items.length === 0 ? <p className="muted">{t('entry.noComments')}</p> : null}
      {items.length > 0 ? (
        <ul className="comment-list">
          {items.map((c) => (
            <CommentItem key={c.id} comment={c} />
          ))}
        </ul>
      ) : null}
      {sort === 'recent' && query.hasNextPage ? (
        <button
          type="button"
          className="button more-button"
          onClick={() => void query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? t('common.loading') : t('entry.moreComments')}
        </button>
      ) : null}
    </section>
  );
}
