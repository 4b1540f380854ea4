import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';

/** A user's tags with how many of their bookmarks carry each. */
export function userTagsQueryOptions(username: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.users, 'tags', username],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/users/{username}/tags', { params: { path: { username: username as string } }, signal })),
  });
}

export function useUserTags(username: string | undefined) {
  return useQuery({ ...userTagsQueryOptions(username), enabled: !!username });
}

/** The sites a user bookmarked with how many bookmarks each. */
export function userSitesQueryOptions(username: string) {
  return queryOptions({
    queryKey: [...queryKeys.users, 'sites', username],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/users/{username}/sites', { params: { path: { username } }, signal })),
  });
}

export function useUserSites(username: string) {
  return useQuery(userSitesQueryOptions(username));
}
