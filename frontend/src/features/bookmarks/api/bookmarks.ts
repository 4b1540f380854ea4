import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { ApiError } from '@/lib/api/errors';
import { queryKeys } from '@/lib/api/queryKeys';
import type { Bookmark, UpdateBookmark, UpsertBookmark } from '@/lib/api/types';
import { PAGE_SIZE } from '@/config/paging';

export interface BookmarkFilter {
  tags: string[];
  site?: string;
  readLater?: boolean;
}

export function userBookmarksQueryOptions(username: string, filter: BookmarkFilter, cursor: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.users, 'bookmarks', username, filter, cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/users/{username}/bookmarks', {
          params: {
            path: { username },
            query: {
              limit: PAGE_SIZE,
              ...(cursor ? { cursor } : {}),
              ...(filter.tags.length ? { tag: filter.tags } : {}),
              ...(filter.site ? { site: filter.site } : {}),
              ...(filter.readLater ? { read_later: true } : {}),
            },
          },
          signal,
        }),
      ),
  });
}

export function useUserBookmarks(username: string, filter: BookmarkFilter, cursor: string | undefined) {
  return useQuery({ ...userBookmarksQueryOptions(username, filter, cursor), placeholderData: keepPreviousData });
}

async function fetchMyBookmark(url: string, signal?: AbortSignal): Promise<Bookmark | null> {
  try {
    return await unwrap(api.GET('/api/v1/me/bookmark', { params: { query: { url } }, signal }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** My bookmark of a URL, or null when I have none. */
export function myBookmarkQueryOptions(url: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.myBookmark, url],
    queryFn: ({ signal }) => fetchMyBookmark(url as string, signal),
  });
}

export function useMyBookmark(url: string | undefined, enabled = true) {
  return useQuery({ ...myBookmarkQueryOptions(url), enabled: enabled && !!url });
}

/** Caches a bookmark I just wrote, or the lack of one, and marks every view of bookmarks stale. */
function bookmarkWritten(queryClient: QueryClient, url: string, bookmark: Bookmark | null) {
  queryClient.setQueryData(myBookmarkQueryOptions(url).queryKey, bookmark);
  void queryClient.invalidateQueries({ queryKey: queryKeys.bookmarkViews });
}

export function useSaveBookmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpsertBookmark) => unwrap(api.POST('/api/v1/bookmarks', { body })),
    onSuccess: (bm) => bookmarkWritten(queryClient, bm.entry.url, bm),
  });
}

export function useUpdateBookmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: number; changes: UpdateBookmark }) =>
      unwrap(api.PATCH('/api/v1/bookmarks/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: (bm) => bookmarkWritten(queryClient, bm.entry.url, bm),
  });
}

export function useDeleteBookmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (bm: Bookmark) => unwrap(api.DELETE('/api/v1/bookmarks/{id}', { params: { path: { id: bm.id } } })),
    onSuccess: (_d, bm) => bookmarkWritten(queryClient, bm.entry.url, null),
  });
}

/**
 * Toggles "read later" on my bookmark of a URL, creating a private-less
 * read-later bookmark when I have none yet. Resolves to the new state.
 */
export function useToggleReadLater() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ url, title }: { url: string; title?: string }): Promise<Bookmark> => {
      const mine = await queryClient.fetchQuery({ ...myBookmarkQueryOptions(url), staleTime: 0 });
      if (mine) {
        return unwrap(
          api.PATCH('/api/v1/bookmarks/{id}', {
            params: { path: { id: mine.id } },
            body: { read_later: !mine.read_later },
          }),
        );
      }
      return unwrap(api.POST('/api/v1/bookmarks', { body: { url, read_later: true, ...(title ? { title } : {}) } }));
    },
    onSuccess: (bm) => bookmarkWritten(queryClient, bm.entry.url, bm),
  });
}
