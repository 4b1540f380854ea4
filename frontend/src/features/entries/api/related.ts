import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';

/** The entries related to an entry, as the server last computed them. */
export function relatedEntriesQueryOptions(entryId: number) {
  return queryOptions({
    queryKey: [...queryKeys.entries, 'related', entryId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/entries/{id}/related', { params: { path: { id: entryId } }, signal })),
  });
}

export function useRelatedEntries(entryId: number) {
  return useQuery(relatedEntriesQueryOptions(entryId));
}
