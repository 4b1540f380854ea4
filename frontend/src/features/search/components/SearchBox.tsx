import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { useLocation, useNavigate } from 'react-router';
import { useI18n } from '@/i18n/i18n';
import { paths } from '@/config/paths';
import { isTypingTarget } from '@/features/shortcuts';
import { DEFAULT_FILTERS, Q_MAX, parseFilters, searchHref } from '../filters';

function SearchIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="10.5" cy="10.5" r="6.5" fill="none" stroke="currentColor" strokeWidth="2.4" />
      <path d="M15.5 15.5 21 21" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
    </svg>
  );
}

/**
 * The search box of the header. `/` focuses it from anywhere but a text field,
 * Escape leaves it. On the results page it shows the current words, and a new
 * search keeps the scope and filters there; elsewhere it starts a fresh one.
 * On narrow screens it folds into a button that opens it below the header.
 */
export function SearchBox() {
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const onResults = location.pathname === paths.search.path;
  const urlQ = onResults ? parseFilters(new URLSearchParams(location.search)).q : '';

  const [value, setValue] = useState(urlQ);
  const [shownQ, setShownQ] = useState(urlQ);
  if (shownQ !== urlQ) {
    // A new search in the URL (a link, back or forward) replaces what was typed.
    setShownQ(urlQ);
    setValue(urlQ);
  }
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTypingTarget(e.target) || document.querySelector('[aria-modal="true"]')) return;
      e.preventDefault();
      // Show the folded box before focusing it.
      flushSync(() => setOpen(true));
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = value.trim();
    if (!q && !onResults) {
      input.current?.focus();
      return;
    }
    const base = onResults ? parseFilters(new URLSearchParams(location.search)) : DEFAULT_FILTERS;
    navigate(searchHref({ ...base, q }));
    // Leave the box so j/k move through the results at once.
    input.current?.blur();
    setOpen(false);
  };

  return (
    <>
      {onResults ? null : (
        <button
          type="button"
          className="search-toggle"
          aria-label={t('search.open')}
          aria-expanded={open}
          aria-controls={`${id}-form`}
          onClick={() => {
            flushSync(() => setOpen(true));
            input.current?.focus();
          }}
        >
          <SearchIcon />
        </button>
      )}
      <form
        id={`${id}-form`}
        role="search"
        className={`header-search${open || onResults ? ' is-open' : ''}`}
        onSubmit={submit}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
        }}
      >
        <label htmlFor={`${id}-q`} className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          ref={input}
          id={`${id}-q`}
          type="search"
          name="q"
          value={value}
          maxLength={Q_MAX}
          placeholder={t('search.placeholder')}
          title={`${t('search.label')} (/)`}
          autoComplete="off"
          enterKeyHint="search"
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.currentTarget.blur();
              setOpen(false);
            }
          }}
        />
        <button type="submit" className="header-search__submit" aria-label={t('search.submit')}>
          <SearchIcon />
        </button>
      </form>
    </>
  );
}
