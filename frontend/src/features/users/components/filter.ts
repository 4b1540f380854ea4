import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { BookmarkFilter } from '@/features/bookmarks';

/** The filter of a user page, read from its URL. */
export interface Filter extends BookmarkFilter {
  readLater: boolean;
}

export function useFilter(): Filter {
  const [params] = useSearchParams();
  return useMemo(
    () => ({
      tags: params.getAll('tag'),
      site: params.get('site') ?? undefined,
      readLater: params.get('read_later') === 'true' || params.get('read_later') === '1',
    }),
    [params],
  );
}
