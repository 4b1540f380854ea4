import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/queryKeys';
import { PAGE_SIZE } from '@/config/paging';
import type { CategorySlug } from '@/lib/api/types';

export type EntryListKind =
  | { kind: 'hot'; category?: CategorySlug }
  | { kind: 'new'; category?: CategorySlug }
  | { kind: 'site'; domain: string; sort: 'new' | 'hot' }
  | { kind: 'tag'; tag: string };

function getEntryList(list: EntryListKind, cursor: string | undefined, signal: AbortSignal) {
  const page = { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) };
  switch (list.kind) {
    case 'hot':
      return unwrap(
        api.GET('/api/v1/entries/hot', {
          params: { query: { ...page, ...(list.category ? { category: list.category } : {}) } },
          signal,
        }),
      );
    case 'new':
      return unwrap(
        api.GET('/api/v1/entries/new', {
          params: { query: { ...page, ...(list.category ? { category: list.category } : {}) } },
          signal,
        }),
      );
    case 'site':
      return unwrap(
        api.GET('/api/v1/sites/{domain}/entries', {
          params: { path: { domain: list.domain }, query: { ...page, sort: list.sort } },
          signal,
        }),
      );
    case 'tag':
      return unwrap(
        api.GET('/api/v1/tags/{tag}/entries', {
          params: { path: { tag: list.tag }, query: page },
          signal,
        }),
      );
  }
}

export function entryListQueryOptions(list: EntryListKind, cursor: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.entries, 'list', list, cursor ?? null],
    queryFn: ({ signal }) => getEntryList(list, cursor, signal),
  });
}

export function useEntryList(list: EntryListKind, cursor: string | undefined) {
  return useQuery({ ...entryListQueryOptions(list, cursor), placeholderData: keepPreviousData });
}

export function entryQueryOptions(id: number | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.entries, 'detail', id],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/entries/{id}', { params: { path: { id: id as number } }, signal })),
  });
}

export function useEntry(id: number | undefined) {
  return useQuery({ ...entryQueryOptions(id), enabled: id !== undefined && Number.isFinite(id) });
}

/** The entry of a URL; a 404 means nobody has bookmarked it yet. */
export function entryLookupQueryOptions(url: string | undefined) {
  return queryOptions({
    queryKey: [...queryKeys.entries, 'lookup', url],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/entries/lookup', { params: { query: { url: url as string } }, signal })),
  });
}

export function useEntryLookup(url: string | undefined) {
  return useQuery({ ...entryLookupQueryOptions(url), enabled: !!url });
}
