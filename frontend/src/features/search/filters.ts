// A search as the URL carries it: `/search?q=…&scope=…&…`. The URL is the only
// state, so a search can be bookmarked and shared and back/forward replay it.
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { FormErrors } from '@/lib/api/errors';
import type { SearchQuery } from '@/lib/api/types';
import { paths } from '@/config/paths';

export type SearchScope = NonNullable<SearchQuery['scope']>;
export type SearchTarget = NonNullable<SearchQuery['target']>;
export type SearchSort = NonNullable<SearchQuery['sort']>;

export const SCOPES: readonly SearchScope[] = ['all', 'mine'];
export const TARGETS: readonly SearchTarget[] = ['all', 'title', 'comment', 'tag'];
export const SORTS: readonly SearchSort[] = ['relevance', 'popular', 'recent'];
/** My own bookmarks have no user counts to sort by. */
export const MINE_SORTS: readonly SearchSort[] = ['relevance', 'recent'];

/** The API's limits, checked here so a hand-edited URL degrades instead of failing. */
export const Q_MAX = 256;
export const USERS_MAX = 1_000_000;
export const SITE_MAX = 253;
const USER_MAX = 32;

export interface SearchFilters {
  q: string;
  scope: SearchScope;
  target: SearchTarget;
  sort: SearchSort;
  /** At least this many users (everyone's entries only). */
  users?: number;
  /** YYYY-MM-DD, inclusive. */
  date_begin?: string;
  date_end?: string;
  site?: string;
  /** Only what this user bookmarked. */
  user?: string;
}

/** The fields the API may name in a problem's errors, shown beside the filter that caused them. */
export const FILTER_FIELDS = ['q', 'users', 'date_begin', 'date_end', 'site', 'user'] as const;
export type FilterErrors = FormErrors<(typeof FILTER_FIELDS)[number]>;

export const DEFAULT_FILTERS: SearchFilters = { q: '', scope: 'all', target: 'all', sort: 'relevance' };

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.find((a) => a === value) ?? fallback;
}

/** A real calendar day as YYYY-MM-DD, or undefined. */
export function parseDay(value: string | null | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value ? value : undefined;
}

/** A minimum user count from a field or the URL: a whole number 1…USERS_MAX, or undefined. */
export function parseUsers(value: string | null | undefined): number | undefined {
  const v = value?.trim();
  if (!v || !/^\d{1,7}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1 && n <= USERS_MAX ? n : undefined;
}

function text(value: string | null, max: number): string | undefined {
  const v = value?.trim();
  return v && Array.from(v).length <= max ? v : undefined;
}

/** The search a URL describes; unknown or invalid values fall back to the defaults. */
export function parseFilters(params: URLSearchParams): SearchFilters {
  const q = params.get('q') ?? '';
  return {
    q: Array.from(q).slice(0, Q_MAX).join(''),
    scope: oneOf(params.get('scope'), SCOPES, 'all'),
    target: oneOf(params.get('target'), TARGETS, 'all'),
    sort: oneOf(params.get('sort'), SORTS, 'relevance'),
    users: parseUsers(params.get('users')),
    date_begin: parseDay(params.get('date_begin')),
    date_end: parseDay(params.get('date_end')),
    site: text(params.get('site'), SITE_MAX),
    user: text(params.get('user'), USER_MAX),
  };
}

/** The query parameters of a search, defaults left out; the same for the page, the API and the feed. */
export function filterParams(f: SearchFilters): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.q) out.q = f.q;
  if (f.scope !== 'all') out.scope = f.scope;
  if (f.target !== 'all') out.target = f.target;
  if (f.sort !== 'relevance') out.sort = f.sort;
  if (f.users !== undefined) out.users = String(f.users);
  if (f.date_begin) out.date_begin = f.date_begin;
  if (f.date_end) out.date_end = f.date_end;
  if (f.site) out.site = f.site;
  if (f.user) out.user = f.user;
  return out;
}

/** The results page of a search (its first page). */
export function searchHref(f: SearchFilters): string {
  return paths.search.getHref(filterParams(f));
}

/** The feed of a search: always everyone's entries (a feed is public). */
export function feedHref(f: SearchFilters, format: 'rss' | 'atom' = 'rss'): string {
  const { scope: _scope, ...params } = filterParams(f);
  return `/search.${format}?${new URLSearchParams(params)}`;
}

/** Whether there is anything to search for: the API refuses a search without words or filters. */
export function hasCriteria(f: SearchFilters): boolean {
  return (
    f.q.trim() !== '' ||
    f.users !== undefined ||
    !!f.date_begin ||
    !!f.date_end ||
    !!f.site ||
    !!f.user
  );
}

/** Whether any filter beyond the words and the scope is set. */
export function hasFilters(f: SearchFilters): boolean {
  return (
    f.target !== 'all' ||
    f.sort !== 'relevance' ||
    f.users !== undefined ||
    !!f.date_begin ||
    !!f.date_end ||
    !!f.site ||
    !!f.user
  );
}

/** The search of the current URL and its page cursor. */
export function useSearchFilters(): { filters: SearchFilters; cursor: string | undefined } {
  const [params] = useSearchParams();
  const key = params.toString();
  return useMemo(() => {
    const p = new URLSearchParams(key);
    return { filters: parseFilters(p), cursor: p.get('cursor') ?? undefined };
  }, [key]);
}
