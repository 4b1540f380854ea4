import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { paths } from '@/config/paths';
import { FeedLinks } from '@/components/FeedLinks';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading } from '@/components/ui/States';
import { useShortcutList } from '@/features/shortcuts';
import { BookmarkRow } from '@/features/users';
import { useMyFeed } from '../api/feed';
import { SignInHint } from '@/components/SignInHint';

/** Narrows the feed to one tag; the URL's `?tag=` is the state. */
function TagFilter({ tag }: { tag: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [value, setValue] = useState(tag);
  const [seen, setSeen] = useState(tag);
  if (seen !== tag) {
    setSeen(tag);
    setValue(tag);
  }
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next = value.trim();
    navigate(paths.feed.getHref(next ? { tag: next } : {}));
  };
  return (
    <form className="feed-filter" role="search" onSubmit={onSubmit}>
      <label className="visually-hidden" htmlFor="feed-tag">
        {t('feed.tagLabel')}
      </label>
      <input
        id="feed-tag"
        className="feed-filter__input"
        type="text"
        enterKeyHint="search"
        maxLength={32}
        placeholder={t('feed.tagPlaceholder')}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="button">
        {t('feed.filter')}
      </button>
      {tag ? (
        <Link className="link-small" to={paths.feed.getHref()}>
          {t('user.clearFilter')}
        </Link>
      ) : null}
    </form>
  );
}

function FeedList({ tag, cursor }: { tag: string; cursor: string | undefined }) {
  const { t } = useI18n();
  const query = useMyFeed(tag || undefined, cursor);
  const items = useMemo(
    () => (query.data?.items ?? []).map((b) => ({ url: b.entry.url, title: b.entry.title, entryId: b.entry.id })),
    [query.data],
  );
  const selected = useShortcutList(items);
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.items.length === 0) return <Empty>{t(tag ? 'feed.emptyTag' : 'feed.empty')}</Empty>;
  return (
    <>
      <div className="bookmark-list">
        {query.data.items.map((bm, i) => (
          <BookmarkRow
            key={bm.id}
            bm={bm}
            index={i}
            selected={i === selected}
            isOwner={false}
            showUser
            tagHref={(x) => paths.feed.getHref({ tag: x })}
          />
        ))}
      </div>
      <Pager nextCursor={query.data.next_cursor} />
    </>
  );
}

/** The public bookmarks of the people I follow, newest first. */
export function FeedPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const [params] = useSearchParams();
  const tag = params.get('tag') ?? '';
  const cursor = params.get('cursor') ?? undefined;
  useTitle(t('feed.title'));
  const rss = user ? `/${encodeURIComponent(user.username)}/feed.rss` : null;
  return (
    <div className="page feed-page">
      {rss ? <FeedLinks feeds={[{ href: rss, title: t('feed.title') }]} /> : null}
      <div className="page-head page-head--row">
        <div>
          <h1>{tag ? t('feed.titleTag', { tag }) : t('feed.title')}</h1>
          <p className="page-head__lead">{t('feed.lead')}</p>
        </div>
        {rss ? (
          <a className="feed-link small" href={rss} aria-label={t('feed.rss')}>
            RSS
          </a>
        ) : null}
      </div>
      {user ? (
        <>
          <TagFilter tag={tag} />
          <FeedList tag={tag} cursor={cursor} />
        </>
      ) : (
        <SignInHint message="feed.loginNeeded" />
      )}
    </div>
  );
}
