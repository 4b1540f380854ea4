import { Link, useLocation } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { useAuth } from '@/lib/auth/authContext';
import { ApiError, formErrors } from '@/lib/api/errors';
import { useTitle } from '@/lib/useTitle';
import { paths } from '@/config/paths';
import { FeedLinks } from '@/components/FeedLinks';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading } from '@/components/ui/States';
import { useSearch } from '../api/search';
import { SearchFilterBar } from '../components/SearchFilterBar';
import { SearchResults } from '../components/SearchResults';
import {
  FILTER_FIELDS,
  SCOPES,
  feedHref,
  hasCriteria,
  searchHref,
  useSearchFilters,
  type FilterErrors,
} from '../filters';

const TIPS: [string, MessageKey][] = [
  ['監視 設計', 'search.tip.and'],
  ['rust OR go', 'search.tip.or'],
  ['監視 -監査', 'search.tip.not'],
  ['"障害対応"', 'search.tip.phrase'],
  ['tag:rust', 'search.tip.tag'],
  ['site:example.com', 'search.tip.site'],
  ['title:設計 comment:良い', 'search.tip.field'],
  ['after:2025-01-01 before:2025-12-31', 'search.tip.date'],
];

function SearchTips() {
  const { t } = useI18n();
  return (
    <div className="state state--empty search-tips">
      <p>{t('search.prompt')}</p>
      <h2 className="search-tips__title">{t('search.tips')}</h2>
      <dl className="search-tips__list">
        {TIPS.map(([example, key]) => (
          <div key={example} className="search-tips__row">
            <dt>
              <code>{example}</code>
            </dt>
            <dd>{t(key)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function LoginHint() {
  const { t } = useI18n();
  const location = useLocation();
  const here = location.pathname + location.search;
  return (
    <div className="state state--empty">
      <p>{t('search.loginForMine')}</p>
      <p className="search-login">
        <Link className="button button--primary" to={paths.login.getHref(here)}>
          {t('nav.login')}
        </Link>
        <Link className="button" to={paths.register.getHref(here)}>
          {t('nav.register')}
        </Link>
      </p>
    </div>
  );
}

export function SearchPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const { filters, cursor } = useSearchFilters();
  const needsLogin = filters.scope === 'mine' && !user;
  const ready = hasCriteria(filters);
  const query = useSearch(filters, cursor, ready && !needsLogin);
  const error = query.isError ? query.error : null;
  const unauthorized = error instanceof ApiError && error.status === 401;
  const invalid = error instanceof ApiError && error.status === 400;
  const errors: FilterErrors = invalid ? formErrors(error, FILTER_FIELDS, t('common.error')) : {};
  const invalidDetail = errors.form ?? errors.q;
  const title = filters.q ? t('search.titleFor', { q: filters.q }) : t('search.title');
  useTitle(title);
  const feeds = filters.scope === 'all' && ready;

  let body;
  if (needsLogin || unauthorized) body = <LoginHint />;
  else if (!ready) body = <SearchTips />;
  else if (query.isPending) body = <Loading />;
  else if (invalid)
    body = (
      <div className="state state--error" role="alert">
        <p>{t('search.invalid')}</p>
        {invalidDetail ? <p className="muted">{invalidDetail}</p> : null}
      </div>
    );
  else if (query.isError) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  else if (query.data.entries.length === 0 && query.data.bookmarks.length === 0)
    body = (
      <>
        <Empty>
          <p>
            {filters.q
              ? t(filters.scope === 'mine' ? 'search.emptyMine' : 'search.empty', { q: filters.q })
              : t('search.emptyFilters')}
          </p>
          <p className="small">{t('search.emptyHint')}</p>
        </Empty>
        <Pager nextCursor={null} />
      </>
    );
  else
    body = (
      <>
        <SearchResults page={query.data} stale={query.isPlaceholderData} />
        <Pager nextCursor={query.data.next_cursor} />
      </>
    );

  return (
    <div className="page search-page">
      {feeds ? (
        <FeedLinks
          feeds={[
            { href: feedHref(filters), title },
            { href: feedHref(filters, 'atom'), title, format: 'atom' },
          ]}
        />
      ) : null}
      <div className="page-head">
        <h1>{title}</h1>
        {feeds ? (
          <a className="feed-link" href={feedHref(filters)} aria-label={t('search.feed')} title={t('search.feed')}>
            RSS
          </a>
        ) : null}
      </div>
      <nav className="tabs" aria-label={t('search.scopes')}>
        {SCOPES.map((scope) => (
          <Link
            key={scope}
            className={`tab${filters.scope === scope ? ' is-active' : ''}`}
            aria-current={filters.scope === scope ? 'page' : undefined}
            to={searchHref({ ...filters, scope })}
          >
            {t(`search.scope.${scope}`)}
          </Link>
        ))}
      </nav>
      <SearchFilterBar filters={filters} errors={errors} />
      <section className="search-body" aria-label={t('search.results')}>
        {body}
      </section>
    </div>
  );
}
