import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Bookmark } from '@/lib/api/types';
import { EXCERPT_CHARS, type HighlightMap } from '@/lib/highlight';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { Avatar } from '@/components/ui/Avatar';
import { DomainLink } from '@/components/ui/DomainLink';
import { ExternalLink } from '@/components/ui/ExternalLink';
import { Highlighted } from '@/components/ui/Highlighted';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading } from '@/components/ui/States';
import { TagList } from '@/components/ui/TagList';
import { UsersCount } from '@/components/ui/UsersCount';
import { useBookmarkDialog, useUserBookmarks } from '@/features/bookmarks';
import { useShortcutList, useShortcuts } from '@/features/shortcuts';
import type { Filter } from './filter';

export function BookmarkRow({
  bm,
  index,
  selected,
  isOwner,
  highlights,
  showUser,
  tagHref,
}: {
  bm: Bookmark;
  index: number;
  selected: boolean;
  isOwner: boolean;
  /** Where a search matched; a matched private note is shown too. */
  highlights?: HighlightMap;
  /** Names whose bookmark it is, on lists of many people's bookmarks. */
  showUser?: boolean;
  /** Where a tag links to; the owner's bookmarks of that tag by default. */
  tagHref?: (tag: string) => string;
}) {
  const { t, formatDate } = useI18n();
  const { select } = useShortcuts();
  const dialog = useBookmarkDialog();
  const e = bm.entry;
  return (
    <article
      className={`card bookmark${selected ? ' is-selected' : ''}`}
      data-shortcut-index={index}
      data-bookmark-id={bm.id}
      aria-current={selected ? 'true' : undefined}
      onFocus={() => select(index)}
    >
      <div className="entry-card__meta">
        <UsersCount entry={e} />
        <DomainLink domain={e.domain} favicon={e.favicon_url} />
        {bm.private ? <span className="badge badge--private">{t('common.private')}</span> : null}
        {bm.read_later ? <span className="badge badge--later">{t('common.readLater')}</span> : null}
      </div>
      <h3 className="bookmark__title">
        <ExternalLink href={e.url} focusTarget>
          {e.title ? <Highlighted text={e.title} ranges={highlights?.title} /> : e.url || t('common.noTitle')}
        </ExternalLink>
      </h3>
      {e.summary ? (
        <p className="bookmark__summary">
          <Highlighted text={e.summary} ranges={highlights?.summary} max={EXCERPT_CHARS} />
        </p>
      ) : null}
      <div className="bookmark__mine">
        <Avatar name={bm.user.username} size={24} />
        <div className="bookmark__mine-body">
          {showUser ? (
            <Link className="bookmark__user" to={paths.user.getHref(bm.user.username)}>
              {bm.user.display_name || bm.user.username}
              <span className="muted small"> id:{bm.user.username}</span>
            </Link>
          ) : null}
          {bm.comment ? (
            <p className="bookmark__comment">
              <Highlighted text={bm.comment} ranges={highlights?.comment} />
            </p>
          ) : null}
          {bm.note && highlights?.note?.length ? (
            <p className="bookmark__note">
              <span className="bookmark__note-label">{t('bm.note')}</span>
              <Highlighted text={bm.note} ranges={highlights.note} max={EXCERPT_CHARS} />
            </p>
          ) : null}
          <div className="bookmark__foot">
            <TagList tags={bm.tags} to={tagHref ?? ((tag) => paths.user.getHref(bm.user.username, { tag: [tag] }))} />
            <time className="muted small" dateTime={bm.created_at}>
              {formatDate(bm.created_at)}
            </time>
            {isOwner ? (
              <button
                type="button"
                className="link-button small"
                onClick={() => dialog.open({ url: e.url, edit: true })}
                aria-label={`${t('common.edit')}: ${e.title || e.url}`}
              >
                {t('common.edit')}
              </button>
            ) : null}
          </div>
        </div>
      </div>
    </article>
  );
}

export function BookmarkList({ username, filter, isOwner }: { username: string; filter: Filter; isOwner: boolean }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  const query = useUserBookmarks(username, filter, cursor);
  const items = useMemo(
    () => (query.data?.items ?? []).map((b) => ({ url: b.entry.url, title: b.entry.title, entryId: b.entry.id })),
    [query.data],
  );
  const selected = useShortcutList(items);
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.items.length === 0) return <Empty>{t('user.empty')}</Empty>;
  return (
    <>
      <div className="bookmark-list">
        {query.data.items.map((bm, i) => (
          <BookmarkRow key={bm.id} bm={bm} index={i} selected={i === selected} isOwner={isOwner} />
        ))}
      </div>
      <Pager nextCursor={query.data.next_cursor} />
    </>
  );
}
