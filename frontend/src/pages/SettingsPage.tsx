import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../api/authContext';
import { ApiError } from '../api/client';
import { useCreateToken, useRevokeToken, useTokens } from '../api/hooks/tokens';
import { useDeleteTag, useRenameTag, useUpdateMe, useUserTags } from '../api/hooks/users';
import type { CreatedToken, TokenScope, User } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { useTitle } from '../lib/useTitle';
import { LanguageSwitcher } from '../components/Layout';
import { useToast } from '../components/toastContext';
import { ErrorState, Loading } from '../components/States';

function errorText(err: unknown, fallback: string): string {
  if (err instanceof ApiError) {
    const fields = Object.values(err.fieldErrors());
    return fields.length ? fields.join(' ') : err.message;
  }
  return fallback;
}

function ProfileSection({ user }: { user: User }) {
  const { t } = useI18n();
  const toast = useToast();
  const update = useUpdateMe();
  const [displayName, setDisplayName] = useState(user.display_name);
  const [bio, setBio] = useState(user.bio);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    update.mutate(
      { display_name: displayName, bio },
      {
        onSuccess: () => toast.show(t('settings.profileSaved'), 'success'),
        onError: (err) => setError(errorText(err, t('common.error'))),
      },
    );
  };
  return (
    <section className="card settings-section" aria-labelledby="settings-profile">
      <h2 id="settings-profile">{t('settings.profile')}</h2>
      <form onSubmit={submit}>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="settings-display-name">{t('settings.displayName')}</label>
          <input id="settings-display-name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="settings-bio">{t('settings.bio')}</label>
          <textarea id="settings-bio" rows={3} value={bio} onChange={(e) => setBio(e.target.value)} />
        </div>
        <div className="form-actions">
          <span className="spacer" />
          <button type="submit" className="button button--primary" disabled={update.isPending}>
            {update.isPending ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button button--small"
      aria-label={copied ? t('common.copied') : label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
          window.setTimeout(() => setCopied(false), 2000);
        } catch {
          setCopied(false);
        }
      }}
    >
      {copied ? t('common.copied') : t('common.copy')}
    </button>
  );
}

function TokensSection() {
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
        onError: (err) => setError(errorText(err, t('common.error'))),
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

function TagsSection({ username }: { username: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const tags = useUserTags(username);
  const rename = useRenameTag();
  const del = useDeleteTag();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    rename.mutate(
      { from, to: to.trim() },
      {
        onSuccess: () => {
          toast.show(t('settings.renamed'), 'success');
          setFrom('');
          setTo('');
        },
        onError: (err) => setError(errorText(err, t('common.error'))),
      },
    );
  };

  return (
    <section className="card settings-section" aria-labelledby="settings-tags">
      <h2 id="settings-tags">{t('settings.tagsTitle')}</h2>
      <p className="muted">{t('settings.tagsLead')}</p>
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="rename-from">{t('settings.renameFrom')}</label>
          <select id="rename-from" value={from} required onChange={(e) => setFrom(e.target.value)}>
            <option value="" />
            {tags.data?.items.map((x) => (
              <option key={x.tag} value={x.tag}>
                {x.tag} ({x.count})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rename-to">{t('settings.renameTo')}</label>
          <input id="rename-to" value={to} required onChange={(e) => setTo(e.target.value)} />
        </div>
        <button type="submit" className="button button--primary" disabled={rename.isPending || !from || !to.trim()}>
          {t('settings.rename')}
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {tags.data && tags.data.items.length > 0 ? (
        <ul className="tag-admin">
          {tags.data.items.map((x) => (
            <li key={x.tag} className="chip">
              <span>
                {x.tag} <span className="count">{x.count}</span>
              </span>
              <button
                type="button"
                className="chip__remove"
                aria-label={t('settings.deleteTag', { tag: x.tag })}
                onClick={() => {
                  if (!window.confirm(t('settings.confirmDeleteTag', { tag: x.tag }))) return;
                  del.mutate(x.tag, {
                    onSuccess: () => toast.show(t('settings.tagDeleted'), 'success'),
                    onError: (err) => setError(errorText(err, t('common.error'))),
                  });
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function BookmarkletSection() {
  const { t } = useI18n();
  const link = useRef<HTMLAnchorElement>(null);
  const origin = window.location.origin;
  const code = `javascript:(function(){location.href=${JSON.stringify(`${origin}/add?url=`)}+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title)})();`;
  useEffect(() => {
    // React refuses javascript: URLs in JSX; this one is our own constant code,
    // never user content, so it is set on the DOM node directly.
    link.current?.setAttribute('href', code);
  }, [code]);
  return (
    <section className="card settings-section" aria-labelledby="settings-bookmarklet">
      <h2 id="settings-bookmarklet">{t('settings.bookmarklet')}</h2>
      <p className="muted">{t('settings.bookmarkletLead')}</p>
      <p>
        <a ref={link} className="button bookmarklet" onClick={(e) => e.preventDefault()} draggable>
          B! {t('settings.bookmarkletLink')}
        </a>
      </p>
      <div className="token-created__row">
        <code className="code-block">{code}</code>
        <CopyButton text={code} label={t('settings.copyBookmarklet')} />
      </div>
    </section>
  );
}

export function SettingsPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  useTitle(t('settings.title'));
  return (
    <div className="page settings-page">
      <div className="page-head">
        <h1>{t('settings.title')}</h1>
      </div>
      <section className="card settings-section" aria-labelledby="settings-language">
        <h2 id="settings-language">{t('settings.language')}</h2>
        <LanguageSwitcher id="settings-lang" />
      </section>
      {user ? (
        <>
          <ProfileSection key={user.id} user={user} />
          <TokensSection />
          <TagsSection username={user.username} />
          <BookmarkletSection />
        </>
      ) : (
        <p className="card settings-section">
          {t('settings.loginNeeded')} <Link to="/login?next=%2Fsettings">{t('nav.login')}</Link>
        </p>
      )}
    </div>
  );
}
