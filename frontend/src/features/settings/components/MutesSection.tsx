import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { formErrors, type FormErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import type { MessageKey } from '@/i18n/en';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast/toastContext';
import { Field } from '@/components/ui/Field';
import { ErrorState, Loading } from '@/components/ui/States';
import {
  useMutes,
  useMuteSite,
  useMuteWord,
  useUnmuteSite,
  useUnmuteUser,
  useUnmuteWord,
} from '@/features/moderation';

const WORD_MAX = 32;
const DOMAIN_MAX = 253;

/** One muted thing with its Unmute button. */
function MuteRow({
  children,
  since,
  unmuteLabel,
  onUnmute,
  busy,
}: {
  children: ReactNode;
  since: string;
  unmuteLabel: string;
  onUnmute: () => void;
  busy: boolean;
}) {
  const { t, formatDate } = useI18n();
  return (
    <li className="mute-list__item">
      <span className="mute-list__name">{children}</span>
      <span className="muted small mute-list__date">{t('mutes.since', { date: formatDate(since) })}</span>
      <button type="button" className="button button--small" aria-label={unmuteLabel} disabled={busy} onClick={onUnmute}>
        {t('mutes.unmute')}
      </button>
    </li>
  );
}

/** A one-field form that adds a muted word or site, with the server's errors beside the field. */
function AddMuteForm({
  field,
  label,
  hint,
  maxLength,
  pending,
  onAdd,
}: {
  field: 'word' | 'domain';
  label: MessageKey;
  hint: MessageKey;
  maxLength: number;
  pending: boolean;
  onAdd: (value: string, done: (error?: unknown) => void) => void;
}) {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<FormErrors<typeof field>>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    onAdd(value.trim(), (error) => {
      if (error) setErrors(formErrors(error, [field], t('common.error')));
      else setValue('');
    });
  };
  return (
    <form className="mute-form" onSubmit={submit} noValidate>
      <Field
        id={`mute-${field}`}
        label={t(label)}
        hint={t(hint)}
        error={errors[field]}
        value={value}
        maxLength={maxLength}
        autoComplete="off"
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="button button--primary" disabled={pending || !value.trim()}>
        {t('mutes.add')}
      </button>
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
    </form>
  );
}

/** Who and what I muted, and forms to mute a word or a site. */
export function MutesSection() {
  const { t } = useI18n();
  const toast = useToast();
  const mutes = useMutes();
  const unmuteUser = useUnmuteUser();
  const muteWord = useMuteWord();
  const unmuteWord = useUnmuteWord();
  const muteSite = useMuteSite();
  const unmuteSite = useUnmuteSite();
  const failed = () => toast.show(t('common.error'), 'error');
  const data = mutes.data;

  return (
    <section className="card settings-section mutes" aria-labelledby="settings-mutes">
      <h2 id="settings-mutes">{t('mutes.title')}</h2>
      <p className="muted">{t('mutes.lead')}</p>
      {mutes.isPending ? <Loading /> : null}
      {mutes.isError ? <ErrorState error={mutes.error} onRetry={() => void mutes.refetch()} /> : null}

      <h3 className="mutes__title">{t('mutes.users')}</h3>
      {data && data.users.length === 0 ? <p className="muted small">{t('mutes.noUsers')}</p> : null}
      {data && data.users.length > 0 ? (
        <ul className="mute-list" aria-label={t('mutes.users')}>
          {data.users.map(({ user, muted_at }) => (
            <MuteRow
              key={user.username}
              since={muted_at}
              busy={unmuteUser.isPending}
              unmuteLabel={t('mutes.unmuteUser', { name: user.username })}
              onUnmute={() => unmuteUser.mutate(user.username, { onError: failed })}
            >
              <Link to={paths.user.getHref(user.username)}>
                {user.display_name || user.username} <span className="muted small">id:{user.username}</span>
              </Link>
            </MuteRow>
          ))}
        </ul>
      ) : null}

      <h3 className="mutes__title">{t('mutes.words')}</h3>
      <AddMuteForm
        field="word"
        label="mutes.word"
        hint="mutes.wordHint"
        maxLength={WORD_MAX}
        pending={muteWord.isPending}
        onAdd={(word, done) =>
          muteWord.mutate(word, {
            onSuccess: () => {
              toast.show(t('mutes.wordMuted', { word }), 'success');
              done();
            },
            onError: done,
          })
        }
      />
      {data && data.words.length === 0 ? <p className="muted small">{t('mutes.noWords')}</p> : null}
      {data && data.words.length > 0 ? (
        <ul className="mute-list" aria-label={t('mutes.words')}>
          {data.words.map(({ word, muted_at }) => (
            <MuteRow
              key={word}
              since={muted_at}
              busy={unmuteWord.isPending}
              unmuteLabel={t('mutes.unmuteWord', { name: word })}
              onUnmute={() => unmuteWord.mutate(word, { onError: failed })}
            >
              {word}
            </MuteRow>
          ))}
        </ul>
      ) : null}

      <h3 className="mutes__title">{t('mutes.sites')}</h3>
      <AddMuteForm
        field="domain"
        label="mutes.site"
        hint="mutes.siteHint"
        maxLength={DOMAIN_MAX}
        pending={muteSite.isPending}
        onAdd={(domain, done) =>
          muteSite.mutate(domain, {
            onSuccess: () => {
              toast.show(t('mutes.siteMuted', { domain }), 'success');
              done();
            },
            onError: done,
          })
        }
      />
      {data && data.sites.length === 0 ? <p className="muted small">{t('mutes.noSites')}</p> : null}
      {data && data.sites.length > 0 ? (
        <ul className="mute-list" aria-label={t('mutes.sites')}>
          {data.sites.map(({ domain, muted_at }) => (
            <MuteRow
              key={domain}
              since={muted_at}
              busy={unmuteSite.isPending}
              unmuteLabel={t('mutes.unmuteSite', { name: domain })}
              onUnmute={() => unmuteSite.mutate(domain, { onError: failed })}
            >
              {domain}
            </MuteRow>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
