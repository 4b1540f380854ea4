import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import {
  MINE_SORTS,
  SITE_MAX,
  SORTS,
  TARGETS,
  USERS_MAX,
  hasFilters,
  parseDay,
  parseUsers,
  searchHref,
  type FilterErrors,
  type SearchFilters,
  type SearchSort,
  type SearchTarget,
} from '../filters';

/** What the typed fields hold until they are applied. */
interface Draft {
  users: string;
  date_begin: string;
  date_end: string;
  site: string;
}

function draftOf(f: SearchFilters): Draft {
  return {
    users: f.users !== undefined ? String(f.users) : '',
    date_begin: f.date_begin ?? '',
    date_end: f.date_end ?? '',
    site: f.site ?? '',
  };
}

/** A whole day a person finished typing (a date field passes through years like 0002 on the way). */
function finishedDay(value: string): boolean {
  const day = parseDay(value);
  return !!day && Number(day.slice(0, 4)) >= 1970;
}

/**
 * The filters of a search. A select applies at once; typed fields apply on
 * Enter or when left, and a date when it is complete. Every change is a new
 * URL, so back and forward step through them.
 */
export function SearchFilterBar({ filters, errors }: { filters: SearchFilters; errors: FilterErrors }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const id = useId();
  const [draft, setDraft] = useState(() => draftOf(filters));
  const [shown, setShown] = useState(filters);
  if (shown !== filters) {
    // The URL changed (a link, back or forward): show what it says.
    setShown(filters);
    setDraft(draftOf(filters));
  }
  // On narrow screens the filters fold; they start open when any is set.
  const [open, setOpen] = useState(() => hasFilters(filters));
  const mine = filters.scope === 'mine';

  /** Searches with the form as it is now, plus `next`. */
  const apply = (next: Partial<SearchFilters> = {}, from: Draft = draft) => {
    const wanted: SearchFilters = {
      ...filters,
      users: parseUsers(from.users),
      date_begin: parseDay(from.date_begin),
      date_end: parseDay(from.date_end),
      site: from.site.trim() ? Array.from(from.site.trim()).slice(0, SITE_MAX).join('') : undefined,
      ...next,
    };
    const href = searchHref(wanted);
    if (href !== searchHref(filters)) navigate(href);
    else setDraft(draftOf(filters));
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    apply();
  };

  const setField = (name: keyof Draft, value: string) => {
    const next = { ...draft, [name]: value };
    setDraft(next);
    return next;
  };

  const fid = (name: string) => `${id}-${name}`;
  const invalid = (name: keyof FilterErrors) => (errors[name] ? true : undefined);
  const described = (name: keyof FilterErrors) => (errors[name] ? fid(`${name}-error`) : undefined);
  const fieldError = (name: keyof FilterErrors) =>
    errors[name] ? (
      <span id={fid(`${name}-error`)} className="field-error">
        {errors[name]}
      </span>
    ) : null;
  const sorts = mine ? MINE_SORTS : SORTS;
  const sort: SearchSort = sorts.includes(filters.sort) ? filters.sort : 'relevance';

  return (
    <form className={`search-filters${open ? ' is-open' : ''}`} onSubmit={onSubmit} aria-label={t('search.filters')}>
      <button
        type="button"
        className="search-filters__toggle link-button"
        aria-expanded={open}
        aria-controls={fid('body')}
        onClick={() => setOpen((o) => !o)}
      >
        {t('search.filters')}
        {hasFilters(filters) ? <span className="search-filters__dot" aria-hidden="true" /> : null}
      </button>
      <div className="search-filters__body" id={fid('body')}>
        <div className="search-filter">
          <label htmlFor={fid('target')}>{t('search.target')}</label>
          <select
            id={fid('target')}
            value={filters.target}
            onChange={(e) => apply({ target: e.target.value as SearchTarget })}
          >
            {TARGETS.map((v) => (
              <option key={v} value={v}>
                {t(`search.target.${v}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="search-filter">
          <label htmlFor={fid('sort')}>{t('search.sort')}</label>
          <select id={fid('sort')} value={sort} onChange={(e) => apply({ sort: e.target.value as SearchSort })}>
            {sorts.map((v) => (
              <option key={v} value={v}>
                {t(`search.sort.${v}`)}
              </option>
            ))}
          </select>
        </div>
        {mine ? null : (
          <div className="search-filter search-filter--users">
            <label htmlFor={fid('users')}>{t('search.users')}</label>
            <input
              id={fid('users')}
              type="number"
              inputMode="numeric"
              min={1}
              max={USERS_MAX}
              step={1}
              value={draft.users}
              aria-invalid={invalid('users')}
              aria-describedby={described('users')}
              onChange={(e) => setField('users', e.target.value)}
              onBlur={() => apply()}
            />
            {fieldError('users')}
          </div>
        )}
        <div className="search-filter search-filter--date">
          <label htmlFor={fid('date_begin')}>{t('search.dateBegin')}</label>
          <input
            id={fid('date_begin')}
            type="date"
            value={draft.date_begin}
            max={draft.date_end || undefined}
            aria-invalid={invalid('date_begin')}
            aria-describedby={described('date_begin')}
            onChange={(e) => {
              const next = setField('date_begin', e.target.value);
              if (!e.target.value || finishedDay(e.target.value)) apply({}, next);
            }}
            onBlur={() => apply()}
          />
          {fieldError('date_begin')}
        </div>
        <div className="search-filter search-filter--date">
          <label htmlFor={fid('date_end')}>{t('search.dateEnd')}</label>
          <input
            id={fid('date_end')}
            type="date"
            value={draft.date_end}
            min={draft.date_begin || undefined}
            aria-invalid={invalid('date_end')}
            aria-describedby={described('date_end')}
            onChange={(e) => {
              const next = setField('date_end', e.target.value);
              if (!e.target.value || finishedDay(e.target.value)) apply({}, next);
            }}
            onBlur={() => apply()}
          />
          {fieldError('date_end')}
        </div>
        <div className="search-filter search-filter--site">
          <label htmlFor={fid('site')}>{t('search.site')}</label>
          <input
            id={fid('site')}
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            maxLength={SITE_MAX}
            placeholder="example.com"
            value={draft.site}
            aria-invalid={invalid('site')}
            aria-describedby={described('site')}
            onChange={(e) => setField('site', e.target.value)}
            onBlur={() => apply()}
          />
          {fieldError('site')}
        </div>
        <div className="search-filter search-filter--actions">
          <button type="submit" className="button">
            {t('search.apply')}
          </button>
          {hasFilters(filters) ? (
            <Link
              className="link-small"
              to={searchHref({ q: filters.q, scope: filters.scope, target: 'all', sort: 'relevance' })}
            >
              {t('search.clear')}
            </Link>
          ) : null}
        </div>
      </div>
      {filters.user ? (
        <p className="search-filters__chips">
          <span className="chip">
            {t('search.byUser', { user: filters.user })}
            <Link
              className="chip__remove"
              to={searchHref({ ...filters, user: undefined })}
              aria-label={t('search.removeFilter', { name: t('search.byUser', { user: filters.user }) })}
            >
              ×
            </Link>
          </span>
          {fieldError('user')}
        </p>
      ) : null}
    </form>
  );
}
