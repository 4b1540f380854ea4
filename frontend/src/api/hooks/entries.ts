import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../client';

export const PAGE_SIZE = 20;

export type EntryListKind =
  | { kind: 'hot' }
  | { kind: 'new' }
  | { kind: 'site'; domain: string; sort: 'new' | 'hot' }
  | { kind: 'tag'; tag: string };

export function useEntryList(list: EntryListKind, cursor: string | undefined) {
  return useQuery({
    queryKey: ['entries', list, cursor ?? null],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => {
      const page = { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) };
      switch (list.kind) {
        case 'hot':
          return unwrap(api.GET('/api/v1/entries/hot', { params: { query: page }, signal }));
        case 'new':
          return unwrap(api.GET('/api/v1/entries/new', { params: { query: page }, signal }));
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
    },
  });
}

export function useEntry(id: number | undefined) {
  return useQuery({
    queryKey: ['entry', id],
    enabled: id !== undefined && Number.isFinite(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/entries/{id}', { params: { path: { id: id as number } }, signal })),
  });
}

export function useEntryLookup(url: string | undefined) {
  return useQuery({
    queryKey: ['entry-lookup', url],
    enabled: !!url,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/entries/lookup', { params: { query: { url: url as string } }, signal })),
  });
}
