import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';

export function userProfileQueryOptions(username: string) {
  return queryOptions({
    queryKey: [...queryKeys.users, 'profile', username],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/users/{username}', { params: { path: { username } }, signal })),
  });
}

export function useUserProfile(username: string) {
  return useQuery(userProfileQueryOptions(username));
}
