import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { TokenScope } from '@/lib/api/types';

/** My API tokens (never their secrets, which are shown once on creation). */
export function tokensQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.tokens,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/tokens', { signal })),
  });
}

export function useTokens() {
  return useQuery(tokensQueryOptions());
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; scope: TokenScope }) => unwrap(api.POST('/api/v1/me/tokens', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tokensQueryOptions().queryKey }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tokensQueryOptions().queryKey }),
  });
}
