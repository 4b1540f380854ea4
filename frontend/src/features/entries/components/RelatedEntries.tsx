import { useI18n } from '@/i18n/i18n';
import { useRelatedEntries } from '../api/related';
import { EntryCard } from './EntryList';

/**
 * What people who bookmarked an entry also bookmarked, under its comments.
 * Nothing while loading, on failure, or when the entry has none (yet): the
 * lists are computed in the background.
 */
export function RelatedEntries({ entryId }: { entryId: number }) {
  const { t } = useI18n();
  const query = useRelatedEntries(entryId);
  const items = query.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="related-entries" aria-labelledby="related-entries-title">
      <h2 id="related-entries-title" className="section-title">
        {t('entry.related')}
      </h2>
      <div className="entry-grid related-entries__list">
        {items.map((e) => (
          // Not a j/k target: the page's shortcuts are about its own entry.
          <EntryCard key={e.id} entry={e} index={-1} selected={false} />
        ))}
      </div>
    </section>
  );
}
