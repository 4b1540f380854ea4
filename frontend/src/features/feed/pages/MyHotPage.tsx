import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading } from '@/components/ui/States';
import { EntryCard } from '@/features/entries';
import { useShortcutList } from '@/features/shortcuts';
import { useMyHot } from '../api/feed';
import { Followees } from '../components/Followees';
import { SignInHint } from '@/components/SignInHint';

function MyHotList({ cursor }: { cursor: string | undefined }) {
  const { t } = useI18n();
  const query = useMyHot(cursor);
  const items = useMemo(
    () => (query.data?.items ?? []).map(({ entry: e }) => ({ url: e.url, title: e.title, entryId: e.id })),
    [query.data],
  );
  const selected = useShortcutList(items);
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.items.length === 0) return <Empty>{t('myHot.empty')}</Empty>;
  return (
    <>
      <div className="entry-grid entry-grid--single">
        {query.data.items.map((item, i) => (
          <EntryCard key={item.entry.id} entry={item.entry} index={i} selected={i === selected}>
            <Followees users={item.followees} count={item.followee_count} />
          </EntryCard>
        ))}
      </div>
      <Pager nextCursor={query.data.next_cursor} />
    </>
  );
}

/** Entries the people I follow bookmarked in the last days, most of them first. */
export function MyHotPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const [params] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  useTitle(t('myHot.title'));
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('myHot.title')}</h1>
        <p className="page-head__lead">{t('myHot.lead')}</p>
      </div>
      {user ? <MyHotList cursor={cursor} /> : <SignInHint message="myHot.loginNeeded" />}
    </div>
  );
}
