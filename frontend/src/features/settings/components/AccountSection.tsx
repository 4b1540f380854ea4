import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import type { User } from '@/lib/api/types';
import { formErrors, type FormErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { useToast } from '@/components/toast/toastContext';
import { Modal } from '@/components/ui/Modal';
import { paths } from '@/config/paths';
import { session } from '@/lib/api/session';
import { useChangePassword, useDeleteAccount, useSignOutEverywhere } from '../api/account';

/** Password change, sign-out everywhere and account deletion. */
export function AccountSection({ user }: { user: User }) {
  const { t } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const change = useChangePassword();
  const signOut = useSignOutEverywhere();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<FormErrors<'current_password' | 'new_password'>>({});
  const [deleting, setDeleting] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          toast.show(t('settings.passwordChanged'), 'success');
        },
        onError: (err) => setErrors(formErrors(err, ['current_password', 'new_password'], t('common.error'))),
      },
    );
  };

  const signOutEverywhere = () => {
    if (!window.confirm(t('settings.confirmSignOutEverywhere'))) return;
    signOut.mutate(undefined, {
      onSuccess: () => {
        toast.show(t('settings.signedOutEverywhere'), 'success');
        void navigate(paths.hot.getHref());
        session.clear();
      },
      onError: () => toast.show(t('common.error'), 'error'),
    });
  };

  return (
    <section className="card settings-section" aria-labelledby="settings-account">
      <h2 id="settings-account">{t('settings.account')}</h2>
      <h3>{t('settings.changePassword')}</h3>
      <form onSubmit={submit} aria-label={t('settings.changePassword')}>
        {errors.form ? (
          <p className="form-error" role="alert">
            {errors.form}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="settings-current-password">{t('settings.currentPassword')}</label>
          <input
            id="settings-current-password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
          {errors.current_password ? <p className="field-error">{errors.current_password}</p> : null}
        </div>
        <div className="field">
          <label htmlFor="settings-new-password">{t('settings.newPassword')}</label>
          <input
            id="settings-new-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={256}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
          <p className="hint">{t('settings.newPasswordHint')}</p>
          {errors.new_password ? <p className="field-error">{errors.new_password}</p> : null}
        </div>
        <div className="form-actions">
          <span className="spacer" />
          <button type="submit" className="button button--primary" disabled={change.isPending}>
            {change.isPending ? t('common.saving') : t('settings.changePassword')}
          </button>
        </div>
      </form>

      <h3>{t('settings.signOutEverywhere')}</h3>
      <p className="muted">{t('settings.signOutEverywhereLead')}</p>
      <div className="form-actions">
        <button type="button" className="button" onClick={signOutEverywhere} disabled={signOut.isPending}>
          {t('settings.signOutEverywhere')}
        </button>
      </div>

      <h3>{t('settings.deleteAccount')}</h3>
      <p className="muted">{t('settings.deleteAccountLead')}</p>
      <div className="form-actions">
        <button type="button" className="button button--danger" onClick={() => setDeleting(true)}>
          {t('settings.deleteAccount')}
        </button>
      </div>
      {deleting ? (
        <DeleteAccountDialog
          username={user.username}
          onClose={() => setDeleting(false)}
          onDeleted={() => {
            toast.show(t('settings.accountDeleted'), 'success');
            void navigate(paths.hot.getHref());
            session.clear();
          }}
        />
      ) : null}
    </section>
  );
}

/** Asks for the password and the username typed out before deleting. */
function DeleteAccountDialog({
  username,
  onClose,
  onDeleted,
}: {
  username: string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useI18n();
  const remove = useDeleteAccount();
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const confirmed = typed === username && password.length > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!confirmed) return;
    setError(null);
    remove.mutate(password, {
      onSuccess: onDeleted,
      onError: (err) => setError(formErrors(err, [], t('common.error')).form ?? null),
    });
  };

  return (
    <Modal title={t('settings.deleteAccount')} onClose={onClose}>
      <form onSubmit={submit} aria-label={t('settings.deleteAccount')}>
        <p className="muted">{t('settings.deleteAccountLead')}</p>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="delete-account-password">{t('settings.deleteAccountPassword')}</label>
          <input
            id="delete-account-password"
            type="password"
            autoComplete="current-password"
            data-autofocus
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="delete-account-username">{t('settings.deleteAccountConfirm', { username })}</label>
          <input
            id="delete-account-username"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <span className="spacer" />
          <button type="submit" className="button button--danger" disabled={!confirmed || remove.isPending}>
            {t('settings.deleteAccountForever')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
