import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { UnreadCount } from '@/lib/api/types';
import { PAGE_SIZE } from '@/config/paging';

/** How often the bell asks for the unread count while the tab is visible. */
export const UNREAD_POLL_MS = 30_000;

export function unreadCountQueryOptions() {
  return queryOptions({
    queryKey: [...queryKeys.notifications, 'unread-count'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/notifications/unread-count', { signal })),
  });
}

/** The unread count, polled; polling pauses while the tab is hidden and catches up when it shows again. */
export function useUnreadCount(enabled: boolean) {
  return useQuery({
    ...unreadCountQueryOptions(),
    enabled,
    refetchInterval: UNREAD_POLL_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
  });
}

/** One page of my notifications, most recently updated first. */
export function notificationsQueryOptions(cursor: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.notifications, 'list', cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/me/notifications', {
          params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
  });
}

export function useNotifications(cursor: string | undefined) {
  return useQuery({ ...notificationsQueryOptions(cursor), placeholderData: keepPreviousData });
}

/** Marks every notification read, up to the newest one (the first of the first page). */
export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<UnreadCount> => {
      const first = await queryClient.fetchQuery(notificationsQueryOptions(undefined));
      const newest = first.items[0];
      if (!newest) return { unread_count: 0 };
      return unwrap(api.POST('/api/v1/me/notifications/read', { body: { up_to: newest.id } }));
    },
    onSuccess: (count) => {
      queryClient.setQueryData(unreadCountQueryOptions().queryKey, count);
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.notifications, 'list'] });
    },
  });
}
