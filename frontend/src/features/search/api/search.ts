import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import type { SearchQuery } from '@/lib/api/types';
import { PAGE_SIZE } from '@/config/paging';
import { filterParams, type SearchFilters } from '../filters';

/** What the API is asked; filters that do not apply to my own bookmarks are left out. */
export function searchQuery(f: SearchFilters, cursor: string | undefined): SearchQuery {
  return {
    q: f.q,
    scope: f.scope,
    target: f.target,
    sort: f.sort,
    ...(f.scope === 'all' && f.users !== undefined ? { users: f.users } : {}),
    ...(f.date_begin ? { date_begin: f.date_begin } : {}),
    ...(f.date_end ? { date_end: f.date_end } : {}),
    ...(f.site ? { site: f.site } : {}),
    ...(f.user ? { user: f.user } : {}),
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
}

export function searchQueryOptions(f: SearchFilters, cursor: string | undefined) {
  return queryOptions({
    // Under the bookmark views, so my own writes refresh what I searched.
    queryKey: [...queryKeys.search, filterParams(f), cursor ?? null],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/search', { params: { query: searchQuery(f, cursor) }, signal })),
  });
}

/**
 * One page of results. While another page of the same scope loads, the
 * previous one stays on screen (marked as stale) instead of a spinner.
 */
export function useSearch(f: SearchFilters, cursor: string | undefined, enabled: boolean) {
  return useQuery({
    ...searchQueryOptions(f, cursor),
    enabled,
    placeholderData: (previous, previousQuery) => {
      const params = previousQuery?.queryKey[previousQuery.queryKey.length - 2] as Record<string, string> | undefined;
      return (params?.scope ?? 'all') === f.scope ? previous : undefined;
    },
  });
}
