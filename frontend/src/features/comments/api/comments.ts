import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { CommentSort } from '@/lib/api/types';

type CommentPage = Awaited<ReturnType<typeof fetchComments>>;

function fetchComments(entryId: number, sort: CommentSort, cursor: string | undefined, limit: number, signal: AbortSignal) {
  return unwrap(
    api.GET('/api/v1/entries/{id}/comments', {
      params: { path: { id: entryId }, query: { sort, limit, ...(cursor ? { cursor } : {}) } },
      signal,
    }),
  );
}

export function commentsQueryOptions(entryId: number | undefined, sort: CommentSort, limit = 20) {
  return infiniteQueryOptions({
    queryKey: [...queryKeys.comments, entryId, sort, limit],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: CommentPage) => last.next_cursor ?? undefined,
    queryFn: ({ pageParam, signal }) => fetchComments(entryId as number, sort, pageParam, limit, signal),
  });
}

export function useComments(entryId: number | undefined, sort: CommentSort, limit = 20) {
  return useInfiniteQuery({ ...commentsQueryOptions(entryId, sort, limit), enabled: entryId !== undefined });
}

export function useStar() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ commentId, starred }: { commentId: number; starred: boolean }) =>
      starred
        ? unwrap(api.PUT('/api/v1/comments/{id}/star', { params: { path: { id: commentId } } }))
        : unwrap(api.DELETE('/api/v1/comments/{id}/star', { params: { path: { id: commentId } } })),
    onSuccess: (state, { commentId }) => {
      // Patch every cached comment list in place so both lists agree at once.
      queryClient.setQueriesData<InfiniteData<CommentPage>>({ queryKey: queryKeys.comments }, (old) =>
        old
          ? {
              ...old,
              pages: old.pages.map((p) => ({
                ...p,
                items: p.items.map((c) =>
                  c.id === commentId ? { ...c, star_count: state.star_count, starred_by_me: state.starred_by_me } : c,
                ),
              })),
            }
          : old,
      );
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.comments, refetchType: 'none' });
    },
  });
}
