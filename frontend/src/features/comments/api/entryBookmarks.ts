import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { EntryBookmarkFilter, EntryBookmarkPage } from '@/lib/api/types';
import { PAGE_SIZE } from '@/config/paging';

/** Who bookmarked an entry publicly, with or without a comment, newest first. */
export function entryBookmarksQueryOptions(entryId: number, filter: EntryBookmarkFilter) {
  return infiniteQueryOptions({
    queryKey: [...queryKeys.comments, entryId, 'bookmarks', filter],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: EntryBookmarkPage) => last.next_cursor ?? undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/entries/{id}/bookmarks', {
          params: { path: { id: entryId }, query: { filter, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
  });
}

export function useEntryBookmarks(entryId: number, filter: EntryBookmarkFilter, enabled = true) {
  return useInfiniteQuery({ ...entryBookmarksQueryOptions(entryId, filter), enabled });
}
