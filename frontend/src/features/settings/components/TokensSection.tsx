import { useState, type FormEvent } from 'react';
import type { CreatedToken, TokenScope } from '@/lib/api/types';
import { formErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { ErrorState, Loading } from '@/components/ui/States';
import { useCreateToken, useRevokeToken, useTokens } from '../api/tokens';
import { CopyButton } from './CopyButton';

export function TokensSection() {
  const { t, formatDateTime } = useI18n();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    create.mutate(
      { name: name.trim(), scope },
      {
        onSuccess: (tok) => {
          setCreated(tok);
          setName('');
        },
        onError: (err) => setError(formErrors(err, [], t('common.error')).form ?? null),
      },
    );
  };

  return (
    <section className="card settings-section" aria-labelledby="settings-tokens">
      <h2 id="settings-tokens">{t('settings.tokens')}</h2>
      <p className="muted">{t('settings.tokensLead')}</p>
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="token-name">{t('settings.tokenName')}</label>
          <input id="token-name" value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="token-scope">{t('settings.tokenScope')}</label>
          <select id="token-scope" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
            <option value="read">{t('settings.scopeRead')}</option>
            <option value="write">{t('settings.scopeWrite')}</option>
          </select>
        </div>
        <button type="submit" className="button button--primary" disabled={create.isPending || !name.trim()}>
          {t('settings.createToken')}
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {created ? (
        <div className="token-created" role="status">
          <p>{t('settings.tokenCreated')}</p>
          <div className="token-created__row">
            <code aria-label={t('settings.newToken')} data-testid="new-token">
              {created.token}
            </code>
            <CopyButton text={created.token} label={t('settings.copyToken')} />
          </div>
        </div>
      ) : null}
      {tokens.isPending ? <Loading /> : null}
      {tokens.isError ? <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} /> : null}
      {tokens.data && tokens.data.items.length === 0 ? <p className="muted">{t('settings.noTokens')}</p> : null}
      {tokens.data && tokens.data.items.length > 0 ? (
        <ul className="token-list">
          {tokens.data.items.map((tok) => (
            <li key={tok.id} className="token-list__item">
              <div>
                <strong>{tok.name}</strong>{' '}
                <span className="badge">{tok.scope === 'write' ? t('settings.scopeWrite') : t('settings.scopeRead')}</span>
                <p className="muted small">
                  {t('settings.tokenCreatedAt', { date: formatDateTime(tok.created_at) })} ·{' '}
                  {tok.last_used_at
                    ? t('settings.tokenLastUsed', { date: formatDateTime(tok.last_used_at) })
                    : t('settings.tokenNeverUsed')}
                </p>
              </div>
              <button
                type="button"
                className="button button--danger button--small"
                aria-label={t('settings.revokeToken', { name: tok.name })}
                disabled={revoke.isPending}
                onClick={() => {
                  if (window.confirm(t('settings.confirmRevoke', { name: tok.name }))) revoke.mutate(tok.id);
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
