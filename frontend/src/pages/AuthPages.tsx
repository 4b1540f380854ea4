import { useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '../api/authContext';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { useTitle } from '../lib/useTitle';
import { safeNextPath, userPath } from '../lib/url';

type Errors = Partial<Record<'username' | 'password' | 'display_name' | 'form', string>>;

function toErrors(err: unknown, fallback: string): Errors {
  if (!(err instanceof ApiError)) return { form: fallback };
  const out: Errors = {};
  for (const [field, message] of Object.entries(err.fieldErrors())) {
    if (field === 'username' || field === 'password' || field === 'display_name') out[field] = message;
    else out.form ??= message;
  }
  if (Object.keys(out).length === 0) out.form = err.message || fallback;
  return out;
}

function Field({
  id,
  label,
  error,
  hint,
  ...input
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
} & InputHTMLAttributes<HTMLInputElement>) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={described || undefined} {...input} />
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function LoginPage() {
  const { t } = useI18n();
  const { login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  useTitle(t('nav.login'));
  const next = safeNextPath(params.get('next'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const user = await login(username.trim(), password);
      navigate(next ?? userPath(user.username), { replace: true });
    } catch (err) {
      setErrors(err instanceof ApiError && err.status === 401 ? { form: t('auth.failed') } : toErrors(err, t('common.error')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate>
        <h1>{t('auth.loginTitle')}</h1>
        {errors.form ? (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <Field
          id="login-username"
          label={t('auth.username')}
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={errors.username}
          required
          autoFocus
        />
        <Field
          id="login-password"
          label={t('auth.password')}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          required
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t('auth.login')}
        </button>
        <p className="auth-card__alt">
          {t('auth.noAccount')} <Link to={`/register${next ? `?next=${encodeURIComponent(next)}` : ''}`}>{t('nav.register')}</Link>
        </p>
      </form>
    </div>
  );
}

export function RegisterPage() {
  const { t } = useI18n();
  const { register } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  useTitle(t('nav.register'));
  const next = safeNextPath(params.get('next'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const user = await register(username.trim(), password, displayName.trim() || undefined);
      navigate(next ?? userPath(user.username), { replace: true });
    } catch (err) {
      setErrors(toErrors(err, t('common.error')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate>
        <h1>{t('auth.registerTitle')}</h1>
        {errors.form ? (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <Field
          id="register-username"
          label={t('auth.username')}
          hint={t('auth.usernameHint')}
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={errors.username}
          required
          autoFocus
        />
        <Field
          id="register-password"
          label={t('auth.password')}
          hint={t('auth.passwordHint')}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          required
        />
        <Field
          id="register-display-name"
          label={t('auth.displayName')}
          autoComplete="nickname"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          error={errors.display_name}
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t('auth.register')}
        </button>
        <p className="auth-card__alt">
          {t('auth.haveAccount')} <Link to={`/login${next ? `?next=${encodeURIComponent(next)}` : ''}`}>{t('nav.login')}</Link>
        </p>
      </form>
    </div>
  );
}
