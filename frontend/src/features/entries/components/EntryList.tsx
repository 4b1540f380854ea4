import { useMemo, type ReactNode } from 'react';
import type { EntryListItem } from '@/lib/api/types';
import { EXCERPT_CHARS, type HighlightMap } from '@/lib/highlight';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { DomainLink } from '@/components/ui/DomainLink';
import { ExternalLink } from '@/components/ui/ExternalLink';
import { Highlighted } from '@/components/ui/Highlighted';
import { TagList } from '@/components/ui/TagList';
import { Thumbnail } from '@/components/ui/Thumbnail';
import { UsersCount } from '@/components/ui/UsersCount';
import { CategoryBadge } from '@/features/categories';
import { useShortcutList, useShortcuts } from '@/features/shortcuts';

export function EntryCard({
  entry,
  index,
  selected,
  featured,
  highlights,
  children,
}: {
  entry: EntryListItem;
  index: number;
  selected: boolean;
  featured?: boolean;
  /** Where a search matched the title and summary. */
  highlights?: HighlightMap;
  /** More about the entry, under its tags (why it is in this list). */
  children?: ReactNode;
}) {
  const { t, formatDate } = useI18n();
  const { select } = useShortcuts();
  return (
    <article
      className={`card entry-card${selected ? ' is-selected' : ''}${featured ? ' entry-card--featured' : ''}`}
      data-shortcut-index={index}
      aria-current={selected ? 'true' : undefined}
      onFocus={() => select(index)}
    >
      <div className="entry-card__body">
        <div className="entry-card__meta">
          <UsersCount entry={entry} />
          <DomainLink domain={entry.domain} favicon={entry.favicon_url} />
          <CategoryBadge category={entry.category} />
        </div>
        <h3 className="entry-card__title">
          <ExternalLink href={entry.url} focusTarget>
            {entry.title ? <Highlighted text={entry.title} ranges={highlights?.title} /> : entry.url || t('common.noTitle')}
          </ExternalLink>
        </h3>
        {entry.summary ? (
          <p className="entry-card__summary">
            <Highlighted text={entry.summary} ranges={highlights?.summary} max={EXCERPT_CHARS} />
          </p>
        ) : null}
        <div className="entry-card__foot">
          <TagList tags={entry.tags.slice(0, 4)} to={paths.tag.getHref} />
          {entry.first_bookmarked_at ? (
            <time className="muted small" dateTime={entry.first_bookmarked_at}>
              {formatDate(entry.first_bookmarked_at)}
            </time>
          ) : null}
        </div>
        {children}
      </div>
      <Thumbnail src={entry.thumbnail_url} className="entry-card__thumb" />
    </article>
  );
}

export function EntryList({ entries }: { entries: EntryListItem[] }) {
  const items = useMemo(
    () => entries.map((e) => ({ url: e.url, title: e.title, entryId: e.id })),
    [entries],
  );
  const selected = useShortcutList(items);
  return (
    <div className="entry-grid">
      {entries.map((e, i) => (
        <EntryCard key={e.id} entry={e} index={i} selected={i === selected} featured={i === 0} />
      ))}
    </div>
  );
}
