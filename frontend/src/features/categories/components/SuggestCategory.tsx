import { useId, useState, type FormEvent } from 'react';
import type { CategorySlug, CategorySuggestion, EntryCategory } from '@/lib/api/types';
import { ApiError, formErrors } from '@/lib/api/errors';
import { useAuth } from '@/lib/auth/authContext';
import { useI18n } from '@/i18n/i18n';
import { CATEGORY_NAMES, CATEGORY_SLUGS, useSuggestCategory } from '../api/categories';

/** "Suggest a category": a signed-in user's opinion of where an entry belongs. */
export function SuggestCategory({ entryId, current }: { entryId: number; current?: EntryCategory | null }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const id = useId();
  const suggest = useSuggestCategory(entryId);
  const [slug, setSlug] = useState<CategorySlug | ''>('');
  const [result, setResult] = useState<CategorySuggestion | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!user) return null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!slug) return;
    setError(null);
    setResult(null);
    suggest.mutate(slug, {
      onSuccess: setResult,
      onError: (err) => {
        if (err instanceof ApiError && err.status === 429) setError(t('category.tooMany'));
        else {
          const errors = formErrors(err, ['slug'], t('common.error'));
          setError(errors.slug ?? errors.form ?? t('common.error'));
        }
      },
    });
  };

  return (
    <form className="suggest-category" onSubmit={submit} aria-labelledby={`${id}-label`}>
      <label id={`${id}-label`} htmlFor={`${id}-select`} className="suggest-category__label">
        {t('category.suggest')}
      </label>
      <select
        id={`${id}-select`}
        value={slug}
        onChange={(e) => setSlug(e.target.value as CategorySlug | '')}
        disabled={suggest.isPending}
      >
        <option value="">{t('category.choose')}</option>
        {CATEGORY_SLUGS.map((s) => (
          <option key={s} value={s} disabled={s === current?.slug && current.source !== 'auto'}>
            {t(CATEGORY_NAMES[s])}
          </option>
        ))}
      </select>
      <button type="submit" className="button" disabled={!slug || suggest.isPending}>
        {suggest.isPending ? t('common.saving') : t('category.suggestAction')}
      </button>
      <p className="suggest-category__status" role="status">
        {result
          ? result.moved
            ? t('category.moved', { name: t(CATEGORY_NAMES[result.suggested]) })
            : t('category.counted', { count: result.agreeing, name: t(CATEGORY_NAMES[result.suggested]) })
          : null}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
