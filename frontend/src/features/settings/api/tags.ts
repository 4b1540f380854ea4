import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';

// Renaming or deleting a tag rewrites my bookmarks, so every view of bookmarks is stale after it.

export function useRenameTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { from: string; to: string }) => unwrap(api.POST('/api/v1/me/tags/rename', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.bookmarkViews }),
  });
}

export function useDeleteTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tag: string) => unwrap(api.DELETE('/api/v1/me/tags/{tag}', { params: { path: { tag } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.bookmarkViews }),
  });
}
