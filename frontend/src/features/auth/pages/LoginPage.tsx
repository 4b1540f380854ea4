import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '@/lib/auth/authContext';
import { ApiError, formErrors, type FormErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { safeNextPath } from '@/lib/url';
import { paths } from '@/config/paths';
import { Field } from '@/components/ui/Field';

const LOGIN_FIELDS = ['username', 'password'] as const;
type LoginField = (typeof LOGIN_FIELDS)[number];

export function LoginPage() {
  const { t } = useI18n();
  const { login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors<LoginField>>({});
  const [busy, setBusy] = useState(false);
  useTitle(t('nav.login'));
  const next = safeNextPath(params.get('next'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const user = await login(username.trim(), password);
      navigate(next ?? paths.user.getHref(user.username), { replace: true });
    } catch (err) {
      const refused = err instanceof ApiError && err.status === 401;
      setErrors(refused ? { form: t('auth.failed') } : formErrors(err, LOGIN_FIELDS, t('common.error')));
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
          {t('auth.noAccount')} <Link to={paths.register.getHref(next)}>{t('nav.register')}</Link>
        </p>
      </form>
    </div>
  );
}
