import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import { useAuth } from '@/lib/auth/authContext';

/** My account as the server has it now: its role decides who sees the admin pages. */
export function meQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me', { signal })),
  });
}

export function useMe() {
  const { user } = useAuth();
  return useQuery({ ...meQueryOptions(), enabled: !!user });
}

/** Whether the signed-in user is an admin; false while unknown. */
export function useIsAdmin(): boolean {
  return useMe().data?.role === 'admin';
}
