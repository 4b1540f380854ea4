import { useState, type FormEvent } from 'react';
import { formErrors } from '@/lib/api/errors';
import { useI18n } from '@/i18n/i18n';
import { useToast } from '@/components/toast/toastContext';
import { useUserTags } from '@/features/bookmarks';
import { useDeleteTag, useRenameTag } from '../api/tags';

export function TagsSection({ username }: { username: string }) {
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
        onError: (err) => setError(formErrors(err, [], t('common.error')).form ?? null),
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
                    onError: (err) => setError(formErrors(err, [], t('common.error')).form ?? null),
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
