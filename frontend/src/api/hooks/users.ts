import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import { session } from '../session';
import { invalidateBookmarkViews } from './bookmarks';

export function useUserProfile(username: string) {
  return useQuery({
    queryKey: ['user', username],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/users/{username}', { params: { path: { username } }, signal })),
  });
}

export function useUserTags(username: string | undefined) {
  return useQuery({
    queryKey: ['user-tags', username],
    enabled: !!username,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/users/{username}/tags', { params: { path: { username: username as string } }, signal })),
  });
}

export function useUserSites(username: string) {
  return useQuery({
    queryKey: ['user-sites', username],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/users/{username}/sites', { params: { path: { username } }, signal })),
  });
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: { display_name?: string; bio?: string }) =>
      unwrap(api.PATCH('/api/v1/me', { body: changes })),
    onSuccess: (user) => {
      session.setUser(user);
      void queryClient.invalidateQueries({ queryKey: ['user', user.username] });
    },
  });
}

export function useRenameTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { from: string; to: string }) => unwrap(api.POST('/api/v1/me/tags/rename', { body })),
    onSuccess: () => invalidateBookmarkViews(queryClient),
  });
}

export function useDeleteTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tag: string) => unwrap(api.DELETE('/api/v1/me/tags/{tag}', { params: { path: { tag } } })),
    onSuccess: () => invalidateBookmarkViews(queryClient),
  });
}
