import { Link, useLocation, useSearchParams } from 'react-router';
import { useI18n } from '@/i18n/i18n';

/** "Next page" by cursor, kept in the URL so every page is shareable. */
export function Pager({ nextCursor }: { nextCursor?: string | null }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const location = useLocation();
  const hasCursor = params.has('cursor');
  if (!nextCursor && !hasCursor) return null;
  const next = new URLSearchParams(params);
  if (nextCursor) next.set('cursor', nextCursor);
  const first = new URLSearchParams(params);
  first.delete('cursor');
  const firstQs = first.toString();
  return (
    <nav className="pager" aria-label={t('common.nextPage')}>
      {hasCursor ? (
        <Link className="button" to={`${location.pathname}${firstQs ? `?${firstQs}` : ''}`}>
          {t('common.firstPage')}
        </Link>
      ) : (
        <span />
      )}
      {nextCursor ? (
        <Link className="button button--primary" rel="next" to={`${location.pathname}?${next}`}>
          {t('common.nextPage')} →
        </Link>
      ) : null}
    </nav>
  );
}
