import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import { useAuth } from '@/lib/auth/authContext';
import { ApiError, formErrors, type FormErrors } from '@/lib/api/errors';
import type { Bookmark } from '@/lib/api/types';
import { COMMENT_MAX, TAGS_MAX, charCount, safeHttpUrl } from '@/lib/url';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast/toastContext';
import { useDeleteBookmark, useMyBookmark, useSaveBookmark } from '../api/bookmarks';
import { useUserTags } from '../api/tags';
import { TagInput } from './TagInput';

interface BookmarkFormProps {
  initialUrl?: string;
  initialTitle?: string;
  onDone?: (bookmark: Bookmark | null) => void;
  onCancel?: () => void;
  /** Focus the comment field instead of the URL when the URL is known. */
  autoFocus?: boolean;
}

const FIELDS = ['url', 'comment', 'tags', 'title'] as const;
type Errors = FormErrors<(typeof FIELDS)[number]>;

export function BookmarkForm({ initialUrl = '', initialTitle = '', onDone, onCancel, autoFocus = true }: BookmarkFormProps) {
  const { t, formatDate } = useI18n();
  const { user } = useAuth();
  const toast = useToast();
  const ids = useId();
  const [url, setUrl] = useState(initialUrl);
  const [lookupUrl, setLookupUrl] = useState(safeHttpUrl(initialUrl) ?? '');
  const [title, setTitle] = useState(initialTitle);
  const [comment, setComment] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [isPrivate, setPrivate] = useState(false);
  const [readLater, setReadLater] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const prefilledFor = useRef<number | null>(null);

  const existing = useMyBookmark(lookupUrl || undefined, !!user);
  const myTags = useUserTags(user?.username);
  const save = useSaveBookmark();
  const remove = useDeleteBookmark();
  const mine = existing.data ?? null;

  // Debounce the lookup of my existing bookmark while the URL is typed.
  useEffect(() => {
    const safe = safeHttpUrl(url.trim()) ?? '';
    if (safe === lookupUrl) return;
    const h = window.setTimeout(() => setLookupUrl(safe), 400);
    return () => window.clearTimeout(h);
  }, [url, lookupUrl]);

  // Editing: start from what I saved before (once per bookmark).
  useEffect(() => {
    if (mine && prefilledFor.current !== mine.id) {
      prefilledFor.current = mine.id;
      setComment(mine.comment);
      setTags(mine.tags);
      setPrivate(mine.private);
      setReadLater(mine.read_later);
    }
  }, [mine]);

  const count = charCount(comment);
  const tooLong = count > COMMENT_MAX;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const target = url.trim();
    const next: Errors = {};
    if (!safeHttpUrl(target)) next.url = t('bm.urlInvalid');
    if (tooLong) next.comment = t('bm.commentTooLong', { max: COMMENT_MAX });
    if (tags.length > TAGS_MAX) next.tags = t('bm.tooManyTags', { max: TAGS_MAX });
    setErrors(next);
    if (Object.keys(next).length) return;
    save.mutate(
      {
        url: target,
        comment,
        tags,
        private: isPrivate,
        read_later: readLater,
        ...(title.trim() && !mine ? { title: title.trim() } : {}),
      },
      {
        onSuccess: (bm) => {
          toast.show(t('bm.saved'), 'success');
          onDone?.(bm);
        },
        onError: (err) => setErrors(formErrors(err, FIELDS, t('common.error'))),
      },
    );
  };

  const onDelete = () => {
    if (!mine || !window.confirm(t('bm.confirmDelete'))) return;
    remove.mutate(mine, {
      onSuccess: () => {
        toast.show(t('bm.deleted'), 'success');
        onDone?.(null);
      },
      onError: (err) => setErrors({ form: err instanceof ApiError ? err.message : t('common.error') }),
    });
  };

  const fid = (name: string) => `${ids}-${name}`;
  const describe = (name: keyof Errors, hint?: boolean) =>
    [hint ? fid(`${name}-hint`) : null, errors[name] ? fid(`${name}-error`) : null].filter(Boolean).join(' ') ||
    undefined;

  return (
    <form className="bookmark-form" onSubmit={submit} noValidate>
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      {mine ? (
        <p className="notice">
          {t('bm.editing', { date: formatDate(mine.created_at) })}{' '}
          <Link to={paths.entry.getHref(mine.entry.id)}>{t('bm.openEntry')}</Link>
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={fid('url')}>{t('bm.url')}</label>
        <input
          id={fid('url')}
          type="url"
          inputMode="url"
          value={url}
          required
          autoComplete="off"
          placeholder="https://"
          data-autofocus={autoFocus && !initialUrl ? true : undefined}
          aria-invalid={errors.url ? true : undefined}
          aria-describedby={describe('url', true)}
          onChange={(e) => setUrl(e.target.value)}
        />
        <p id={fid('url-hint')} className="hint">
          {t('bm.urlHint')}
        </p>
        {errors.url ? (
          <p id={fid('url-error')} className="field-error">
            {errors.url}
          </p>
        ) : null}
      </div>
      {!mine ? (
        <div className="field">
          <label htmlFor={fid('title')}>{t('bm.title')}</label>
          <input
            id={fid('title')}
            value={title}
            maxLength={500}
            aria-invalid={errors.title ? true : undefined}
            aria-describedby={describe('title', true)}
            onChange={(e) => setTitle(e.target.value)}
          />
          <p id={fid('title-hint')} className="hint">
            {t('bm.titleHint')}
          </p>
          {errors.title ? (
            <p id={fid('title-error')} className="field-error">
              {errors.title}
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="field">
        <div className="field__label-row">
          <label htmlFor={fid('comment')}>{t('bm.comment')}</label>
          <span
            id={fid('comment-hint')}
            className={`counter${tooLong ? ' counter--over' : ''}`}
            aria-live="polite"
            data-testid="comment-counter"
          >
            {t('bm.counter', { n: count, max: COMMENT_MAX })}
          </span>
        </div>
        <textarea
          id={fid('comment')}
          value={comment}
          rows={3}
          placeholder={t('bm.commentPlaceholder')}
          data-autofocus={autoFocus && initialUrl ? true : undefined}
          aria-invalid={errors.comment || tooLong ? true : undefined}
          aria-describedby={describe('comment', true)}
          onChange={(e) => setComment(e.target.value)}
        />
        {errors.comment ? (
          <p id={fid('comment-error')} className="field-error">
            {errors.comment}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={fid('tags')}>{t('bm.tags')}</label>
        <TagInput
          id={fid('tags')}
          tags={tags}
          onChange={setTags}
          suggestions={myTags.data?.items ?? []}
          error={errors.tags}
        />
      </div>
      <div className="switches">
        <label className="switch">
          <input type="checkbox" role="switch" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
          <span className="switch__track" aria-hidden="true" />
          <span className="switch__text">
            <span>{t('bm.private')}</span>
            <small>{t('bm.privateHint')}</small>
          </span>
        </label>
        <label className="switch">
          <input type="checkbox" role="switch" checked={readLater} onChange={(e) => setReadLater(e.target.checked)} />
          <span className="switch__track" aria-hidden="true" />
          <span className="switch__text">
            <span>{t('bm.readLater')}</span>
            <small>{t('bm.readLaterHint')}</small>
          </span>
        </label>
      </div>
      <div className="form-actions">
        {mine ? (
          <button type="button" className="button button--danger" onClick={onDelete} disabled={remove.isPending}>
            {t('bm.delete')}
          </button>
        ) : null}
        <span className="spacer" />
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        ) : null}
        <button type="submit" className="button button--primary" disabled={save.isPending || tooLong}>
          {save.isPending ? t('common.saving') : t('bm.save')}
        </button>
      </div>
    </form>
  );
}
