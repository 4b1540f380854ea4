import { useState, type FormEvent } from 'react';
import type { CreatedHatenaApp, TokenScope } from '@/lib/api/types';
import { formErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { ErrorState, Loading } from '@/components/ui/States';
import { useCreateHatenaApp, useHatenaApps, useRevokeHatenaApp } from '../api/hatenaApps';
import { CopyButton } from './CopyButton';

/** The four credentials of a new app, in the order Hatena clients ask for them. */
const CREDENTIALS: { field: keyof CreatedHatenaApp; label: MessageKey }[] = [
  { field: 'consumer_key', label: 'settings.consumerKey' },
  { field: 'consumer_secret', label: 'settings.consumerSecret' },
  { field: 'access_token', label: 'settings.accessToken' },
  { field: 'access_token_secret', label: 'settings.accessTokenSecret' },
];

/** OAuth credentials for clients of Hatena Bookmark's REST API, pointed at this server. */
export function HatenaAppsSection() {
  const { t, formatDateTime } = useI18n();
  const apps = useHatenaApps();
  const create = useCreateHatenaApp();
  const revoke = useRevokeHatenaApp();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('write');
  const [created, setCreated] = useState<CreatedHatenaApp | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    create.mutate(
      { name: name.trim(), scope },
      {
        onSuccess: (app) => {
          setCreated(app);
          setName('');
        },
        onError: (err) => setError(formErrors(err, [], t('common.error')).form ?? null),
      },
    );
  };

  return (
    <section className="card settings-section" aria-labelledby="settings-hatena-apps">
      <h2 id="settings-hatena-apps">{t('settings.hatenaApps')}</h2>
      <p className="muted">{t('settings.hatenaAppsLead')}</p>
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="hatena-app-name">{t('settings.hatenaAppName')}</label>
          <input
            id="hatena-app-name"
            value={name}
            required
            maxLength={64}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="hatena-app-scope">{t('settings.hatenaAppScope')}</label>
          <select id="hatena-app-scope" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
            <option value="read">{t('settings.scopeRead')}</option>
            <option value="write">{t('settings.scopeWrite')}</option>
          </select>
        </div>
        <button type="submit" className="button button--primary" disabled={create.isPending || !name.trim()}>
          {t('settings.createHatenaApp')}
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {created ? (
        <div className="token-created" role="status">
          <p>{t('settings.hatenaAppCreated')}</p>
          <dl>
            {CREDENTIALS.map(({ field, label }) => (
              <div key={field} className="token-created__row">
                <dt>{t(label)}</dt>
                <dd>
                  <code data-testid={`hatena-${field}`}>{String(created[field])}</code>{' '}
                  <CopyButton text={String(created[field])} label={t('settings.copyValue', { name: t(label) })} />
                </dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
      {apps.isPending ? <Loading /> : null}
      {apps.isError ? <ErrorState error={apps.error} onRetry={() => void apps.refetch()} /> : null}
      {apps.data && apps.data.items.length === 0 ? <p className="muted">{t('settings.noHatenaApps')}</p> : null}
      {apps.data && apps.data.items.length > 0 ? (
        <ul className="token-list">
          {apps.data.items.map((app) => (
            <li key={app.id} className="token-list__item">
              <div>
                <strong>{app.name}</strong>{' '}
                <span className="badge">{app.scope === 'write' ? t('settings.scopeWrite') : t('settings.scopeRead')}</span>
                <p className="muted small">
                  {t('settings.consumerKey')}: <code>{app.consumer_key}</code>
                </p>
                <p className="muted small">
                  {t('settings.tokenCreatedAt', { date: formatDateTime(app.created_at) })} ·{' '}
                  {app.last_used_at
                    ? t('settings.tokenLastUsed', { date: formatDateTime(app.last_used_at) })
                    : t('settings.tokenNeverUsed')}
                </p>
              </div>
              <button
                type="button"
                className="button button--danger button--small"
                aria-label={t('settings.revokeHatenaApp', { name: app.name })}
                disabled={revoke.isPending}
                onClick={() => {
                  if (window.confirm(t('settings.confirmRevokeHatenaApp', { name: app.name }))) revoke.mutate(app.id);
                }}
              >
                {t('settings.revoke')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
