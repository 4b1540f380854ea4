import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useAuth } from '@/lib/auth/authContext';
import { formErrors, type FormErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { useTitle } from '@/lib/useTitle';
import { safeNextPath } from '@/lib/url';
import { paths } from '@/config/paths';
import { Field } from '@/components/ui/Field';
import { useRegistration } from '../api/registration';

const REGISTER_FIELDS = ['username', 'password', 'display_name', 'invite_code'] as const;
type RegisterField = (typeof REGISTER_FIELDS)[number];

export function RegisterPage() {
  const { t } = useI18n();
  const { register } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  // An invite link may carry the code: /register?invite=inv_…
  const [inviteCode, setInviteCode] = useState(params.get('invite') ?? '');
  const mode = useRegistration().data?.mode;
  const [errors, setErrors] = useState<FormErrors<RegisterField>>({});
  const [busy, setBusy] = useState(false);
  useTitle(t('nav.register'));
  const next = safeNextPath(params.get('next'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const user = await register(
        username.trim(),
        password,
        displayName.trim() || undefined,
        mode === 'invite' ? inviteCode.trim() : undefined,
      );
      navigate(next ?? paths.user.getHref(user.username), { replace: true });
    } catch (err) {
      setErrors(formErrors(err, REGISTER_FIELDS, t('common.error')));
    } finally {
      setBusy(false);
    }
  };

  if (mode === 'closed') {
    return (
      <div className="page auth-page">
        <section className="card auth-card">
          <h1>{t('auth.registrationClosed')}</h1>
          <p>{t('auth.registrationClosedLead')}</p>
          <p className="auth-card__alt">
            {t('auth.haveAccount')} <Link to={paths.login.getHref(next)}>{t('nav.login')}</Link>
          </p>
        </section>
      </div>
    );
  }

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
        {mode === 'invite' ? (
          <Field
            id="register-invite-code"
            label={t('auth.inviteCode')}
            hint={t('auth.inviteCodeHint')}
            autoComplete="off"
            value={inviteCode}
            onChange={(e) => setInviteCode(e.target.value)}
            error={errors.invite_code}
            required
          />
        ) : null}
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {t('auth.register')}
        </button>
        <p className="auth-card__alt">
          {t('auth.haveAccount')} <Link to={paths.login.getHref(next)}>{t('nav.login')}</Link>
        </p>
      </form>
    </div>
  );
}
