import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useUserBookmarks, type BookmarkFilter } from '../api/hooks/bookmarks';
import { useUserProfile, useUserSites, useUserTags } from '../api/hooks/users';
import { useAuth } from '../api/authContext';
import { isNotFound } from '../api/client';
import type { Bookmark, UserProfile } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { useTitle } from '../lib/useTitle';
import { FeedLinks } from '../components/FeedLinks';
import { userPath } from '../lib/url';
import { Avatar, DomainLink, ExternalLink, TagList, UsersCount } from '../components/bits';
import { Empty, ErrorState, Loading, NotFoundState } from '../components/States';
import { Pager } from '../components/Pager';
import { useShortcutList, useShortcuts } from '../shortcuts/shortcutContext';
import { useBookmarkDialog } from '../components/bookmarkDialogContext';

interface Filter extends BookmarkFilter {
  readLater: boolean;
}

function useFilter(): Filter {
  const [params] = useSearchParams();
  return useMemo(
    () => ({
      tags: params.getAll('tag'),
      site: params.get('site') ?? undefined,
      readLater: params.get('read_later') === 'true' || params.get('read_later') === '1',
    }),
    [params],
  );
}

function BookmarkRow({
  bm,
  index,
  selected,
  isOwner,
}: {
  bm: Bookmark;
  index: number;
  selected: boolean;
  isOwner: boolean;
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
          {e.title || e.url || t('common.noTitle')}
        </ExternalLink>
      </h3>
      {e.summary ? <p className="bookmark__summary">{e.summary}</p> : null}
      <div className="bookmark__mine">
        <Avatar name={bm.user.username} size={24} />
        <div className="bookmark__mine-body">
          {bm.comment ? <p className="bookmark__comment">{bm.comment}</p> : null}
          <div className="bookmark__foot">
            <TagList tags={bm.tags} to={(tag) => userPath(bm.user.username, { tag: [tag] })} />
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

function Sidebar({ username, filter }: { username: string; filter: Filter }) {
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
                    to={userPath(username, { ...base, tag: [tag], site: filter.site })}
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
                  to={userPath(username, { ...base, tag: filter.tags, site: domain })}
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

function Heading({ profile, filter }: { profile: UserProfile; filter: Filter }) {
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
      <Link to={userPath(profile.username)}>{t('user.bookmarks')}</Link>
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

function BookmarkList({ username, filter, isOwner }: { username: string; filter: Filter; isOwner: boolean }) {
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
        </div>
      </header>
      {isOwner ? (
        <nav className="tabs" aria-label={t('user.bookmarks')}>
          <Link className={`tab${!filter.readLater ? ' is-active' : ''}`} aria-current={!filter.readLater ? 'page' : undefined} to={userPath(p.username)}>
            {t('user.all')}
          </Link>
          <Link
            className={`tab${filter.readLater ? ' is-active' : ''}`}
            aria-current={filter.readLater ? 'page' : undefined}
            to={userPath(p.username, { read_later: 'true' })}
          >
            {t('user.readLater')}
          </Link>
        </nav>
      ) : null}
      <div className="with-sidebar">
        <div className="with-sidebar__main">
          <div className="filter-bar">
            <Heading profile={p} filter={filter} />
            {filtered ? (
              <Link className="link-small" to={userPath(p.username, filter.readLater ? { read_later: 'true' } : {})}>
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
