import { Link, useParams, useSearchParams } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { useTitle } from '@/lib/useTitle';
import { FeedLinks } from '@/components/FeedLinks';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading } from '@/components/ui/States';
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

export function HotPage() {
  const { t } = useI18n();
  useTitle(t('hot.title'));
  return (
    <div className="page">
      <FeedLinks feeds={[{ href: '/hot.rss', title: t('hot.title') }]} />
      <div className="page-head">
        <h1>{t('hot.title')}</h1>
        <p className="page-head__lead">{t('hot.lead')}</p>
      </div>
      <EntryListView list={{ kind: 'hot' }} empty="hot.empty" />
    </div>
  );
}

export function NewPage() {
  const { t } = useI18n();
  useTitle(t('new.title'));
  return (
    <div className="page">
      <FeedLinks feeds={[{ href: '/new.rss', title: t('new.title') }]} />
      <div className="page-head">
        <h1>{t('new.title')}</h1>
        <p className="page-head__lead">{t('new.lead')}</p>
      </div>
      <EntryListView list={{ kind: 'new' }} empty="new.empty" />
    </div>
  );
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
