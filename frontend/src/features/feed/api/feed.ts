import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import { PAGE_SIZE } from '@/config/paging';

/** The public bookmarks of the people I follow, newest first, optionally of one tag. */
export function myFeedQueryOptions(tag: string | undefined, cursor: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.feed, 'bookmarks', tag ?? null, cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/me/feed', {
          params: { query: { limit: PAGE_SIZE, ...(tag ? { tag } : {}), ...(cursor ? { cursor } : {}) } },
          signal,
        }),
      ),
  });
}

export function useMyFeed(tag: string | undefined, cursor: string | undefined) {
  return useQuery({ ...myFeedQueryOptions(tag, cursor), placeholderData: keepPreviousData });
}

/** Entries the people I follow bookmarked lately, with who of them did. */
export function myHotQueryOptions(cursor: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.feed, 'hot', cursor ?? null],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/me/hot', { params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } }, signal })),
  });
}

export function useMyHot(cursor: string | undefined) {
  return useQuery({ ...myHotQueryOptions(cursor), placeholderData: keepPreviousData });
}
