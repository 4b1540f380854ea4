import { useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast/toastContext';
import { SignInHint } from '@/components/SignInHint';
import { Pager } from '@/components/ui/Pager';
import { Empty, ErrorState, Loading } from '@/components/ui/States';
import { useShortcutList } from '@/features/shortcuts';
import { unreadCountQueryOptions, useMarkAllRead, useNotifications } from '../api/notifications';
import { NotificationItem } from '../components/NotificationItem';

function NotificationList({ cursor }: { cursor: string | undefined }) {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const query = useNotifications(cursor);
  const markAll = useMarkAllRead();
  const data = query.data;

  // The list says how many are unread: the bell follows it.
  useEffect(() => {
    if (data) queryClient.setQueryData(unreadCountQueryOptions().queryKey, { unread_count: data.unread_count });
  }, [data, queryClient]);

  const items = useMemo(
    () =>
      (data?.items ?? []).map((n) => {
        const e = n.subject.entry;
        const actor = n.actors[0];
        return e
          ? { url: e.url, title: e.title, entryId: e.id }
          : { url: '', title: '', href: actor ? paths.user.getHref(actor.username) : undefined };
      }),
    [data],
  );
  const selected = useShortcutList(items);

  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const unread = query.data.unread_count;
  return (
    <>
      <div className="notifications-bar">
        <p className="muted small" data-testid="unread-summary">
          {unread > 0 ? t('notifications.unreadCount', { count: unread }) : t('notifications.allRead')}
        </p>
        <button
          type="button"
          className="button button--small"
          disabled={unread === 0 || markAll.isPending}
          onClick={() =>
            markAll.mutate(undefined, {
              onSuccess: () => toast.show(t('notifications.markedRead'), 'success'),
              onError: () => toast.show(t('common.error'), 'error'),
            })
          }
        >
          {t('notifications.markAllRead')}
        </button>
      </div>
      {query.data.items.length === 0 ? (
        <Empty>{t('notifications.empty')}</Empty>
      ) : (
        <ol className="notification-list">
          {query.data.items.map((n, i) => (
            <NotificationItem key={n.id} n={n} index={i} selected={i === selected} />
          ))}
        </ol>
      )}
      <Pager nextCursor={query.data.next_cursor} />
    </>
  );
}

/** Stars on my comments, new followers and my first bookmarks that caught on. */
export function NotificationsPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const [params] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  useTitle(t('notifications.title'));
  return (
    <div className="page notifications-page">
      <div className="page-head">
        <h1>{t('notifications.title')}</h1>
        <p className="page-head__lead">{t('notifications.lead')}</p>
      </div>
      {user ? <NotificationList cursor={cursor} /> : <SignInHint message="notifications.loginNeeded" />}
    </div>
  );
}
