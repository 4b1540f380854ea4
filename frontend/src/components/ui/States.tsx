import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import { ApiError } from '@/lib/api/errors';
import { paths } from '@/config/paths';

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state state--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const detail = error instanceof ApiError ? error.message : null;
  return (
    <div className="state state--error" role="alert">
      <p>{t('common.error')}</p>
      {detail ? <p className="muted">{detail}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state--empty">{children}</div>;
}

export function NotFoundState({ message }: { message?: string }) {
  const { t } = useI18n();
  return (
    <div className="not-found">
      <p className="not-found__code" aria-hidden="true">
        404
      </p>
      <h1>{t('notFound.title')}</h1>
      <p className="muted">{message ?? t('notFound.body')}</p>
      <Link className="button button--primary" to={paths.hot.getHref()}>
        {t('notFound.home')}
      </Link>
    </div>
  );
}
