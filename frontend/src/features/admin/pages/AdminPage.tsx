import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ReportStatus } from '@/lib/api/types';
import { ApiError } from '@/lib/api/errors';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { useTitle } from '@/lib/useTitle';
import { paths } from '@/config/paths';
import { SignInHint } from '@/components/SignInHint';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading } from '@/components/ui/States';
import { useShortcutList } from '@/features/shortcuts';
import { useReportCases } from '../api/admin';
import { useMe } from '../api/me';
import { ModerationLog } from '../components/ModerationLog';
import { ReportCaseCard } from '../components/ReportCaseCard';

type Tab = ReportStatus | 'log';
const TABS: { tab: Tab; label: MessageKey }[] = [
  { tab: 'open', label: 'admin.tab.open' },
  { tab: 'resolved', label: 'admin.tab.resolved' },
  { tab: 'log', label: 'admin.tab.log' },
];

function NotAllowed() {
  const { t } = useI18n();
  return (
    <Empty>
      <p className="not-allowed__title">
        <span aria-hidden="true">🔒 </span>
        {t('admin.notAllowedTitle')}
      </p>
      <p data-testid="not-allowed">{t('admin.notAllowed')}</p>
      <Link className="button" to={paths.hot.getHref()}>
        {t('notFound.home')}
      </Link>
    </Empty>
  );
}

function ReportQueue({ status, cursor }: { status: ReportStatus; cursor: string | undefined }) {
  const { t } = useI18n();
  const query = useReportCases(status, cursor, true);
  const items = useMemo(
    () =>
      (query.data?.items ?? []).map((c) => {
        const { entry, user } = c.subject;
        if (c.target.kind !== 'user' && entry) return { url: entry.url, title: entry.title, entryId: entry.id };
        return { url: '', title: '', href: user ? paths.user.getHref(user.username) : undefined };
      }),
    [query.data],
  );
  const selected = useShortcutList(items);
  if (query.isPending) return <Loading />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 403) return <NotAllowed />;
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (query.data.items.length === 0) return <Empty>{t(status === 'open' ? 'admin.emptyOpen' : 'admin.emptyResolved')}</Empty>;
  return (
    <>
      <div className="case-list">
        {query.data.items.map((c, i) => (
          <ReportCaseCard key={c.id} c={c} index={i} selected={i === selected} />
        ))}
      </div>
      <Pager nextCursor={query.data.next_cursor} />
    </>
  );
}

/** The admins' page: the report queue, open or resolved, and the moderation log. */
export function AdminPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const me = useMe();
  const [params] = useSearchParams();
  const raw = params.get('tab');
  const tab: Tab = raw === 'resolved' || raw === 'log' ? raw : 'open';
  const cursor = params.get('cursor') ?? undefined;
  useTitle(t('admin.title'));

  let body;
  if (!user) body = <SignInHint message="admin.loginNeeded" />;
  else if (me.isPending) body = <Loading />;
  else if (me.isError) body = <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  else if (me.data.role !== 'admin') body = <NotAllowed />;
  else if (tab === 'log') body = <ModerationLog cursor={cursor} />;
  else body = <ReportQueue status={tab} cursor={cursor} />;

  const isAdmin = me.data?.role === 'admin';
  return (
    <div className="page admin-page">
      <div className="page-head">
        <h1>{t('admin.title')}</h1>
        <p className="page-head__lead">{t('admin.lead')}</p>
      </div>
      {isAdmin ? (
        <nav className="tabs" aria-label={t('admin.title')}>
          {TABS.map(({ tab: x, label }) => (
            <Link
              key={x}
              className={`tab${x === tab ? ' is-active' : ''}`}
              aria-current={x === tab ? 'page' : undefined}
              to={paths.admin.getHref(x === 'open' ? {} : { tab: x })}
            >
              {t(label)}
            </Link>
          ))}
        </nav>
      ) : null}
      {body}
    </div>
  );
}
