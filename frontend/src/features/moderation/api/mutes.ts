import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';

/** Everything I muted: users, words and sites. */
export function mutesQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.mutes,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/me/mutes', { signal })),
  });
}

export function useMutes() {
  return useQuery(mutesQueryOptions());
}

/** A mute changes what every list shows me, and my notifications. */
function afterMuteChange(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.mutes });
  void queryClient.invalidateQueries({ queryKey: queryKeys.bookmarkViews });
  void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
}

/**
 * Mutes or unmutes a user. A plain function rather than a hook, so that a
 * toast's Undo still works after the muted comment (and its menu) is gone.
 */
export async function setUserMuted(queryClient: QueryClient, username: string, muted: boolean) {
  const init = { params: { path: { username } } };
  if (muted) await unwrap(api.PUT('/api/v1/me/mutes/users/{username}', init));
  else await unwrap(api.DELETE('/api/v1/me/mutes/users/{username}', init));
  afterMuteChange(queryClient);
}

export function useUnmuteUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (username: string) => setUserMuted(queryClient, username, false) });
}

export function useMuteWord() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (word: string) => unwrap(api.POST('/api/v1/me/mutes/words', { body: { word } })),
    onSuccess: () => afterMuteChange(queryClient),
  });
}

export function useUnmuteWord() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (word: string) => unwrap(api.DELETE('/api/v1/me/mutes/words/{word}', { params: { path: { word } } })),
    onSuccess: () => afterMuteChange(queryClient),
  });
}

export function useMuteSite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) => unwrap(api.POST('/api/v1/me/mutes/sites', { body: { domain } })),
    onSuccess: () => afterMuteChange(queryClient),
  });
}

export function useUnmuteSite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) =>
      unwrap(api.DELETE('/api/v1/me/mutes/sites/{domain}', { params: { path: { domain } } })),
    onSuccess: () => afterMuteChange(queryClient),
  });
}
