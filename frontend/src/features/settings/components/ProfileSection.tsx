import { useState, type FormEvent } from 'react';
import type { User } from '@/lib/api/types';
import { formErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { useToast } from '@/components/toast/toastContext';
import { useUpdateMe } from '../api/profile';

export function ProfileSection({ user }: { user: User }) {
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
        onError: (err) => setError(formErrors(err, [], t('common.error')).form ?? null),
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
