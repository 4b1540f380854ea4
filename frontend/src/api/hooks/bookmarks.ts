import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ApiError, api, unwrap } from '../client';
import type { Bookmark, UpdateBookmark, UpsertBookmark } from '../types';
import { PAGE_SIZE } from './entries';

export interface BookmarkFilter {
  tags: string[];
  site?: string;
  readLater?: boolean;
}

export function useUserBookmarks(username: string, filter: BookmarkFilter, cursor: string | undefined) {
  return useQuery({
    queryKey: ['user-bookmarks', username, filter, cursor ?? null],
    placeholderData: keepPreviousData,
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

/** My bookmark of a URL, or null when I have none. */
export function useMyBookmark(url: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['my-bookmark', url],
    enabled: enabled && !!url,
    queryFn: ({ signal }) => fetchMyBookmark(url as string, signal),
  });
}

export async function fetchMyBookmark(url: string, signal?: AbortSignal): Promise<Bookmark | null> {
  try {
    return await unwrap(api.GET('/api/v1/me/bookmark', { params: { query: { url } }, signal }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function invalidateBookmarkViews(queryClient: QueryClient) {
  for (const key of ['entries', 'entry', 'entry-lookup', 'comments', 'user', 'user-bookmarks', 'user-tags', 'user-sites', 'my-bookmark']) {
    void queryClient.invalidateQueries({ queryKey: [key] });
  }
}

export function useSaveBookmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpsertBookmark) => unwrap(api.POST('/api/v1/bookmarks', { body })),
    onSuccess: (bm) => {
      queryClient.setQueryData(['my-bookmark', bm.entry.url], bm);
      invalidateBookmarkViews(queryClient);
    },
  });
}

export function useUpdateBookmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: number; changes: UpdateBookmark }) =>
      unwrap(api.PATCH('/api/v1/bookmarks/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: (bm) => {
      queryClient.setQueryData(['my-bookmark', bm.entry.url], bm);
      invalidateBookmarkViews(queryClient);
    },
  });
}

export function useDeleteBookmark() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (bm: Bookmark) => unwrap(api.DELETE('/api/v1/bookmarks/{id}', { params: { path: { id: bm.id } } })),
    onSuccess: (_d, bm) => {
      queryClient.setQueryData(['my-bookmark', bm.entry.url], null);
      invalidateBookmarkViews(queryClient);
    },
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
      const mine = await queryClient.fetchQuery({
        queryKey: ['my-bookmark', url],
        queryFn: ({ signal }) => fetchMyBookmark(url, signal),
        staleTime: 0,
      });
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
    onSuccess: (bm) => {
      queryClient.setQueryData(['my-bookmark', bm.entry.url], bm);
      invalidateBookmarkViews(queryClient);
    },
  });
}
