import { useMemo } from 'react';
import type { SearchPage } from '@/lib/api/types';
import { EntryCard } from '@/features/entries';
import { useShortcutList } from '@/features/shortcuts';
import { BookmarkRow } from '@/features/users';

/** One page of results: everyone's entries or my bookmarks, with their matches marked. */
export function SearchResults({ page, stale }: { page: SearchPage; stale: boolean }) {
  const items = useMemo(
    () => [
      ...page.entries.map(({ entry }) => ({ url: entry.url, title: entry.title, entryId: entry.id })),
      ...page.bookmarks.map(({ bookmark }) => ({
        url: bookmark.entry.url,
        title: bookmark.entry.title,
        entryId: bookmark.entry.id,
      })),
    ],
    [page],
  );
  const selected = useShortcutList(items);
  const offset = page.entries.length;
  return (
    <div className={`search-results${stale ? ' is-stale' : ''}`} aria-busy={stale || undefined}>
      {page.entries.map((hit, i) => (
        <EntryCard
          key={`e${hit.entry.id}`}
          entry={hit.entry}
          index={i}
          selected={i === selected}
          highlights={hit.highlights}
        />
      ))}
      {page.bookmarks.map((hit, i) => (
        <BookmarkRow
          key={`b${hit.bookmark.id}`}
          bm={hit.bookmark}
          index={offset + i}
          selected={offset + i === selected}
          isOwner
          highlights={hit.highlights}
        />
      ))}
    </div>
  );
}
