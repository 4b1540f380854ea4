import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { isNotFound } from '@/lib/api/errors';
import type { Entry } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { safeHttpUrl } from '@/lib/url';
import { paths } from '@/config/paths';
import { DomainLink } from '@/components/ui/DomainLink';
import { ExternalLink } from '@/components/ui/ExternalLink';
import { Thumbnail } from '@/components/ui/Thumbnail';
import { ErrorState, Loading, NotFoundState } from '@/components/ui/States';
import { MyBookmark, useBookmarkDialog } from '@/features/bookmarks';
import { CategoryBadge, SuggestCategory } from '@/features/categories';
import { AllBookmarks, CommentSection, FolloweesBookmarks } from '@/features/comments';
import { useShortcutList } from '@/features/shortcuts';
import { useEntry, useEntryLookup } from '../api/entries';
import { RelatedEntries } from '../components/RelatedEntries';

function EntryView({ entry }: { entry: Entry }) {
  const { t, formatDate } = useI18n();
  const shortcutItems = useMemo(() => [{ url: entry.url, title: entry.title, entryId: entry.id }], [entry]);
  useShortcutList(shortcutItems);
  useTitle(entry.title || entry.url);
  const dialog = useBookmarkDialog();
  const safe = safeHttpUrl(entry.url);
  return (
    <div className="page entry-page">
      <article className="card entry-hero">
        <div className="entry-hero__text">
          <div className="entry-card__meta">
            <Link className="users users--big" to={paths.entry.getHref(entry.id)}>
              <strong>{t(entry.bookmark_count === 1 ? 'common.user' : 'common.users', { count: entry.bookmark_count })}</strong>
            </Link>
            <DomainLink domain={entry.domain} favicon={entry.favicon_url} />
            <CategoryBadge category={entry.category} />
          </div>
          <h1 className="entry-hero__title">
            <ExternalLink href={entry.url}>{entry.title || entry.url || t('common.noTitle')}</ExternalLink>
          </h1>
          <p className="entry-hero__url">
            <ExternalLink href={entry.url}>{entry.url}</ExternalLink>
          </p>
          {entry.summary ? <p className="entry-hero__summary">{entry.summary}</p> : null}
          {entry.first_bookmarked_at ? (
            <p className="muted small">{t('entry.firstBookmarked', { date: formatDate(entry.first_bookmarked_at) })}</p>
          ) : null}
          <div className="entry-hero__actions">
            {safe ? (
              <a className="button" href={safe} target="_blank" rel="noopener noreferrer ugc">
                {t('entry.open')} ↗
              </a>
            ) : null}
            <button type="button" className="button button--primary" onClick={() => dialog.open({ url: entry.url, title: entry.title })}>
              + {t('entry.bookmarkIt')}
            </button>
            <Link className="link-small" to={paths.site.getHref(entry.domain)}>
              {t('entry.seeSite', { domain: entry.domain })}
            </Link>
          </div>
        </div>
        <Thumbnail src={entry.thumbnail_url} className="entry-hero__thumb" />
      </article>
      <SuggestCategory key={entry.id} entryId={entry.id} current={entry.category} />
      <MyBookmark entry={entry} />
      <FolloweesBookmarks entryId={entry.id} />
      <div className="comment-columns">
        <CommentSection entryId={entry.id} sort="popular" heading="entry.popular" limit={10} hideWhenEmpty />
        <CommentSection entryId={entry.id} sort="recent" heading="entry.recent" />
      </div>
      <AllBookmarks entryId={entry.id} />
      <RelatedEntries entryId={entry.id} />
    </div>
  );
}

function BeFirst({ url }: { url: string }) {
  const { t } = useI18n();
  const dialog = useBookmarkDialog();
  useTitle(url);
  return (
    <div className="page">
      <div className="card be-first">
        <h1 className="entry-hero__title">
          <ExternalLink href={url}>{url}</ExternalLink>
        </h1>
        <p>{t('entry.beFirst')}</p>
        <button type="button" className="button button--primary" onClick={() => dialog.open({ url })}>
          + {t('entry.beFirstAction')}
        </button>
      </div>
    </div>
  );
}

export function EntryByIdPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const n = Number(id);
  const valid = Number.isInteger(n) && n > 0;
  const query = useEntry(valid ? n : undefined);
  if (!valid || isNotFound(query.error)) return <NotFoundState message={t('entry.notFound')} />;
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <EntryView entry={query.data} />;
}

export function EntryByUrlPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const url = params.get('url') ?? '';
  const query = useEntryLookup(url || undefined);
  if (!url) return <NotFoundState message={t('entry.missingUrl')} />;
  if (isNotFound(query.error)) return <BeFirst url={url} />;
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <EntryView entry={query.data} />;
}
