import { Link, useParams, useSearchParams } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { useTitle } from '@/lib/useTitle';
import { FeedLinks } from '@/components/FeedLinks';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading, NotFoundState } from '@/components/ui/States';
import { CATEGORY_NAMES, CategoryTabs, isCategorySlug } from '@/features/categories';
import { useEntryList, type EntryListKind } from '../api/entries';
import { EntryList } from '../components/EntryList';

function EntryListView({ list, empty }: { list: EntryListKind; empty: MessageKey }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  const query = useEntryList(list, cursor);
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.items.length === 0) return <Empty>{t(empty)}</Empty>;
  return (
    <>
      <EntryList entries={query.data.items} />
      <Pager nextCursor={query.data.next_cursor} />
    </>
  );
}

/** The hot or new list of every category (総合) or of the one in the path (`/hot/it`). */
function CategoryListPage({ list }: { list: 'hot' | 'new' }) {
  const { t } = useI18n();
  const { category } = useParams();
  const known = isCategorySlug(category) ? category : undefined;
  const title = t(list === 'hot' ? 'hot.title' : 'new.title');
  const name = known ? t(CATEGORY_NAMES[known]) : null;
  useTitle(name ? `${title} – ${name}` : title);
  if (category !== undefined && !known) return <NotFoundState message={t('category.notFound')} />;
  const feed = known ? `/${list}/${known}.rss` : `/${list}.rss`;
  return (
    <div className="page">
      <FeedLinks feeds={[{ href: feed, title: name ? `${title} – ${name}` : title }]} />
      <div className="page-head">
        <h1>{title}</h1>
        <p className="page-head__lead">{t(list === 'hot' ? 'hot.lead' : 'new.lead')}</p>
      </div>
      <CategoryTabs list={list} active={known} />
      <EntryListView
        key={known ?? 'all'}
        list={{ kind: list, ...(known ? { category: known } : {}) }}
        empty={known ? 'category.empty' : list === 'hot' ? 'hot.empty' : 'new.empty'}
      />
    </div>
  );
}

export function HotPage() {
  return <CategoryListPage list="hot" />;
}

export function NewPage() {
  return <CategoryListPage list="new" />;
}

export function SitePage() {
  const { t } = useI18n();
  const { domain = '' } = useParams();
  const [params] = useSearchParams();
  const sort = params.get('sort') === 'hot' ? 'hot' : 'new';
  useTitle(t('site.title', { domain }));
  return (
    <div className="page">
      <FeedLinks feeds={[{ href: `/site/${encodeURIComponent(domain)}.rss`, title: t('site.title', { domain }) }]} />
      <div className="page-head">
        <h1>
          {t('site.title', { domain })}
        </h1>
        <div className="tabs" role="tablist" aria-label={t('site.title', { domain })}>
          <Link role="tab" aria-selected={sort === 'new'} className={`tab${sort === 'new' ? ' is-active' : ''}`} to="?sort=new">
            {t('site.new')}
          </Link>
          <Link role="tab" aria-selected={sort === 'hot'} className={`tab${sort === 'hot' ? ' is-active' : ''}`} to="?sort=hot">
            {t('site.hot')}
          </Link>
        </div>
      </div>
      <EntryListView key={sort} list={{ kind: 'site', domain, sort }} empty="site.empty" />
    </div>
  );
}

export function TagPage() {
  const { t } = useI18n();
  const { tag = '' } = useParams();
  useTitle(t('tag.title', { tag }));
  return (
    <div className="page">
      <FeedLinks feeds={[{ href: `/t/${encodeURIComponent(tag)}.rss`, title: t('tag.title', { tag }) }]} />
      <div className="page-head">
        <h1>{t('tag.title', { tag })}</h1>
      </div>
      <EntryListView list={{ kind: 'tag', tag }} empty="tag.empty" />
    </div>
  );
}
