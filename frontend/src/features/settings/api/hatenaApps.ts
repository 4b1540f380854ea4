import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { TokenScope } from '@/lib/api/types';

/** My Hatena-compatible apps (never their secrets, which are shown once on creation). */
export function hatenaAppsQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.hatenaApps,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/hatena-apps', { signal })),
  });
}

export function useHatenaApps() {
  return useQuery(hatenaAppsQueryOptions());
}

export function useCreateHatenaApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; scope: TokenScope }) => unwrap(api.POST('/api/v1/me/hatena-apps', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: hatenaAppsQueryOptions().queryKey }),
  });
}

export function useRevokeHatenaApp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/me/hatena-apps/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: hatenaAppsQueryOptions().queryKey }),
  });
}
