import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { UserProfile } from '@/lib/api/types';
import { PAGE_SIZE } from '@/config/paging';
import { userProfileQueryOptions } from './users';

export type FollowDirection = 'followers' | 'following';

export function followListQueryOptions(username: string, direction: FollowDirection, cursor: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.users, direction, username, cursor ?? null],
    queryFn: ({ signal }) => {
      const init = { params: { path: { username }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }, signal };
      return unwrap(
        direction === 'followers'
          ? api.GET('/api/v1/users/{username}/followers', init)
          : api.GET('/api/v1/users/{username}/following', init),
      );
    },
  });
}

export function useFollowList(username: string, direction: FollowDirection, cursor: string | undefined) {
  return useQuery({ ...followListQueryOptions(username, direction, cursor), placeholderData: keepPreviousData });
}

/**
 * Follows or unfollows a user. The profile shows the change at once and gets
 * its old state back if the server refuses.
 */
export function useFollow(username: string) {
  const queryClient = useQueryClient();
  const profileKey = userProfileQueryOptions(username).queryKey;
  return useMutation({
    mutationFn: async (follow: boolean) => {
      const init = { params: { path: { username } } };
      if (follow) await unwrap(api.PUT('/api/v1/users/{username}/follow', init));
      else await unwrap(api.DELETE('/api/v1/users/{username}/follow', init));
    },
    onMutate: async (follow: boolean) => {
      await queryClient.cancelQueries({ queryKey: profileKey });
      const previous = queryClient.getQueryData<UserProfile>(profileKey);
      if (previous && !!previous.followed_by_me !== follow) {
        queryClient.setQueryData<UserProfile>(profileKey, {
          ...previous,
          followed_by_me: follow,
          follower_count: Math.max(0, previous.follower_count + (follow ? 1 : -1)),
        });
      }
      return { previous };
    },
    onError: (_error, _follow, context) => {
      if (context?.previous) queryClient.setQueryData(profileKey, context.previous);
    },
    onSettled: () => {
      // Counts, follow lists, my feed and the followees' bookmarks on entries all change.
      void queryClient.invalidateQueries({ queryKey: queryKeys.users });
      void queryClient.invalidateQueries({ queryKey: queryKeys.feed });
      void queryClient.invalidateQueries({ queryKey: queryKeys.comments });
    },
  });
}
